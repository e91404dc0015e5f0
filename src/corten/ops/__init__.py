"""Operations on tensors: the functions of the array API standard's namespace.

Each function checks its arguments, then runs where its operands live through
:func:`corten.ops._dispatch.run`: NumPy inline on the CPU, the backend's ``compute`` verb
on other devices.
"""

from corten.ops import linalg
from corten.tensor._hooks import EXT


def _register() -> None:
    """Give the tensor types ``@`` (see ``corten.tensor._hooks``)."""
    EXT.matmul = linalg.matmul


_register()
