from collections.abc import Callable

def basic_layout(
    shape: tuple[int, ...], strides: tuple[int, ...], offset: int, index: object, /
) -> tuple[tuple[int, ...], tuple[int, ...], int] | None: ...
def narrow_layout(
    shape: tuple[int, ...],
    strides: tuple[int, ...],
    offset: int,
    dim: int,
    start: int,
    length: int,
    /,
) -> tuple[tuple[int, ...], int] | None: ...
def permute_layout(
    shape: tuple[int, ...], strides: tuple[int, ...], order: object, /
) -> tuple[tuple[int, ...], tuple[int, ...]] | None: ...

class Pin:
    def __init__(self, array: object, release: Callable[[], object], /) -> None: ...
