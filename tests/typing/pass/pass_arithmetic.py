"""Arithmetic between tensors of the same dtype and device, and with Python scalars.

Type-checked only (mypy --strict, pyright strict), never run.
"""

import corten as ct
from corten import AnyRank, Bool, Cpu, Cuda, Float32, Int32, Rank2, Tensor

a = ct.zeros((2, 3))
b = ct.ones((2, 3))
row = ct.ones(3)
scalar0 = ct.zeros(())

# Every binary operator keeps the dtype and the device; the result rank is AnyRank.
add: Tensor[Float32, AnyRank, Cpu] = a + b
sub: Tensor[Float32, AnyRank, Cpu] = a - b
mul: Tensor[Float32, AnyRank, Cpu] = a * b
div: Tensor[Float32, AnyRank, Cpu] = a / b
floordiv: Tensor[Float32, AnyRank, Cpu] = a // b
mod: Tensor[Float32, AnyRank, Cpu] = a % b
power: Tensor[Float32, AnyRank, Cpu] = a**b

# Broadcasting: ranks may differ.
broadcast: Tensor[Float32, AnyRank, Cpu] = a + row
broadcast = row * a
broadcast = a - scalar0

# Python scalars on either side.
with_scalars: Tensor[Float32, AnyRank, Cpu] = a + 1
with_scalars = 1 + a
with_scalars = a * 2.5
with_scalars = 2.5 * a
with_scalars = 1.0 - a
with_scalars = 1.0 / a
with_scalars = 2 ** a
with_scalars = a**2
with_scalars = 7 // a
with_scalars = 7 % a
with_scalars = a + True

# Bitwise operators on integer tensors.
ints = ct.zeros((2, 3), dtype=ct.int32)
bits: Tensor[Int32, AnyRank, Cpu] = (ints & ints) | (ints ^ 1)
bits = 1 & ints
bits = 1 | ints
bits = 1 ^ ints

# Unary operators keep the rank.
neg: Tensor[Float32, Rank2, Cpu] = -a
pos: Tensor[Float32, Rank2, Cpu] = +a
absolute: Tensor[Float32, Rank2, Cpu] = abs(a)
inverted: Tensor[Int32, Rank2, Cpu] = ~ints

# Comparisons give bool tensors on the same device.
mask: Tensor[Bool, AnyRank, Cpu] = a < b
mask = a <= 1.0
mask = a > row
mask = a >= b
mask = a == b
mask = a != 0

# Frozen and mutable views mix with owners of the same dtype and device.
mixed: Tensor[Float32, AnyRank, Cpu] = a.view() + b
mixed = a + b.view_mut()
mixed = a.view_mut() * b.view()
mixed = a[0] + b[1]

# The same on another device.
ga = ct.zeros((2, 3), device=ct.cuda)
gb = ct.ones((2, 3), device=ct.cuda)
gpu_sum: Tensor[Float32, AnyRank, Cuda] = ga + gb * 2
gpu_mask: Tensor[Bool, AnyRank, Cuda] = ga < gb

# In-place operators on owners and mutable views keep the variable's type.
a += 1
a -= b
a *= row
a /= 2.0
a //= b.view()
a %= 3
a **= 2
ints &= ints
ints |= 1
ints ^= ints.view_mut()
ga += gb
m = b.view_mut()
m += 1
m *= a
m -= a.view()
owner_again: Tensor[Float32, Rank2, Cpu] = a

# Python conversions.
flag: bool = bool(a.sum() > 0)
as_float: float = float(a.sum())
as_int: int = int(ints.sum())
length: int = len(a)
