"""float16 and bfloat16 inside compiled pipelines.

numba has no float16 or bfloat16 type on the CPU, so pipeline kernels read their memory
as uint16 bits, compute in float32, and round results back with these functions (ties
to even, as NumPy's and ml_dtypes' conversions do; a float64 becomes a bfloat16 through
float32, as in ml_dtypes). This module imports numba.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np

__all__ = [
    "bf16_to_float",
    "float_to_bf16",
    "float_to_half",
    "half_to_float",
    "round_bf16",
    "round_half",
]


@numba.njit(cache=False, nogil=True)
def half_to_float(h: Any) -> Any:  # pragma: no cover - compiled
    """The float32 value of the float16 whose bits are ``h`` (a uint16)."""
    b = int(h)
    e = (b >> 10) & 0x1F
    m = b & 0x3FF
    if e == 0:
        f = math.ldexp(float(m), -24)
    elif e == 31:
        f = math.inf if m == 0 else math.nan
    else:
        f = math.ldexp(float(m + 1024), e - 25)
    if b & 0x8000:
        f = -f
    return np.float32(f)


@numba.njit(cache=False, nogil=True)
def float_to_half(x: Any) -> Any:  # pragma: no cover - compiled
    """The bits (a uint16) of the float16 nearest to ``x``, ties to even."""
    f = float(x)
    if f != f:
        return np.uint16(0x7E00)
    sign = 0
    if f < 0.0 or (f == 0.0 and math.copysign(1.0, f) < 0.0):
        sign = 0x8000
        f = -f
    if f >= 65520.0:  # halfway between the largest float16 (65504) and 2**16
        return np.uint16(sign | 0x7C00)
    if f < 6.103515625e-05:  # below 2**-14, the smallest normal float16
        return np.uint16(sign | int(np.rint(f * 16777216.0)))
    fr, ex = math.frexp(f)  # f = fr * 2**ex with 0.5 <= fr < 1
    e = ex - 1
    m = int(np.rint(math.ldexp(fr, 11))) - 1024
    if m == 1024:
        m = 0
        e += 1
    return np.uint16(sign | ((e + 15) << 10) | m)


@numba.njit(cache=False, nogil=True)
def round_half(x: Any) -> Any:  # pragma: no cover - compiled
    """``x`` rounded to the nearest float16, as a float32."""
    return half_to_float(float_to_half(x))


@numba.njit(cache=False, nogil=True)
def bf16_to_float(h: Any) -> Any:  # pragma: no cover - compiled
    """The float32 value of the bfloat16 whose bits are ``h`` (a uint16)."""
    b = int(h)
    e = (b >> 7) & 0xFF
    m = b & 0x7F
    if e == 0:
        f = math.ldexp(float(m), -133)
    elif e == 255:
        f = math.inf if m == 0 else math.nan
    else:
        f = math.ldexp(float(m + 128), e - 134)
    if b & 0x8000:
        f = -f
    return np.float32(f)


@numba.njit(cache=False, nogil=True)
def float_to_bf16(x: Any) -> Any:  # pragma: no cover - compiled
    """The bits (a uint16) of the bfloat16 nearest to ``x`` rounded to float32 first."""
    f = float(np.float32(x))
    if f != f:
        return np.uint16(0xFFC0 if math.copysign(1.0, f) < 0.0 else 0x7FC0)
    sign = 0
    if f < 0.0 or (f == 0.0 and math.copysign(1.0, f) < 0.0):
        sign = 0x8000
        f = -f
    if f == math.inf:
        return np.uint16(sign | 0x7F80)
    if f < 1.1754943508222875e-38:  # below 2**-126: subnormal, steps of 2**-133
        return np.uint16(sign | int(np.rint(f * 1.0889035741470031e40)))
    fr, ex = math.frexp(f)  # f = fr * 2**ex with 0.5 <= fr < 1
    e = ex - 1
    m = int(np.rint(math.ldexp(fr, 8))) - 128
    if m == 128:
        m = 0
        e += 1
    if e > 127:
        return np.uint16(sign | 0x7F80)
    return np.uint16(sign | ((e + 127) << 7) | m)


@numba.njit(cache=False, nogil=True)
def round_bf16(x: Any) -> Any:  # pragma: no cover - compiled
    """``x`` rounded to the nearest bfloat16 (through float32), as a float32."""
    return bf16_to_float(float_to_bf16(x))
