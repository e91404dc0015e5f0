"""Iteration over tensors: sequential iterators, ``map``/``apply_``, and ``par_iter``
pipelines compiled per device (numba on the CPU, numba-cuda on ``cuda``, a reference
interpreter elsewhere). Built on the tensor types; registers itself with them on import.
"""

from corten.pipelines import iterators, parallel
from corten.tensor._hooks import EXT


def _register() -> None:
    """Give the tensor types their iteration methods (see ``corten.tensor._hooks``)."""
    EXT.iter = iterators.iter_elements
    EXT.indexed_iter = iterators.indexed_iter
    EXT.iter_dim = iterators.iter_dim
    EXT.map = iterators.map_elements
    EXT.iter_mut = iterators.iter_mut
    EXT.apply_ = iterators.apply_elements
    EXT.par_iter = parallel.ParIter


_register()
