"""Exchange with other libraries: DLPack (export and import, host and CUDA capsules), the
NumPy array interface, the buffer protocol, ``__cuda_array_interface__`` and pickle.
Built on the tensor types; registers the export methods with them on import.
"""

from corten.interop import _interop
from corten.tensor._hooks import EXT


def _register() -> None:
    """Give the tensor types their interop methods (see ``corten.tensor._hooks``)."""
    EXT.dlpack = _interop.dlpack
    EXT.dlpack_device = _interop.dlpack_device
    EXT.array_interface = _interop.array_interface
    EXT.cuda_array_interface = _interop.cuda_array_interface
    EXT.buffer = _interop.buffer
    EXT.reduce_ex = _interop.reduce_ex


_register()
