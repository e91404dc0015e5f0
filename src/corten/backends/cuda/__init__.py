"""The ``cuda`` backend: :mod:`~corten.backends.cuda.backend` (the device verbs over a
driver), :mod:`~corten.backends.cuda.driver` (the only code that talks to CUDA, through
``cuda.core``) and :mod:`~corten.backends.cuda.kernels` (CUDA C++ for NVRTC and launch
plans)."""

from corten.backends.cuda.backend import (
    CudaBackend,
    CudaEvent,
    CudaStream,
    device_pointer,
    set_driver,
)

__all__ = ["CudaBackend", "CudaEvent", "CudaStream", "device_pointer", "set_driver"]
