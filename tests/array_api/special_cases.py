"""The special cases of the array API standard's elementwise functions, as test data.

Every case below was written by hand from the "Special cases" sections of the standard's
2024.12 text (``src/array_api_stubs/_2024_12/elementwise_functions.py`` and
``array_object.py`` in the data-apis/array-api repository). A case is one concrete input
that a bullet of the text describes and the result that bullet requires; where a bullet
speaks of "a finite number", "a positive finite number" or "any value", a representative
value stands for the class (``2.5``, ``-2.5``, ``1.0``, ...). Where bullets overlap, the
first bullet in the text wins, as the text orders them.

Cases are plain Python floats and complex numbers (``-0.0``, ``NAN``, ``INF``), so a test
can build a tensor of any floating dtype from them. ``SPECIAL_CASES`` maps the function's
standard name to its cases; the operators (``x1 + x2``, ``abs(x)``, ...) must give the same
results as their functions. ``CONVERSION_CASES`` holds the special cases of
``__bool__``, ``__complex__``, ``__float__``, ``__int__`` and ``__index__``.

Some cases are derived from others by identities the text states:

- ``conj``: the text requires ``f(conj(x)) == conj(f(x))`` for most complex functions and
  lists cases for the upper half plane only; the mirrored lower-half cases are added
  (inputs whose imaginary part is NaN are not mirrored).
- ``odd``/``even``: ``asinh``, ``atanh``, ``sinh``, ``tanh`` are odd, ``cosh`` is even.
- ``rotation``: ``asin``, ``atan``, ``cos``, ``sin``, ``tan`` of a complex ``x`` are "handled
  as if" ``-1j * asinh(x*1j)`` etc.; ``x*1j`` is taken as the exact rotation ``(-b, a)``
  and ``-1j * (p + qj)`` as ``(q, -p)``, not as IEEE complex multiplications (which would
  turn ``inf * 0`` into NaN).
- ``subtract``: ``x1 - x2`` equals ``x1 + (-x2)``; ``reciprocal``: ``1.0 / x``;
  ``square``: ``x * x``; ``log2``/``log10`` of a complex ``x``: ``log(x) / log(base)``.

``check_against_numpy()`` evaluates every case with NumPy and returns the disagreements;
``KNOWN_NUMPY_DEVIATIONS`` lists the ones NumPy 2.x is known to have, so a corten test that
uses NumPy as its oracle knows where the oracle is wrong. ``matches()`` is the comparison
a test should use (signed zeros, NaN, tolerance for "an approximation to pi/2").

There are no doctests here on purpose (pytest collects this module with
``--doctest-modules``); the tests that use this data come with the implementation. Use::

    from array_api.special_cases import SPECIAL_CASES, matches

    for case in SPECIAL_CASES["atan2"]:
        got = ct.atan2(*(ct.asarray(a, dtype=ct.float64) for a in case.args))
        assert matches(got.item(), case), case.rule
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

NAN = math.copysign(math.nan, 1.0)
NEG_NAN = math.copysign(math.nan, -1.0)  # a NaN whose sign bit is 1
INF = math.inf
PI = math.pi


class Case(NamedTuple):
    """One special case: ``fn(*args)`` must equal ``expected``.

    Attributes
    ----------
    args : tuple
        The inputs, Python floats (a real floating dtype) or complex numbers (a complex
        floating dtype). ``clip`` takes ``(x, min, max)``.
    expected : float, complex or bool
        The required result. Zeros are signed: ``-0.0`` and ``0.0`` differ.
    rule : str
        The bullet of the text, shortened.
    approx : bool
        The text asks for "an implementation-dependent approximation" (pi/2, 3pi/4, ...):
        compare values with a tolerance, signs exactly.
    any_sign : str
        Components whose sign the text leaves unspecified: ``""``, ``"real"``, ``"imag"``
        or ``"both"`` (for a real result, ``"real"``).
    nan_sign : bool
        The sign bit of a NaN result is specified (``copysign``); compare it too.
    alternatives : tuple
        Other results the text explicitly allows (``floor_divide``'s "libraries may
        return NaN to match Python behavior").
    derived : str
        ``""`` for a case written from a bullet, otherwise the identity it was derived by.
    """

    args: tuple[Any, ...]
    expected: Any
    rule: str
    approx: bool = False
    any_sign: str = ""
    nan_sign: bool = False
    alternatives: tuple[Any, ...] = ()
    derived: str = ""


def _c(re: float, im: float) -> complex:
    """A complex number with exactly these components (``complex(re, im)`` keeps signs)."""
    return complex(re, im)


def _r(
    args: tuple[Any, ...],
    expected: Any,
    rule: str,
    *,
    approx: bool = False,
    any_sign: str = "",
    nan_sign: bool = False,
    alternatives: tuple[Any, ...] = (),
) -> Case:
    return Case(args, expected, rule, approx, any_sign, nan_sign, alternatives)


def _u(x: Any, expected: Any, rule: str, **kw: Any) -> Case:
    return _r((x,), expected, rule, **kw)


# ----------------------------------------------------------------------------- real cases

_NAN_IN_NAN_OUT = "x_i is NaN -> NaN"

_REAL: dict[str, list[Case]] = {
    "abs": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-0.0, 0.0, "x_i is -0 -> +0"),
        _u(-INF, INF, "x_i is -inf -> +inf"),
    ],
    "acos": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(2.0, NAN, "x_i > 1 -> NaN"),
        _u(-2.0, NAN, "x_i < -1 -> NaN"),
        _u(1.0, 0.0, "x_i is 1 -> +0"),
    ],
    "acosh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.5, NAN, "x_i < 1 -> NaN"),
        _u(-2.0, NAN, "x_i < 1 -> NaN"),
        _u(1.0, 0.0, "x_i is 1 -> +0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "asin": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(2.0, NAN, "x_i > 1 -> NaN"),
        _u(-2.0, NAN, "x_i < -1 -> NaN"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
    ],
    "asinh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
    ],
    "atan": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, PI / 2, "x_i is +inf -> ~+pi/2", approx=True),
        _u(-INF, -PI / 2, "x_i is -inf -> ~-pi/2", approx=True),
    ],
    "atanh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.0, NAN, "x_i < -1 -> NaN"),
        _u(2.0, NAN, "x_i > 1 -> NaN"),
        _u(-1.0, -INF, "x_i is -1 -> -inf"),
        _u(1.0, INF, "x_i is +1 -> +inf"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
    ],
    "atan2": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, 0.0), PI / 2, "x1_i > 0, x2_i +0 -> ~+pi/2", approx=True),
        _r((2.5, -0.0), PI / 2, "x1_i > 0, x2_i -0 -> ~+pi/2", approx=True),
        _r((0.0, 2.5), 0.0, "x1_i +0, x2_i > 0 -> +0"),
        _r((0.0, -0.0), PI, "x1_i +0, x2_i -0 -> ~+pi", approx=True),
        _r((0.0, 0.0), 0.0, "x1_i +0, x2_i +0 -> +0"),
        _r((0.0, -2.5), PI, "x1_i +0, x2_i < 0 -> ~+pi", approx=True),
        _r((-0.0, 2.5), -0.0, "x1_i -0, x2_i > 0 -> -0"),
        _r((-0.0, 0.0), -0.0, "x1_i -0, x2_i +0 -> -0"),
        _r((-0.0, -0.0), -PI, "x1_i -0, x2_i -0 -> ~-pi", approx=True),
        _r((-0.0, -2.5), -PI, "x1_i -0, x2_i < 0 -> ~-pi", approx=True),
        _r((-2.5, 0.0), -PI / 2, "x1_i < 0, x2_i +0 -> ~-pi/2", approx=True),
        _r((-2.5, -0.0), -PI / 2, "x1_i < 0, x2_i -0 -> ~-pi/2", approx=True),
        _r((2.5, INF), 0.0, "x1_i > 0 finite, x2_i +inf -> +0"),
        _r((2.5, -INF), PI, "x1_i > 0 finite, x2_i -inf -> ~+pi", approx=True),
        _r((-2.5, INF), -0.0, "x1_i < 0 finite, x2_i +inf -> -0"),
        _r((-2.5, -INF), -PI, "x1_i < 0 finite, x2_i -inf -> ~-pi", approx=True),
        _r((INF, 2.5), PI / 2, "x1_i +inf, x2_i finite -> ~+pi/2", approx=True),
        _r((-INF, -2.5), -PI / 2, "x1_i -inf, x2_i finite -> ~-pi/2", approx=True),
        _r((INF, INF), PI / 4, "x1_i +inf, x2_i +inf -> ~+pi/4", approx=True),
        _r((INF, -INF), 3 * PI / 4, "x1_i +inf, x2_i -inf -> ~+3pi/4", approx=True),
        _r((-INF, INF), -PI / 4, "x1_i -inf, x2_i +inf -> ~-pi/4", approx=True),
        _r((-INF, -INF), -3 * PI / 4, "x1_i -inf, x2_i -inf -> ~-3pi/4", approx=True),
    ],
    "ceil": [
        _u(3.0, 3.0, "already integer-valued -> x_i"),
        _u(-3.0, -3.0, "already integer-valued -> x_i"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
    ],
    "clip": [
        _r((NAN, 0.0, 1.0), NAN, "x_i is NaN -> NaN"),
        _r((0.5, NAN, 1.0), NAN, "min_i is NaN -> NaN"),
        _r((0.5, 0.0, NAN), NAN, "max_i is NaN -> NaN"),
    ],
    "copysign": [
        _r((2.5, -1.0), -2.5, "x2_i < 0 -> -|x1_i|"),
        _r((-2.5, -1.0), -2.5, "x2_i < 0 -> -|x1_i|"),
        _r((2.5, -0.0), -2.5, "x2_i is -0 -> -|x1_i|"),
        _r((-2.5, 0.0), 2.5, "x2_i is +0 -> |x1_i|"),
        _r((-2.5, 1.0), 2.5, "x2_i > 0 -> |x1_i|"),
        _r((2.5, NEG_NAN), -2.5, "x2_i NaN with sign bit 1 -> -|x1_i|"),
        _r((-2.5, NAN), 2.5, "x2_i NaN with sign bit 0 -> |x1_i|"),
        _r((INF, -1.0), -INF, "x2_i < 0 -> -|x1_i|"),
        _r((-0.0, 1.0), 0.0, "x2_i > 0 -> |x1_i|"),
        _r((NAN, -1.0), NEG_NAN, "x1_i NaN, x2_i < 0 -> NaN, sign 1", nan_sign=True),
        _r((NAN, -0.0), NEG_NAN, "x1_i NaN, x2_i -0 -> NaN, sign 1", nan_sign=True),
        _r((NEG_NAN, 0.0), NAN, "x1_i NaN, x2_i +0 -> NaN, sign 0", nan_sign=True),
        _r((NEG_NAN, 1.0), NAN, "x1_i NaN, x2_i > 0 -> NaN, sign 0", nan_sign=True),
        _r((NAN, NEG_NAN), NEG_NAN, "x1_i NaN, x2_i NaN sign 1 -> NaN, sign 1", nan_sign=True),
        _r((NEG_NAN, NAN), NAN, "x1_i NaN, x2_i NaN sign 0 -> NaN, sign 0", nan_sign=True),
    ],
    "cos": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 1.0, "x_i is +0 -> 1"),
        _u(-0.0, 1.0, "x_i is -0 -> 1"),
        _u(INF, NAN, "x_i is +inf -> NaN"),
        _u(-INF, NAN, "x_i is -inf -> NaN"),
    ],
    "cosh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 1.0, "x_i is +0 -> 1"),
        _u(-0.0, 1.0, "x_i is -0 -> 1"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, INF, "x_i is -inf -> +inf"),
    ],
    "divide": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, -INF), NAN, "both infinite -> NaN"),
        _r((-INF, -INF), NAN, "both infinite -> NaN"),
        _r((0.0, -0.0), NAN, "both zero -> NaN"),
        _r((-0.0, -0.0), NAN, "both zero -> NaN"),
        _r((0.0, 2.5), 0.0, "x1_i +0, x2_i > 0 -> +0"),
        _r((-0.0, 2.5), -0.0, "x1_i -0, x2_i > 0 -> -0"),
        _r((0.0, -2.5), -0.0, "x1_i +0, x2_i < 0 -> -0"),
        _r((-0.0, -2.5), 0.0, "x1_i -0, x2_i < 0 -> +0"),
        _r((2.5, 0.0), INF, "x1_i > 0, x2_i +0 -> +inf"),
        _r((2.5, -0.0), -INF, "x1_i > 0, x2_i -0 -> -inf"),
        _r((-2.5, 0.0), -INF, "x1_i < 0, x2_i +0 -> -inf"),
        _r((-2.5, -0.0), INF, "x1_i < 0, x2_i -0 -> +inf"),
        _r((INF, 2.5), INF, "x1_i +inf, x2_i > 0 finite -> +inf"),
        _r((INF, -2.5), -INF, "x1_i +inf, x2_i < 0 finite -> -inf"),
        _r((-INF, 2.5), -INF, "x1_i -inf, x2_i > 0 finite -> -inf"),
        _r((-INF, -2.5), INF, "x1_i -inf, x2_i < 0 finite -> +inf"),
        _r((2.5, INF), 0.0, "x1_i > 0 finite, x2_i +inf -> +0"),
        _r((2.5, -INF), -0.0, "x1_i > 0 finite, x2_i -inf -> -0"),
        _r((-2.5, INF), -0.0, "x1_i < 0 finite, x2_i +inf -> -0"),
        _r((-2.5, -INF), 0.0, "x1_i < 0 finite, x2_i -inf -> +0"),
    ],
    "equal": [
        _r((NAN, NAN), False, "x1_i or x2_i NaN -> False"),
        _r((NAN, 2.5), False, "x1_i or x2_i NaN -> False"),
        _r((INF, INF), True, "+inf == +inf -> True"),
        _r((-INF, -INF), True, "-inf == -inf -> True"),
        _r((INF, -INF), False, "remaining cases -> False"),
        _r((-0.0, 0.0), True, "-0 == +0 -> True"),
        _r((0.0, -0.0), True, "+0 == -0 -> True"),
        _r((2.5, 2.5), True, "equal finite -> True"),
        _r((2.5, -2.5), False, "remaining cases -> False"),
    ],
    "exp": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 1.0, "x_i is +0 -> 1"),
        _u(-0.0, 1.0, "x_i is -0 -> 1"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, 0.0, "x_i is -inf -> +0"),
    ],
    "expm1": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -1.0, "x_i is -inf -> -1"),
    ],
    "floor": [
        _u(3.0, 3.0, "already integer-valued -> x_i"),
        _u(-3.0, -3.0, "already integer-valued -> x_i"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
    ],
    "floor_divide": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, INF), NAN, "both infinite -> NaN"),
        _r((-INF, INF), NAN, "both infinite -> NaN"),
        _r((0.0, 0.0), NAN, "both zero -> NaN"),
        _r((-0.0, 0.0), NAN, "both zero -> NaN"),
        _r((0.0, 2.5), 0.0, "x1_i +0, x2_i > 0 -> +0"),
        _r((-0.0, 2.5), -0.0, "x1_i -0, x2_i > 0 -> -0"),
        _r((0.0, -2.5), -0.0, "x1_i +0, x2_i < 0 -> -0"),
        _r((-0.0, -2.5), 0.0, "x1_i -0, x2_i < 0 -> +0"),
        _r((2.5, 0.0), INF, "x1_i > 0, x2_i +0 -> +inf"),
        _r((2.5, -0.0), -INF, "x1_i > 0, x2_i -0 -> -inf"),
        _r((-2.5, 0.0), -INF, "x1_i < 0, x2_i +0 -> -inf"),
        _r((-2.5, -0.0), INF, "x1_i < 0, x2_i -0 -> +inf"),
        _r((INF, 2.5), INF, "+inf // positive finite -> +inf", alternatives=(NAN,)),
        _r((INF, -2.5), -INF, "+inf // negative finite -> -inf", alternatives=(NAN,)),
        _r((-INF, 2.5), -INF, "-inf // positive finite -> -inf", alternatives=(NAN,)),
        _r((-INF, -2.5), INF, "-inf // negative finite -> +inf", alternatives=(NAN,)),
        _r((2.5, INF), 0.0, "positive finite // +inf -> +0"),
        _r((2.5, -INF), -0.0, "positive finite // -inf -> -0", alternatives=(-1.0,)),
        _r((-2.5, INF), -0.0, "negative finite // +inf -> -0", alternatives=(-1.0,)),
        _r((-2.5, -INF), 0.0, "negative finite // -inf -> +0"),
        _r((7.0, 2.0), 3.0, "rounded toward -inf"),
        _r((-7.0, 2.0), -4.0, "rounded toward -inf"),
    ],
    "hypot": [
        _r((INF, NAN), INF, "x1_i infinite, x2_i any (incl. NaN) -> +inf"),
        _r((-INF, 2.5), INF, "x1_i infinite, x2_i any -> +inf"),
        _r((NAN, -INF), INF, "x2_i infinite, x1_i any (incl. NaN) -> +inf"),
        _r((2.5, INF), INF, "x2_i infinite, x1_i any -> +inf"),
        _r((0.0, -2.5), 2.5, "x1_i is +-0 -> abs(x2_i)"),
        _r((-0.0, -0.0), 0.0, "x1_i is +-0 -> abs(x2_i)"),
        _r((-2.5, -0.0), 2.5, "x2_i is +-0 -> abs(x1_i)"),
        _r((2.5, NAN), NAN, "x1_i finite or NaN, x2_i NaN -> NaN"),
        _r((NAN, NAN), NAN, "x1_i finite or NaN, x2_i NaN -> NaN"),
        _r((NAN, 2.5), NAN, "x2_i finite or NaN, x1_i NaN -> NaN"),
    ],
    "isfinite": [
        _u(INF, False, "x_i infinite -> False"),
        _u(-INF, False, "x_i infinite -> False"),
        _u(NAN, False, "x_i NaN -> False"),
        _u(2.5, True, "x_i finite -> True"),
        _u(-0.0, True, "x_i finite -> True"),
    ],
    "isinf": [
        _u(INF, True, "x_i infinite -> True"),
        _u(-INF, True, "x_i infinite -> True"),
        _u(NAN, False, "remaining cases -> False"),
        _u(2.5, False, "remaining cases -> False"),
    ],
    "isnan": [
        _u(NAN, True, "x_i NaN -> True"),
        _u(INF, False, "remaining cases -> False"),
        _u(2.5, False, "remaining cases -> False"),
    ],
    "log": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.5, NAN, "x_i < 0 -> NaN"),
        _u(-INF, NAN, "x_i < 0 -> NaN"),
        _u(0.0, -INF, "x_i is +-0 -> -inf"),
        _u(-0.0, -INF, "x_i is +-0 -> -inf"),
        _u(1.0, 0.0, "x_i is 1 -> +0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "log1p": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.5, NAN, "x_i < -1 -> NaN"),
        _u(-1.0, -INF, "x_i is -1 -> -inf"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "log2": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.5, NAN, "x_i < 0 -> NaN"),
        _u(0.0, -INF, "x_i is +-0 -> -inf"),
        _u(-0.0, -INF, "x_i is +-0 -> -inf"),
        _u(1.0, 0.0, "x_i is 1 -> +0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "log10": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.5, NAN, "x_i < 0 -> NaN"),
        _u(0.0, -INF, "x_i is +-0 -> -inf"),
        _u(-0.0, -INF, "x_i is +-0 -> -inf"),
        _u(1.0, 0.0, "x_i is 1 -> +0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "logaddexp": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, 2.5), INF, "x1_i +inf, x2_i not NaN -> +inf"),
        _r((INF, -INF), INF, "x1_i +inf, x2_i not NaN -> +inf"),
        _r((INF, INF), INF, "x1_i +inf, x2_i not NaN -> +inf"),
        _r((-INF, INF), INF, "x1_i not NaN, x2_i +inf -> +inf"),
        _r((2.5, INF), INF, "x1_i not NaN, x2_i +inf -> +inf"),
    ],
    "maximum": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
    ],
    "minimum": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((-INF, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
    ],
    "multiply": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, 0.0), NAN, "infinite * zero -> NaN"),
        _r((-INF, -0.0), NAN, "infinite * zero -> NaN"),
        _r((0.0, -INF), NAN, "zero * infinite -> NaN"),
        _r((INF, -INF), -INF, "infinite * infinite -> signed inf"),
        _r((-INF, -INF), INF, "infinite * infinite -> signed inf"),
        _r((INF, -2.5), -INF, "infinite * nonzero finite -> signed inf"),
        _r((-2.5, -INF), INF, "nonzero finite * infinite -> signed inf"),
        _r((-0.0, 2.5), -0.0, "different signs -> negative sign"),
        _r((-0.0, -2.5), 0.0, "same sign -> positive sign"),
        _r((0.0, -0.0), -0.0, "different signs -> negative sign"),
    ],
    "nextafter": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((-0.0, 0.0), 0.0, "x1_i -0, x2_i +0 -> +0"),
        _r((0.0, -0.0), -0.0, "x1_i +0, x2_i -0 -> -0"),
    ],
    "not_equal": [
        _r((NAN, NAN), True, "x1_i or x2_i NaN -> True"),
        _r((2.5, NAN), True, "x1_i or x2_i NaN -> True"),
        _r((INF, -INF), True, "+inf != -inf -> True"),
        _r((-INF, INF), True, "-inf != +inf -> True"),
        _r((2.5, -2.5), True, "unequal finite -> True"),
        _r((-0.0, 0.0), False, "remaining cases -> False"),
        _r((INF, INF), False, "remaining cases -> False"),
    ],
    "pow": [
        _r((2.5, NAN), NAN, "x1_i != 1, x2_i NaN -> NaN"),
        _r((NAN, NAN), NAN, "x1_i != 1, x2_i NaN -> NaN"),
        _r((NAN, 0.0), 1.0, "x2_i +0 -> 1, even if x1_i NaN"),
        _r((-INF, 0.0), 1.0, "x2_i +0 -> 1"),
        _r((NAN, -0.0), 1.0, "x2_i -0 -> 1, even if x1_i NaN"),
        _r((2.5, -0.0), 1.0, "x2_i -0 -> 1"),
        _r((NAN, 2.5), NAN, "x1_i NaN, x2_i != 0 -> NaN"),
        _r((2.5, INF), INF, "|x1_i| > 1, x2_i +inf -> +inf"),
        _r((-2.5, INF), INF, "|x1_i| > 1, x2_i +inf -> +inf"),
        _r((2.5, -INF), 0.0, "|x1_i| > 1, x2_i -inf -> +0"),
        _r((-2.5, -INF), 0.0, "|x1_i| > 1, x2_i -inf -> +0"),
        _r((-1.0, INF), 1.0, "|x1_i| is 1, x2_i +inf -> 1"),
        _r((-1.0, -INF), 1.0, "|x1_i| is 1, x2_i -inf -> 1"),
        _r((1.0, 2.5), 1.0, "x1_i is 1, x2_i not NaN -> 1"),
        _r((1.0, -INF), 1.0, "x1_i is 1, x2_i not NaN -> 1"),
        _r((0.5, INF), 0.0, "|x1_i| < 1, x2_i +inf -> +0"),
        _r((-0.5, INF), 0.0, "|x1_i| < 1, x2_i +inf -> +0"),
        _r((0.5, -INF), INF, "|x1_i| < 1, x2_i -inf -> +inf"),
        _r((-0.5, -INF), INF, "|x1_i| < 1, x2_i -inf -> +inf"),
        _r((INF, 2.5), INF, "x1_i +inf, x2_i > 0 -> +inf"),
        _r((INF, -2.5), 0.0, "x1_i +inf, x2_i < 0 -> +0"),
        _r((-INF, 3.0), -INF, "x1_i -inf, x2_i > 0 odd integer -> -inf"),
        _r((-INF, 2.0), INF, "x1_i -inf, x2_i > 0 not odd integer -> +inf"),
        _r((-INF, 2.5), INF, "x1_i -inf, x2_i > 0 not odd integer -> +inf"),
        _r((-INF, -3.0), -0.0, "x1_i -inf, x2_i < 0 odd integer -> -0"),
        _r((-INF, -2.0), 0.0, "x1_i -inf, x2_i < 0 not odd integer -> +0"),
        _r((0.0, 2.5), 0.0, "x1_i +0, x2_i > 0 -> +0"),
        _r((0.0, -2.5), INF, "x1_i +0, x2_i < 0 -> +inf"),
        _r((-0.0, 3.0), -0.0, "x1_i -0, x2_i > 0 odd integer -> -0"),
        _r((-0.0, 2.0), 0.0, "x1_i -0, x2_i > 0 not odd integer -> +0"),
        _r((-0.0, 2.5), 0.0, "x1_i -0, x2_i > 0 not odd integer -> +0"),
        _r((-0.0, -3.0), -INF, "x1_i -0, x2_i < 0 odd integer -> -inf"),
        _r((-0.0, -2.0), INF, "x1_i -0, x2_i < 0 not odd integer -> +inf"),
        _r((-0.0, -2.5), INF, "x1_i -0, x2_i < 0 not odd integer -> +inf"),
        _r((-2.5, 0.5), NAN, "x1_i < 0 finite, x2_i finite non-integer -> NaN"),
    ],
    "remainder": [
        _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
        _r((INF, -INF), NAN, "both infinite -> NaN"),
        _r((-0.0, 0.0), NAN, "both zero -> NaN"),
        _r((0.0, 2.5), 0.0, "x1_i +0, x2_i > 0 -> +0"),
        _r((-0.0, 2.5), 0.0, "x1_i -0, x2_i > 0 -> +0"),
        _r((0.0, -2.5), -0.0, "x1_i +0, x2_i < 0 -> -0"),
        _r((-0.0, -2.5), -0.0, "x1_i -0, x2_i < 0 -> -0"),
        _r((2.5, 0.0), NAN, "x1_i > 0, x2_i +0 -> NaN"),
        _r((2.5, -0.0), NAN, "x1_i > 0, x2_i -0 -> NaN"),
        _r((-2.5, 0.0), NAN, "x1_i < 0, x2_i +0 -> NaN"),
        _r((-2.5, -0.0), NAN, "x1_i < 0, x2_i -0 -> NaN"),
        _r((INF, 2.5), NAN, "x1_i +inf, x2_i positive finite -> NaN"),
        _r((INF, -2.5), NAN, "x1_i +inf, x2_i negative finite -> NaN"),
        _r((-INF, 2.5), NAN, "x1_i -inf, x2_i positive finite -> NaN"),
        _r((-INF, -2.5), NAN, "x1_i -inf, x2_i negative finite -> NaN"),
        _r((2.5, INF), 2.5, "positive finite % +inf -> x1_i"),
        _r((2.5, -INF), -INF, "positive finite % -inf -> x2_i"),
        _r((-2.5, INF), INF, "negative finite % +inf -> x2_i"),
        _r((-2.5, -INF), -2.5, "negative finite % -inf -> x1_i"),
        _r((7.0, -2.0), -1.0, "remaining cases: Python's % (sign of x2_i)"),
        _r((-7.0, 2.0), 1.0, "remaining cases: Python's % (sign of x2_i)"),
    ],
    "round": [
        _u(3.0, 3.0, "already integer-valued -> x_i"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(2.5, 2.0, "tie -> even integer"),
        _u(3.5, 4.0, "tie -> even integer"),
        _u(-2.5, -2.0, "tie -> even integer"),
    ],
    "sign": [
        _u(-2.5, -1.0, "x_i < 0 -> -1"),
        _u(-INF, -1.0, "x_i < 0 -> -1"),
        _u(-0.0, 0.0, "x_i is +-0 -> 0", any_sign="real"),
        _u(0.0, 0.0, "x_i is +-0 -> 0", any_sign="real"),
        _u(2.5, 1.0, "x_i > 0 -> +1"),
        _u(INF, 1.0, "x_i > 0 -> +1"),
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
    ],
    "signbit": [
        _u(0.0, False, "x_i is +0 -> False"),
        _u(-0.0, True, "x_i is -0 -> True"),
        _u(INF, False, "x_i is +inf -> False"),
        _u(-INF, True, "x_i is -inf -> True"),
        _u(2.5, False, "x_i positive finite -> False"),
        _u(-2.5, True, "x_i negative finite -> True"),
        _u(NAN, False, "x_i NaN, sign bit 0 -> False"),
        _u(NEG_NAN, True, "x_i NaN, sign bit 1 -> True"),
    ],
    "sin": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, NAN, "x_i infinite -> NaN"),
        _u(-INF, NAN, "x_i infinite -> NaN"),
    ],
    "sinh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
    ],
    "sqrt": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(-2.5, NAN, "x_i < 0 -> NaN"),
        _u(-INF, NAN, "x_i < 0 -> NaN"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, INF, "x_i is +inf -> +inf"),
    ],
    "tan": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, NAN, "x_i infinite -> NaN"),
        _u(-INF, NAN, "x_i infinite -> NaN"),
    ],
    "tanh": [
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(INF, 1.0, "x_i is +inf -> +1"),
        _u(-INF, -1.0, "x_i is -inf -> -1"),
    ],
    "trunc": [
        _u(3.0, 3.0, "already integer-valued -> x_i"),
        _u(-3.0, -3.0, "already integer-valued -> x_i"),
        _u(INF, INF, "x_i is +inf -> +inf"),
        _u(-INF, -INF, "x_i is -inf -> -inf"),
        _u(0.0, 0.0, "x_i is +0 -> +0"),
        _u(-0.0, -0.0, "x_i is -0 -> -0"),
        _u(NAN, NAN, _NAN_IN_NAN_OUT),
    ],
}

_REAL["add"] = [
    _r((NAN, 2.5), NAN, "x1_i or x2_i NaN -> NaN"),
    _r((2.5, NAN), NAN, "x1_i or x2_i NaN -> NaN"),
    _r((INF, -INF), NAN, "+inf + -inf -> NaN"),
    _r((-INF, INF), NAN, "-inf + +inf -> NaN"),
    _r((INF, INF), INF, "+inf + +inf -> +inf"),
    _r((-INF, -INF), -INF, "-inf + -inf -> -inf"),
    _r((INF, 2.5), INF, "+inf + finite -> +inf"),
    _r((-INF, 2.5), -INF, "-inf + finite -> -inf"),
    _r((2.5, INF), INF, "finite + +inf -> +inf"),
    _r((2.5, -INF), -INF, "finite + -inf -> -inf"),
    _r((-0.0, -0.0), -0.0, "-0 + -0 -> -0"),
    _r((-0.0, 0.0), 0.0, "-0 + +0 -> +0"),
    _r((0.0, -0.0), 0.0, "+0 + -0 -> +0"),
    _r((0.0, 0.0), 0.0, "+0 + +0 -> +0"),
    _r((-0.0, 2.5), 2.5, "+-0 + nonzero finite -> x2_i"),
    _r((2.5, 0.0), 2.5, "nonzero finite + +-0 -> x1_i"),
    _r((2.5, -2.5), 0.0, "x1_i + -x1_i -> +0"),
    _r((-2.5, 2.5), 0.0, "x1_i + -x1_i -> +0"),
]


# -------------------------------------------------------------------------- complex cases

_PI2, _PI4, _3PI4 = PI / 2, PI / 4, 3 * PI / 4
# Representative "finite number" for the imaginary part of a cis(b) case: cos(1) and sin(1)
# are both positive, so inf * cis(1) is inf + inf j and +0 * cis(1) is +0 + 0j.
_B = 1.0

_COMPLEX: dict[str, list[Case]] = {
    "abs": [
        _u(_c(INF, 2.5), INF, "a infinite, b any -> +inf"),
        _u(_c(-INF, NAN), INF, "a infinite, b any (incl. NaN) -> +inf"),
        _u(_c(2.5, -INF), INF, "a any, b infinite -> +inf"),
        _u(_c(NAN, INF), INF, "a any (incl. NaN), b infinite -> +inf"),
        _u(_c(0.0, -2.5), 2.5, "a is +-0 -> abs(b)"),
        _u(_c(-0.0, 0.0), 0.0, "a is +-0 -> abs(b)"),
        _u(_c(-2.5, -0.0), 2.5, "b is +-0 -> abs(a)"),
        _u(_c(NAN, 2.5), NAN, "a NaN, b finite -> NaN"),
        _u(_c(2.5, NAN), NAN, "a finite, b NaN -> NaN"),
        _u(_c(NAN, NAN), NAN, "a NaN, b NaN -> NaN"),
    ],
    "acos": [
        _u(_c(0.0, 0.0), _c(_PI2, -0.0), "a +-0, b +0 -> pi/2 - 0j", approx=True),
        _u(_c(-0.0, 0.0), _c(_PI2, -0.0), "a +-0, b +0 -> pi/2 - 0j", approx=True),
        _u(_c(0.0, NAN), _c(_PI2, NAN), "a +-0, b NaN -> pi/2 + NaN j", approx=True),
        _u(_c(-0.0, NAN), _c(_PI2, NAN), "a +-0, b NaN -> pi/2 + NaN j", approx=True),
        _u(_c(2.5, INF), _c(_PI2, -INF), "a finite, b +inf -> pi/2 - inf j", approx=True),
        _u(_c(-2.5, INF), _c(_PI2, -INF), "a finite, b +inf -> pi/2 - inf j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a nonzero finite, b NaN -> NaN + NaN j"),
        _u(_c(-INF, 2.5), _c(PI, -INF), "a -inf, b > 0 finite -> pi - inf j", approx=True),
        _u(_c(INF, 2.5), _c(0.0, -INF), "a +inf, b > 0 finite -> +0 - inf j"),
        _u(_c(-INF, INF), _c(_3PI4, -INF), "a -inf, b +inf -> 3pi/4 - inf j", approx=True),
        _u(_c(INF, INF), _c(_PI4, -INF), "a +inf, b +inf -> pi/4 - inf j", approx=True),
        _u(_c(INF, NAN), _c(NAN, INF), "a +-inf, b NaN -> NaN +- inf j", any_sign="imag"),
        _u(_c(-INF, NAN), _c(NAN, INF), "a +-inf, b NaN -> NaN +- inf j", any_sign="imag"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b finite -> NaN + NaN j"),
        _u(_c(NAN, INF), _c(NAN, -INF), "a NaN, b +inf -> NaN - inf j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "acosh": [
        _u(_c(0.0, 0.0), _c(0.0, _PI2), "a +-0, b +0 -> +0 + pi/2 j", approx=True),
        _u(_c(-0.0, 0.0), _c(0.0, _PI2), "a +-0, b +0 -> +0 + pi/2 j", approx=True),
        _u(_c(2.5, INF), _c(INF, _PI2), "a finite, b +inf -> +inf + pi/2 j", approx=True),
        _u(_c(-0.0, INF), _c(INF, _PI2), "a finite, b +inf -> +inf + pi/2 j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a nonzero finite, b NaN -> NaN + NaN j"),
        _u(
            _c(0.0, NAN),
            _c(NAN, _PI2),
            "a +0, b NaN -> NaN +- pi/2 j",
            approx=True,
            any_sign="imag",
        ),
        _u(_c(-INF, 2.5), _c(INF, PI), "a -inf, b > 0 finite -> +inf + pi j", approx=True),
        _u(_c(INF, 2.5), _c(INF, 0.0), "a +inf, b > 0 finite -> +inf + 0j"),
        _u(_c(-INF, INF), _c(INF, _3PI4), "a -inf, b +inf -> +inf + 3pi/4 j", approx=True),
        _u(_c(INF, INF), _c(INF, _PI4), "a +inf, b +inf -> +inf + pi/4 j", approx=True),
        _u(_c(INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(-INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b finite -> NaN + NaN j"),
        _u(_c(NAN, INF), _c(INF, NAN), "a NaN, b +inf -> +inf + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "add": [
        _r((_c(-0.0, 0.0), _c(-0.0, -0.0)), _c(-0.0, 0.0), "components add as reals"),
        _r((_c(INF, 2.5), _c(-INF, 1.0)), _c(NAN, 3.5), "components add as reals"),
        _r((_c(2.5, -0.0), _c(-2.5, -0.0)), _c(0.0, -0.0), "components add as reals"),
    ],
    "asinh": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +0, b +0 -> +0 + 0j"),
        _u(_c(2.5, INF), _c(INF, _PI2), "a > 0 finite, b +inf -> +inf + pi/2 j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(0.0, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 2.5), _c(INF, 0.0), "a +inf, b > 0 finite -> +inf + 0j"),
        _u(_c(INF, INF), _c(INF, _PI4), "a +inf, b +inf -> +inf + pi/4 j", approx=True),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +0 -> NaN + 0j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b nonzero finite -> NaN + NaN j"),
        _u(_c(NAN, INF), _c(INF, NAN), "a NaN, b +inf -> +-inf + NaN j", any_sign="real"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "atanh": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +0, b +0 -> +0 + 0j"),
        _u(_c(0.0, NAN), _c(0.0, NAN), "a +0, b NaN -> +0 + NaN j"),
        _u(_c(1.0, 0.0), _c(INF, 0.0), "a 1, b +0 -> +inf + 0j"),
        _u(_c(2.5, INF), _c(0.0, _PI2), "a > 0 finite, b +inf -> +0 + pi/2 j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a nonzero finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 2.5), _c(0.0, _PI2), "a +inf, b > 0 finite -> +0 + pi/2 j", approx=True),
        _u(_c(INF, INF), _c(0.0, _PI2), "a +inf, b +inf -> +0 + pi/2 j", approx=True),
        _u(_c(INF, NAN), _c(0.0, NAN), "a +inf, b NaN -> +0 + NaN j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b finite -> NaN + NaN j"),
        _u(
            _c(NAN, INF),
            _c(0.0, _PI2),
            "a NaN, b +inf -> +-0 + pi/2 j",
            approx=True,
            any_sign="real",
        ),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "cosh": [
        _u(_c(0.0, 0.0), _c(1.0, 0.0), "a +0, b +0 -> 1 + 0j"),
        _u(_c(0.0, INF), _c(NAN, 0.0), "a +0, b +inf -> NaN + 0j", any_sign="imag"),
        _u(_c(0.0, NAN), _c(NAN, 0.0), "a +0, b NaN -> NaN + 0j", any_sign="imag"),
        _u(_c(2.5, INF), _c(NAN, NAN), "a nonzero finite, b +inf -> NaN + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a nonzero finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 0.0), _c(INF, 0.0), "a +inf, b +0 -> +inf + 0j"),
        _u(_c(INF, _B), _c(INF, INF), "a +inf, b nonzero finite -> +inf * cis(b)"),
        _u(_c(INF, 2.0), _c(-INF, INF), "a +inf, b nonzero finite -> +inf * cis(b)"),
        _u(_c(INF, INF), _c(INF, NAN), "a +inf, b +inf -> +-inf + NaN j", any_sign="real"),
        _u(_c(INF, NAN), _c(INF, NAN), "a +inf, b NaN -> +inf + NaN j"),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +-0 -> NaN + 0j", any_sign="imag"),
        _u(_c(NAN, -0.0), _c(NAN, 0.0), "a NaN, b +-0 -> NaN + 0j", any_sign="imag"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b nonzero finite -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "divide": [
        _r((_c(NAN, NAN), _c(NAN, NAN)), _c(NAN, NAN), "a, b, c, d all NaN -> NaN + NaN j"),
    ],
    "equal": [
        _r((_c(NAN, 0.0), _c(NAN, 0.0)), False, "any component NaN -> False"),
        _r((_c(2.5, 1.0), _c(2.5, NAN)), False, "any component NaN -> False"),
        _r((_c(-0.0, 0.0), _c(0.0, -0.0)), True, "a == c and b == d"),
        _r((_c(INF, -INF), _c(INF, -INF)), True, "a == c and b == d"),
        _r((_c(2.5, 1.0), _c(2.5, -1.0)), False, "a == c and b == d"),
    ],
    "exp": [
        _u(_c(0.0, 0.0), _c(1.0, 0.0), "a +-0, b +0 -> 1 + 0j"),
        _u(_c(-0.0, 0.0), _c(1.0, 0.0), "a +-0, b +0 -> 1 + 0j"),
        _u(_c(2.5, INF), _c(NAN, NAN), "a finite, b +inf -> NaN + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 0.0), _c(INF, 0.0), "a +inf, b +0 -> inf + 0j"),
        _u(_c(-INF, _B), _c(0.0, 0.0), "a -inf, b finite -> +0 * cis(b)"),
        _u(_c(-INF, 2.0), _c(-0.0, 0.0), "a -inf, b finite -> +0 * cis(b)"),
        _u(_c(INF, _B), _c(INF, INF), "a +inf, b nonzero finite -> +inf * cis(b)"),
        _u(_c(-INF, INF), _c(0.0, 0.0), "a -inf, b +inf -> 0 + 0j", any_sign="both"),
        _u(_c(INF, INF), _c(INF, NAN), "a +inf, b +inf -> inf + NaN j", any_sign="real"),
        _u(_c(-INF, NAN), _c(0.0, 0.0), "a -inf, b NaN -> 0 + 0j", any_sign="both"),
        _u(_c(INF, NAN), _c(INF, NAN), "a +inf, b NaN -> inf + NaN j", any_sign="real"),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +0 -> NaN + 0j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b != 0 -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "expm1": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +-0, b +0 -> 0 + 0j"),
        _u(_c(-0.0, 0.0), _c(0.0, 0.0), "a +-0, b +0 -> 0 + 0j", any_sign="real"),
        _u(_c(2.5, INF), _c(NAN, NAN), "a finite, b +inf -> NaN + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 0.0), _c(INF, 0.0), "a +inf, b +0 -> +inf + 0j"),
        _u(_c(-INF, _B), _c(-1.0, 0.0), "a -inf, b finite -> +0 * cis(b) - 1.0"),
        _u(_c(INF, _B), _c(INF, INF), "a +inf, b nonzero finite -> +inf * cis(b) - 1.0"),
        _u(_c(-INF, INF), _c(-1.0, 0.0), "a -inf, b +inf -> -1 + 0j", any_sign="imag"),
        _u(_c(INF, INF), _c(INF, NAN), "a +inf, b +inf -> inf + NaN j", any_sign="real"),
        _u(_c(-INF, NAN), _c(-1.0, 0.0), "a -inf, b NaN -> -1 + 0j", any_sign="imag"),
        _u(_c(INF, NAN), _c(INF, NAN), "a +inf, b NaN -> inf + NaN j", any_sign="real"),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +0 -> NaN + 0j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b != 0 -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "isfinite": [
        _u(_c(NAN, 2.5), False, "a or b NaN -> False"),
        _u(_c(2.5, NAN), False, "a or b NaN -> False"),
        _u(_c(-INF, 2.5), False, "a infinite -> False"),
        _u(_c(2.5, INF), False, "b infinite -> False"),
        _u(_c(2.5, -0.0), True, "a and b finite -> True"),
    ],
    "isinf": [
        _u(_c(INF, NAN), True, "a infinite, b any (incl. NaN) -> True"),
        _u(_c(-INF, 2.5), True, "a infinite, b any -> True"),
        _u(_c(NAN, -INF), True, "a finite or NaN, b infinite -> True"),
        _u(_c(2.5, INF), True, "a finite or NaN, b infinite -> True"),
        _u(_c(NAN, 2.5), False, "remaining cases -> False"),
        _u(_c(2.5, 1.0), False, "remaining cases -> False"),
    ],
    "isnan": [
        _u(_c(NAN, 2.5), True, "a or b NaN -> True"),
        _u(_c(INF, NAN), True, "a or b NaN -> True"),
        _u(_c(INF, 2.5), False, "remaining cases -> False"),
    ],
    "log": [
        _u(_c(-0.0, 0.0), _c(-INF, PI), "a -0, b +0 -> -inf + pi j", approx=True),
        _u(_c(0.0, 0.0), _c(-INF, 0.0), "a +0, b +0 -> -inf + 0j"),
        _u(_c(2.5, INF), _c(INF, _PI2), "a finite, b +inf -> +inf + pi/2 j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(-INF, 2.5), _c(INF, PI), "a -inf, b > 0 finite -> +inf + pi j", approx=True),
        _u(_c(INF, 2.5), _c(INF, 0.0), "a +inf, b > 0 finite -> +inf + 0j"),
        _u(_c(-INF, INF), _c(INF, _3PI4), "a -inf, b +inf -> +inf + 3pi/4 j", approx=True),
        _u(_c(INF, INF), _c(INF, _PI4), "a +inf, b +inf -> +inf + pi/4 j", approx=True),
        _u(_c(INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(-INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b finite -> NaN + NaN j"),
        _u(_c(NAN, INF), _c(INF, NAN), "a NaN, b +inf -> +inf + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "log1p": [
        _u(_c(-1.0, 0.0), _c(-INF, 0.0), "a -1, b +0 -> -inf + 0j"),
        _u(_c(2.5, INF), _c(INF, _PI2), "a finite, b +inf -> +inf + pi/2 j", approx=True),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(-INF, 2.5), _c(INF, PI), "a -inf, b > 0 finite -> +inf + pi j", approx=True),
        _u(_c(INF, 2.5), _c(INF, 0.0), "a +inf, b > 0 finite -> +inf + 0j"),
        _u(_c(-INF, INF), _c(INF, _3PI4), "a -inf, b +inf -> +inf + 3pi/4 j", approx=True),
        _u(_c(INF, INF), _c(INF, _PI4), "a +inf, b +inf -> +inf + pi/4 j", approx=True),
        _u(_c(INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(-INF, NAN), _c(INF, NAN), "a +-inf, b NaN -> +inf + NaN j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b finite -> NaN + NaN j"),
        _u(_c(NAN, INF), _c(INF, NAN), "a NaN, b +inf -> +inf + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "multiply": [
        _r((_c(NAN, NAN), _c(NAN, NAN)), _c(NAN, NAN), "a, b, c, d all NaN -> NaN + NaN j"),
    ],
    "not_equal": [
        _r((_c(NAN, 0.0), _c(NAN, 0.0)), True, "any component NaN -> True"),
        _r((_c(2.5, NAN), _c(2.5, 1.0)), True, "any component NaN -> True"),
        _r((_c(-0.0, 0.0), _c(0.0, -0.0)), False, "a != c or b != d"),
        _r((_c(2.5, 1.0), _c(2.5, -1.0)), True, "a != c or b != d"),
    ],
    "round": [
        _u(_c(2.5, -3.5), _c(2.0, -4.0), "components rounded independently"),
        _u(_c(NAN, -0.0), _c(NAN, -0.0), "components rounded independently"),
        _u(_c(INF, 0.5), _c(INF, 0.0), "components rounded independently"),
    ],
    "sign": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a and b +-0 -> 0 + 0j", any_sign="both"),
        _u(_c(-0.0, -0.0), _c(0.0, 0.0), "a and b +-0 -> 0 + 0j", any_sign="both"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a or b NaN -> NaN + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a or b NaN -> NaN + NaN j"),
        _u(_c(-3.0, 4.0), _c(-0.6, 0.8), "x_i / |x_i|", approx=True),
    ],
    "sinh": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +0, b +0 -> +0 + 0j"),
        _u(_c(0.0, INF), _c(0.0, NAN), "a +0, b +inf -> 0 + NaN j", any_sign="real"),
        _u(_c(0.0, NAN), _c(0.0, NAN), "a +0, b NaN -> 0 + NaN j", any_sign="real"),
        _u(_c(2.5, INF), _c(NAN, NAN), "a > 0 finite, b +inf -> NaN + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a > 0 finite, b NaN -> NaN + NaN j"),
        _u(_c(INF, 0.0), _c(INF, 0.0), "a +inf, b +0 -> +inf + 0j"),
        _u(_c(INF, _B), _c(INF, INF), "a +inf, b > 0 finite -> +inf * cis(b)"),
        _u(_c(INF, 2.0), _c(-INF, INF), "a +inf, b > 0 finite -> +inf * cis(b)"),
        _u(_c(INF, INF), _c(INF, NAN), "a +inf, b +inf -> inf + NaN j", any_sign="real"),
        _u(_c(INF, NAN), _c(INF, NAN), "a +inf, b NaN -> inf + NaN j", any_sign="real"),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +0 -> NaN + 0j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b nonzero finite -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "sqrt": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +-0, b +0 -> +0 + 0j"),
        _u(_c(-0.0, 0.0), _c(0.0, 0.0), "a +-0, b +0 -> +0 + 0j"),
        _u(_c(2.5, INF), _c(INF, INF), "a any, b +inf -> +inf + inf j"),
        _u(_c(-INF, INF), _c(INF, INF), "a any, b +inf -> +inf + inf j"),
        _u(_c(NAN, INF), _c(INF, INF), "a any (incl. NaN), b +inf -> +inf + inf j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a finite, b NaN -> NaN + NaN j"),
        _u(_c(-INF, 2.5), _c(NAN, NAN), "a -inf, b > 0 finite -> NaN + NaN j (sic)"),
        _u(_c(INF, 2.5), _c(0.0, INF), "a +inf, b > 0 finite -> +0 + inf j"),
        _u(_c(-INF, NAN), _c(NAN, INF), "a -inf, b NaN -> NaN +- inf j", any_sign="imag"),
        _u(_c(INF, NAN), _c(INF, NAN), "a +inf, b NaN -> +inf + NaN j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b any -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
    "tanh": [
        _u(_c(0.0, 0.0), _c(0.0, 0.0), "a +0, b +0 -> +0 + 0j"),
        _u(_c(2.5, INF), _c(NAN, NAN), "a nonzero finite, b +inf -> NaN + NaN j"),
        _u(_c(0.0, INF), _c(0.0, NAN), "a +0, b +inf -> +0 + NaN j"),
        _u(_c(2.5, NAN), _c(NAN, NAN), "a nonzero finite, b NaN -> NaN + NaN j"),
        _u(_c(0.0, NAN), _c(0.0, NAN), "a +0, b NaN -> +0 + NaN j"),
        _u(_c(INF, _B), _c(1.0, 0.0), "a +inf, b > 0 finite -> 1 + 0j"),
        _u(_c(INF, INF), _c(1.0, 0.0), "a +inf, b +inf -> 1 +- 0j", any_sign="imag"),
        _u(_c(INF, NAN), _c(1.0, 0.0), "a +inf, b NaN -> 1 +- 0j", any_sign="imag"),
        _u(_c(NAN, 0.0), _c(NAN, 0.0), "a NaN, b +0 -> NaN + 0j"),
        _u(_c(NAN, 2.5), _c(NAN, NAN), "a NaN, b nonzero -> NaN + NaN j"),
        _u(_c(NAN, NAN), _c(NAN, NAN), "a NaN, b NaN -> NaN + NaN j"),
    ],
}


# ------------------------------------------------------------------------------ comparison


def _same_real(got: float, want: float, case: Case, part: str, rtol: float) -> bool:
    if math.isnan(want):
        if not math.isnan(got):
            return False
        return not case.nan_sign or math.copysign(1.0, got) == math.copysign(1.0, want)
    if math.isnan(got):
        return False
    if case.any_sign in (part, "both"):
        got, want = abs(got), abs(want)
    if math.copysign(1.0, got) != math.copysign(1.0, want):
        return False
    if case.approx and math.isfinite(want):
        return math.isclose(got, want, rel_tol=rtol, abs_tol=rtol)
    return got == want


def matches(got: Any, case: Case, *, rtol: float = 1e-6, expected: Any = None) -> bool:
    """Whether ``got`` (a Python scalar) is the result ``case`` requires (or allows).

    NaN equals NaN (its sign only counts where ``case.nan_sign``), zeros are compared with
    their signs, approximations within ``rtol`` (use about ``1e-3`` for float16 and
    ``1e-6`` for float32). ``expected`` overrides ``case.expected`` (used for the
    alternatives).
    """
    want = case.expected if expected is None else expected
    if expected is None and any(
        matches(got, case, rtol=rtol, expected=a) for a in case.alternatives
    ):
        return True
    if isinstance(want, bool):
        return not isinstance(got, (float, complex)) and bool(got) == want
    if isinstance(want, complex) or isinstance(got, complex):
        g, w = _cplx(got), _cplx(want)
        return _same_real(g.real, w.real, case, "real", rtol) and _same_real(
            g.imag, w.imag, case, "imag", rtol
        )
    return _same_real(float(got), float(want), case, "real", rtol)


# ------------------------------------------------------------------ cases derived by identities


def _cplx(z: Any) -> complex:
    return z if isinstance(z, complex) else complex(z, 0.0)


def _flip_sign_flags(any_sign: str) -> str:
    return {"real": "imag", "imag": "real"}.get(any_sign, any_sign)


def _derive(case: Case, args: tuple[Any, ...], expected: Any, how: str, **kw: Any) -> Case:
    return case._replace(args=args, expected=expected, derived=how, **kw)


def _conj_mirror(cases: Iterable[Case]) -> list[Case]:
    """f(conj(z)) == conj(f(z)): add the mirrored case of every case with a non-NaN b."""
    out = []
    for c in cases:
        (z,) = c.args
        if math.isnan(z.imag):
            continue
        e = c.expected
        exp = e.conjugate() if isinstance(e, complex) else e
        out.append(_derive(c, (z.conjugate(),), exp, "conj"))
    return out


def _parity(cases: Iterable[Case], odd: bool) -> list[Case]:
    """f(-z) == -f(z) (odd) or f(z) (even); NaN components keep their NaN."""
    out = []
    for c in cases:
        (z,) = c.args
        e = _cplx(c.expected)
        exp = complex(-e.real, -e.imag) if odd else e
        out.append(_derive(c, (complex(-z.real, -z.imag),), exp, "odd" if odd else "even"))
    return out


def _rotated(cases: Iterable[Case], how: str) -> list[Case]:
    """Cases of g(x) = -1j * f(x*1j) from cases of f: f's input w = (c, d) is g's input
    (d, -c); f's result (p, q) is g's result (q, -p)."""
    out = []
    for c in cases:
        (w,) = c.args
        r = _cplx(c.expected)
        out.append(
            _derive(
                c,
                (complex(w.imag, -w.real),),
                complex(r.imag, -r.real),
                how,
                any_sign=_flip_sign_flags(c.any_sign),
            )
        )
    return out


def _unrotated_cos(cases: Iterable[Case]) -> list[Case]:
    """cos(x) = cosh(x*1j): cosh's input w = (c, d) is cos's input (d, -c)."""
    return [
        _derive(c, (complex(c.args[0].imag, -c.args[0].real),), c.expected, "rotation")
        for c in cases
    ]


def _scaled_log(cases: Iterable[Case], base: float) -> list[Case]:
    out = []
    for c in cases:
        e = _cplx(c.expected)
        scale = math.log(base)
        exp = complex(e.real / scale, e.imag / scale)
        approx = c.approx or (math.isfinite(e.imag) and e.imag != 0.0)
        out.append(_derive(c, c.args, exp, f"log(x)/log({base:g})", approx=approx))
    return out


def _build() -> dict[str, tuple[Case, ...]]:
    real = {k: list(v) for k, v in _REAL.items()}
    cplx = {k: list(v) for k, v in _COMPLEX.items()}

    for name in (
        "acos",
        "acosh",
        "asinh",
        "atanh",
        "cosh",
        "exp",
        "expm1",
        "log",
        "log1p",
        "sinh",
        "sqrt",
        "tanh",
    ):
        cplx[name] += _conj_mirror(cplx[name])
    for name, odd in (
        ("asinh", True),
        ("atanh", True),
        ("sinh", True),
        ("tanh", True),
        ("cosh", False),
    ):
        base = [c for c in cplx[name] if c.derived in ("", "conj")]
        cplx[name] += _parity(base, odd)
    cplx["asin"] = _rotated(cplx["asinh"], "rotation")
    cplx["atan"] = _rotated(cplx["atanh"], "rotation")
    cplx["sin"] = _rotated(cplx["sinh"], "rotation")
    cplx["tan"] = _rotated(cplx["tanh"], "rotation")
    cplx["cos"] = _unrotated_cos(cplx["cosh"])
    cplx["log2"] = _scaled_log(cplx["log"], 2.0)
    cplx["log10"] = _scaled_log(cplx["log"], 10.0)

    real["subtract"] = [
        _derive(c, (c.args[0], -c.args[1]), c.expected, "x1 + (-x2)") for c in real["add"]
    ]
    cplx["subtract"] = [
        _derive(c, (c.args[0], complex(-c.args[1].real, -c.args[1].imag)), c.expected, "x1 + (-x2)")
        for c in cplx["add"]
    ]
    real["reciprocal"] = [
        Case((NAN,), NAN, "NaN -> NaN", derived="1.0 / x"),
        Case((0.0,), INF, "1 / +0 -> +inf", derived="1.0 / x"),
        Case((-0.0,), -INF, "1 / -0 -> -inf", derived="1.0 / x"),
        Case((INF,), 0.0, "1 / +inf -> +0", derived="1.0 / x"),
        Case((-INF,), -0.0, "1 / -inf -> -0", derived="1.0 / x"),
    ]
    real["square"] = [
        Case((NAN,), NAN, "NaN * NaN -> NaN", derived="x * x"),
        Case((INF,), INF, "inf * inf -> +inf", derived="x * x"),
        Case((-INF,), INF, "-inf * -inf -> +inf", derived="x * x"),
        Case((-0.0,), 0.0, "-0 * -0 -> +0 (same sign)", derived="x * x"),
        Case((0.0,), 0.0, "+0 * +0 -> +0", derived="x * x"),
    ]
    cplx["square"] = [
        Case((_c(NAN, NAN),), _c(NAN, NAN), "all NaN -> NaN + NaN j", derived="x * x")
    ]

    names = sorted(set(real) | set(cplx))
    out: dict[str, tuple[Case, ...]] = {}
    for n in names:
        seen: dict[tuple[Any, ...], Case] = {}
        for case in real.get(n, []) + cplx.get(n, []):
            key = _key(case.args)
            first = seen.setdefault(key, case)
            if first is not case and not matches(case.expected, first):
                DERIVATION_CONFLICTS.append((n, first, case))
        out[n] = tuple(seen.values())
    return out


def _bits(x: float) -> str:
    return ("-" if math.copysign(1.0, x) < 0 else "+") + ("nan" if math.isnan(x) else x.hex())


def _key(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A hashable key that tells -0.0 from 0.0 and NaN signs apart (NaN != NaN)."""
    key: list[Any] = []
    for v in values:
        if isinstance(v, complex):
            key.append((_bits(v.real), _bits(v.imag)))
        elif isinstance(v, float):
            key.append(_bits(v))
        else:
            key.append(v)
    return tuple(key)


#: Derived cases that contradict an earlier case for the same input (kept: the earlier).
#: Empty unless the text's identities disagree with its own bullets.
DERIVATION_CONFLICTS: list[tuple[str, Case, Case]] = []


SPECIAL_CASES: dict[str, tuple[Case, ...]] = _build()
"""Standard function name -> its special cases (real cases first, then complex)."""

#: The operator (array method) that must agree with each function, where there is one.
OPERATORS: dict[str, str] = {
    "abs": "__abs__",
    "add": "__add__",
    "divide": "__truediv__",
    "equal": "__eq__",
    "floor_divide": "__floordiv__",
    "multiply": "__mul__",
    "negative": "__neg__",
    "not_equal": "__ne__",
    "pow": "__pow__",
    "remainder": "__mod__",
    "subtract": "__sub__",
}


class ConversionCase(NamedTuple):
    """``method(rank-0 array of dtype kind holding value)`` returns ``expected`` or raises.

    ``kind`` is ``"bool"``, ``"real floating"`` or ``"complex floating"``; ``raises`` is the
    exception type the text requires (then ``expected`` is None).
    """

    method: str
    kind: str
    value: Any
    expected: Any
    raises: type[BaseException] | None = None


CONVERSION_CASES: tuple[ConversionCase, ...] = (
    ConversionCase("__bool__", "real floating", NAN, True),
    ConversionCase("__bool__", "real floating", INF, True),
    ConversionCase("__bool__", "real floating", -INF, True),
    ConversionCase("__bool__", "real floating", 0.0, False),
    ConversionCase("__bool__", "real floating", -0.0, False),
    ConversionCase("__bool__", "complex floating", _c(0.0, NAN), True),
    ConversionCase("__bool__", "complex floating", _c(-0.0, 0.0), False),
    ConversionCase("__bool__", "complex floating", _c(0.0, -2.5), True),
    ConversionCase("__complex__", "bool", True, _c(1.0, 0.0)),
    ConversionCase("__complex__", "bool", False, _c(0.0, 0.0)),
    ConversionCase("__complex__", "real floating", NAN, _c(NAN, NAN)),
    ConversionCase("__complex__", "real floating", INF, _c(INF, 0.0)),
    ConversionCase("__complex__", "real floating", -INF, _c(-INF, 0.0)),
    ConversionCase("__complex__", "real floating", -2.5, _c(-2.5, 0.0)),
    ConversionCase("__float__", "bool", True, 1.0),
    ConversionCase("__float__", "bool", False, 0.0),
    ConversionCase("__float__", "complex floating", _c(1.0, 0.0), None, TypeError),
    ConversionCase("__int__", "bool", True, 1),
    ConversionCase("__int__", "bool", False, 0),
    ConversionCase("__int__", "real floating", 2.5, 2),
    ConversionCase("__int__", "real floating", -2.5, -2),
    ConversionCase("__int__", "real floating", -0.0, 0),
    ConversionCase("__int__", "real floating", INF, None, OverflowError),
    ConversionCase("__int__", "real floating", -INF, None, OverflowError),
    ConversionCase("__int__", "real floating", NAN, None, ValueError),
    ConversionCase("__int__", "complex floating", _c(1.0, 0.0), None, TypeError),
    ConversionCase("__index__", "real floating", 1.0, None, TypeError),
)


# ------------------------------------------------------------------------- NumPy self-check

#: Standard name -> NumPy function name, where they differ.
NUMPY_NAMES: dict[str, str] = {
    "acos": "arccos",
    "acosh": "arccosh",
    "asin": "arcsin",
    "asinh": "arcsinh",
    "atan": "arctan",
    "atan2": "arctan2",
    "atanh": "arctanh",
    "pow": "power",
}


class Deviation(NamedTuple):
    """A case NumPy (2.4, x86-64 Linux) gets wrong: ``function(*args)`` in ``dtypes``."""

    function: str
    args: tuple[Any, ...]
    dtypes: tuple[str, ...]
    numpy_gives: Any
    why: str


_CPLX = ("complex64", "complex128")
_EXPM1 = "NumPy computes complex expm1 without its special cases"

#: What ``check_against_numpy()`` finds: where NumPy is the oracle of a corten test, the
#: test must take the case's ``expected`` (or the decision in ``SPEC_ERRATA``) instead.
KNOWN_NUMPY_DEVIATIONS: tuple[Deviation, ...] = (
    Deviation("expm1", (_c(INF, 0.0),), _CPLX, _c(INF, NAN), _EXPM1),
    Deviation("expm1", (_c(INF, -0.0),), _CPLX, _c(INF, NAN), _EXPM1),
    Deviation("expm1", (_c(-INF, INF),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(-INF, -INF),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(INF, INF),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(INF, -INF),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(-INF, NAN),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(INF, NAN),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(NAN, 0.0),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation("expm1", (_c(NAN, -0.0),), _CPLX, _c(NAN, NAN), _EXPM1),
    Deviation(
        "nextafter",
        (-0.0, 0.0),
        ("float16",),
        -0.0,
        "NumPy's float16 nextafter returns x1 when x1 == x2",
    ),
    Deviation(
        "nextafter",
        (0.0, -0.0),
        ("float16",),
        0.0,
        "NumPy's float16 nextafter returns x1 when x1 == x2",
    ),
    Deviation("sqrt", (_c(-INF, 2.5),), _CPLX, _c(0.0, INF), "spec erratum, see SPEC_ERRATA"),
    Deviation("sqrt", (_c(-INF, -2.5),), _CPLX, _c(0.0, -INF), "spec erratum, see SPEC_ERRATA"),
    Deviation("sqrt", (_c(INF, 2.5),), _CPLX, _c(INF, 0.0), "spec erratum, see SPEC_ERRATA"),
    Deviation("sqrt", (_c(INF, -2.5),), _CPLX, _c(INF, -0.0), "spec erratum, see SPEC_ERRATA"),
)

#: Cases where the 2024.12 text contradicts C99 Annex G, which the text says its complex
#: special cases and branch cuts follow, and every major library (NumPy, CuPy, PyTorch):
#: for ``sqrt``, C99 gives ``csqrt(-inf + yj) = +0 + inf j`` and
#: ``csqrt(+inf + yj) = +inf + 0j`` (y finite, positive), while the text says
#: ``NaN + NaN j`` and ``+0 + inf j``. Maps (function, args) to the C99 result; corten's
#: tests should decide for one (C99 is the recommendation in the notes) and list it.
SPEC_ERRATA: dict[tuple[str, tuple[Any, ...]], Any] = {
    ("sqrt", (_c(-INF, 2.5),)): _c(0.0, INF),
    ("sqrt", (_c(-INF, -2.5),)): _c(0.0, -INF),
    ("sqrt", (_c(INF, 2.5),)): _c(INF, 0.0),
    ("sqrt", (_c(INF, -2.5),)): _c(INF, -0.0),
}

#: Tolerance of "an approximation to pi/2" per dtype, for matches().
_RTOL = {
    "float16": 2e-3,
    "float32": 1e-6,
    "float64": 1e-12,
    "complex64": 1e-6,
    "complex128": 1e-12,
}


def _numpy_call(np: Any, name: str, args: tuple[Any, ...], dtype: str) -> Any:
    if name == "clip":
        x, lo, hi = (np.asarray(a, dtype=dtype) for a in args)
        return np.clip(x, lo, hi)[()]
    fn: Callable[..., Any] = getattr(np, NUMPY_NAMES.get(name, name))
    arrays = [np.asarray(a, dtype=dtype) for a in args]
    with np.errstate(all="ignore"):
        return fn(*arrays)[()]


def check_against_numpy(
    dtypes: tuple[str, ...] = ("float64", "complex128"),
) -> list[tuple[str, Case, str, Any]]:
    """Evaluate every case with NumPy; return ``(function, case, dtype, numpy result)``
    for each case NumPy gets wrong. Cases with complex inputs use the complex dtype of
    ``dtypes``, the others the real one. With NumPy 2.4 the result is
    ``KNOWN_NUMPY_DEVIATIONS`` (see ``unexpected_numpy_deviations``).
    """
    import numpy as np

    real_dt = next(d for d in dtypes if d.startswith("float"))
    cplx_dt = next(d for d in dtypes if d.startswith("complex"))
    out = []
    for name, cases in SPECIAL_CASES.items():
        for case in cases:
            is_c = any(isinstance(a, complex) for a in case.args)
            dt = cplx_dt if is_c else real_dt
            try:
                got = _numpy_call(np, name, case.args, dt)
                got_py = got.item() if hasattr(got, "item") else got
            except Exception as exc:  # a raise is a deviation too
                out.append((name, case, dt, exc))
                continue
            if not matches(got_py, case, rtol=_RTOL[dt]):
                out.append((name, case, dt, got_py))
    return out


def check_conversions_against_numpy() -> list[tuple[ConversionCase, Any]]:
    """Evaluate ``CONVERSION_CASES`` on NumPy rank-0 arrays; return the disagreements as
    ``(case, what NumPy gave or raised)``. NumPy follows Python here, so
    ``complex(nan)`` gives ``nan+0j`` where the standard asks for ``nan+nanj``."""
    import numpy as np

    dtype = {"bool": "bool", "real floating": "float64", "complex floating": "complex128"}
    out: list[tuple[ConversionCase, Any]] = []
    for case in CONVERSION_CASES:
        arr = np.asarray(case.value, dtype=dtype[case.kind])
        try:
            got = getattr(arr, case.method)()
        except Exception as exc:  # checked against case.raises
            if case.raises is None or not isinstance(exc, case.raises):
                out.append((case, exc))
            continue
        probe = Case((case.value,), case.expected, case.method)
        if case.raises is not None or not matches(got, probe):
            out.append((case, got))
    return out


def unexpected_numpy_deviations() -> list[str]:
    """The self-check: every NumPy disagreement that ``KNOWN_NUMPY_DEVIATIONS`` does not
    list, and every listed one NumPy no longer has, over all five floating dtypes. An
    empty list means the case data and the notes agree with the installed NumPy."""
    found: set[tuple[str, tuple[Any, ...], str]] = set()
    for dts in (("float64", "complex128"), ("float32", "complex64"), ("float16", "complex64")):
        for fn, case, dt, _ in check_against_numpy(dts):
            found.add((fn, _key(case.args), dt))
    known = {(d.function, _key(d.args), dt) for d in KNOWN_NUMPY_DEVIATIONS for dt in d.dtypes}
    problems = [f"NumPy deviates, not listed: {f} {a} {dt}" for f, a, dt in sorted(found - known)]
    problems += [f"listed, NumPy agrees now: {f} {a} {dt}" for f, a, dt in sorted(known - found)]
    return problems


if __name__ == "__main__":
    n = sum(len(v) for v in SPECIAL_CASES.values())
    print(
        f"{n} cases for {len(SPECIAL_CASES)} functions; derivation conflicts:",
        DERIVATION_CONFLICTS or "none",
    )
    print("\n".join(unexpected_numpy_deviations()) or "NumPy deviations as listed")
    for conv, got in check_conversions_against_numpy():
        print(f"conversion deviation: {conv.method}({conv.value!r}) -> {got!r}")
