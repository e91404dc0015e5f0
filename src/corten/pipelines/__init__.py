"""Iteration over tensors: sequential iterators, ``map``/``apply_``, and ``par_iter``
pipelines compiled per device (numba on the CPU, numba-cuda on ``cuda``, a reference
interpreter elsewhere). Built on the tensor types; registers itself with them on import.
"""
