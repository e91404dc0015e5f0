"""Type parameters and rank aliases shared by the tensor classes and factories."""

from __future__ import annotations

from typing import Any, TypeAlias

from typing_extensions import TypeVar

from corten.core.devices import Cpu, Device
from corten.core.dtypes import DType, Float32

__all__ = [
    "DT",
    "AnyRank",
    "D",
    "NewD",
    "NewDT",
    "R",
    "Rank0",
    "Rank1",
    "Rank2",
    "Rank3",
    "Rank4",
]

Rank0: TypeAlias = tuple[()]
Rank1: TypeAlias = tuple[int]
Rank2: TypeAlias = tuple[int, int]
Rank3: TypeAlias = tuple[int, int, int]
Rank4: TypeAlias = tuple[int, int, int, int]
AnyRank: TypeAlias = tuple[Any, ...]

# Class parameters: dtype and device are invariant (a covariant device would let
# cpu + cuda pass), the rank is covariant like NumPy's shape parameter.
DT = TypeVar("DT", bound=DType, default=Any)
R = TypeVar("R", bound=tuple[Any, ...], default=AnyRank, covariant=True)
D = TypeVar("D", bound=Device, default=Any)

# Function parameters: what a factory or conversion produces when not told otherwise.
NewDT = TypeVar("NewDT", bound=DType, default=Float32)
NewD = TypeVar("NewD", bound=Device, default=Cpu)
