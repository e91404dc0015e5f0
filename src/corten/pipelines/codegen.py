"""Source generation for pipeline kernels: one numba function per pipeline.

The user's functions are jitted by numba and typed stage by stage for the dtypes they
meet; the dtype rules of ``_pipeline`` decide each map's result type, and the kernel's
source is generated around them. A kernel processes the chunks ``c0 <= c < c1`` of
:data:`CHUNK` elements each, walking every operand's memory through its own strides:

.. code-block:: text

    for each chunk c:
        find the chunk's first element: row (outer index) and column (inner index)
        while elements remain in the chunk:
            for each element of the row's run:   # the per-element code below
                load x0; map / zip / filter / enumerate; accumulate or store
            step the outer index to the next row (an odometer over the outer dims)
        store the chunk's partial result

A filter nests the rest of the per-element code under an ``if``. Float sums accumulate
in four lanes over an unrolled loop (independent dependency chains). This module imports
numba.
"""

from __future__ import annotations

import importlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from types import FunctionType
from typing import Any, Final

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic
from numba.np.numpy_support import as_dtype as _nb_as_dtype

from corten.core.dtypes import DType, bfloat16, float16, int64
from corten.core.errors import CortenError
from corten.pipelines.half import (
    bf16_to_float,
    float_to_bf16,
    float_to_half,
    half_to_float,
    round_bf16,
    round_half,
)
from corten.pipelines.plan import Plan, Stage, map_dtype, reference_dtype, sum_dtype

ir: Any = importlib.import_module("llvmlite.ir")  # numba's own dependency, untyped

__all__ = ["CHUNK", "LANES", "Kernel", "Rejected", "fn_key", "generate"]

CHUNK: Final = 1 << 14  # elements per chunk: the unit of parallel work and of partial results
LANES: Final = 4  # accumulators of a float sum

_NB_TYPES: Final[dict[str, Any]] = {
    "bool": types.boolean,
    "int8": types.int8,
    "int16": types.int16,
    "int32": types.int32,
    "int64": types.int64,
    "uint8": types.uint8,
    "uint16": types.uint16,
    "uint32": types.uint32,
    "uint64": types.uint64,
    "float16": types.float32,  # float16 values are float32 inside kernels
    "float32": types.float32,
    "float64": types.float64,
    "bfloat16": types.float32,  # so are bfloat16 values
}


_unliteral: Final[Callable[[Any], Any]] = types.unliteral


def nb_type(dtype: DType) -> Any:
    """The numba type of ``dtype``'s values inside a kernel (Rejected for float8, which
    then runs in Python)."""
    found = _NB_TYPES.get(dtype.name)
    if found is None:
        raise Rejected(None, f"numba has no {dtype.name} type")
    return found


def _natural(rt: Any) -> np.dtype[Any]:
    """The NumPy dtype of a numba return type (``object`` for anything but a scalar)."""
    rt = _unliteral(rt)
    if isinstance(rt, (types.Boolean, types.Integer, types.Float)):
        return np.dtype(_nb_as_dtype(rt))
    return np.dtype(object)


# ----------------------------------------------------------------------------- user functions


class Rejected(Exception):
    """numba could not compile a user function, or the kernel around it."""

    def __init__(self, fn: object, reason: str) -> None:
        super().__init__(reason)
        self.fn = fn
        self.reason = reason


def fn_key(fn: Callable[..., Any] | None) -> Hashable:
    """A cache key for a user function.

    Functions made by the same ``def`` or lambda expression with equal closure values
    and defaults share their compiled code (a lambda written inside a loop is a new
    object every time); anything else is keyed by the object itself.
    """
    if type(fn) is not FunctionType:  # methods, partials, dispatchers, callable objects
        return ("obj", fn)
    try:
        cells = tuple(c.cell_contents for c in fn.__closure__ or ())
        key = ("code", fn.__code__, fn.__defaults__, fn.__kwdefaults__, cells, id(fn.__globals__))
        hash(key)
    except (TypeError, ValueError):  # an unhashable closure value, or an empty cell
        return ("obj", fn)
    return key


class Lru(OrderedDict[Hashable, Any]):
    """A dict that keeps its ``size`` most recently used entries."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_item(self, key: Hashable) -> Any:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


_JITTED: Final = Lru(512)  # fn key -> numba dispatcher (callers hold the backend's lock)


def _jit(fn: Callable[..., Any]) -> Any:
    if isinstance(fn, numba.core.dispatcher.Dispatcher):
        return fn
    key = fn_key(fn)
    disp = _JITTED.get_item(key)
    if disp is None:
        disp = numba.njit(cache=False)(fn)
        _JITTED.put(key, disp)
    return disp


_CALLER_MAKERS: dict[int, Callable[[Any], Callable[..., Any]]] = {}  # arity -> maker


def compilable(fn: Callable[..., Any], arity: int) -> Callable[..., Any]:
    """``fn`` in a form that numba's ``jit`` decorators take.

    Python functions and numba dispatchers are returned as they are. Anything else (a
    builtin such as ``abs`` or ``math.sqrt``, a NumPy ufunc, a callable object) is called
    from a generated function of ``arity`` arguments that closes over it: numba compiles
    that call where it supports ``fn``, and rejects it (a typing error, so the pipeline
    falls back to Python) where it does not. The generated functions for one ``fn`` share
    their code and their closure value, so :func:`fn_key` gives them one cache entry.
    """
    if type(fn) is FunctionType or isinstance(fn, numba.core.dispatcher.Dispatcher):
        return fn
    maker = _CALLER_MAKERS.get(arity)
    if maker is None:
        args = ", ".join(f"x{i}" for i in range(arity))
        ns: dict[str, Any] = {}
        src = f"def make(fn):\n    def call({args}):\n        return fn({args})\n    return call\n"
        exec(compile(src, f"<corten call of arity {arity}>", "exec"), ns)
        maker = _CALLER_MAKERS.setdefault(arity, ns["make"])
    return maker(fn)


def _typed(fn: Callable[..., Any], argtypes: tuple[Any, ...]) -> tuple[Any, Any]:
    """``fn`` jitted and its return type for ``argtypes``; Rejected if numba refuses it."""
    disp = _jit(compilable(fn, len(argtypes)))
    try:
        disp.compile(argtypes)
        return disp, disp.overloads[argtypes].signature.return_type
    except CortenError:
        raise
    except Exception as exc:  # numba's TypingError, UnsupportedError, ...
        raise Rejected(fn, f"{type(exc).__name__}: {exc}") from exc


# ----------------------------------------------------------------------------- kernels


class Kernel:
    """A generated pipeline kernel and what its caller needs to know about it."""

    __slots__ = ("fn", "lanes", "out_dtype", "source", "stream", "uses_pos")

    def __init__(self) -> None:
        self.fn: Any = None  # the jitted kernel
        self.source = ""
        self.stream: DType = int64  # the dtype of the values that reach the terminal
        self.out_dtype: DType | None = None  # collect's result dtype
        self.uses_pos = False  # whether the code reads element positions (order matters)
        self.lanes = 1


class _Body:
    """The per-element code: lines at relative depths; a filter nests what follows.

    ``@J@`` stands for the element's column and ``@L@`` for its accumulator lane.
    """

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.depth = 0

    def add(self, *lines: str) -> None:
        self.lines += [(self.depth, line) for line in lines]

    def nest(self, condition: str) -> None:
        self.add(f"if {condition}:")
        self.depth += 1

    def render(self, indent: int, column: str, lane: int) -> list[str]:
        pad = "    "
        return [
            pad * (indent + d) + line.replace("@J@", column).replace("@L@", str(lane))
            for d, line in self.lines
        ]


@intrinsic
def _opaque(typingctx: Any, x: Any) -> Any:
    """``x`` unchanged, through an empty inline assembly block the optimizer cannot see
    into.

    numba compiles signed integer arithmetic with LLVM's ``nsw`` flag (overflow is
    undefined), so after inlining, a later stage could be optimized as if an earlier one
    had not wrapped (``x + 3 > 1`` folded to ``x > -2``). Passing each signed integer
    result through here makes it a concrete, wrapped value, as NumPy's would be.
    """

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        [v] = args
        asm = ir.InlineAsm(ir.FunctionType(v.type, [v.type]), "", "=r,0")
        return builder.call(asm, [v])

    return x(x), codegen


def _cast(ns: dict[str, Any], expr: str, natural: Any, target: DType) -> str:
    """Code converting ``expr`` (numba type ``natural``) to ``target`` inside a kernel."""
    if target is float16:
        return f"round_half({expr})"
    if target is bfloat16:
        return f"round_bf16({expr})"
    nbt = nb_type(target)
    if target.kind == "b":
        return expr if _unliteral(natural) == nbt else f"({expr} != 0)"
    if _unliteral(natural) != nbt:
        name = f"T_{target.name}"
        ns[name] = nbt
        expr = f"{name}({expr})"
    return f"opaque({expr})" if target.kind == "i" else expr


def _load(k: int, dtype: DType) -> str:
    # Unsigned indices: numba then skips its negative-index check, which would keep LLVM
    # from vectorizing the loop. The positions are never negative.
    e = f"b{k}[U(base{k} + @J@ * i{k})]"
    if dtype is float16:
        return f"half_to_float({e})"
    return f"bf16_to_float({e})" if dtype is bfloat16 else e


def generate(plan: Plan) -> Kernel:
    """Type ``plan``'s functions for its dtypes and compile its kernel (lazily: numba
    compiles at the first call).

    Raises
    ------
    Rejected
        If numba cannot compile one of the functions.
    DTypeError
        If a function returns something other than one bool, int or float.
    """
    kern = Kernel()
    ns: dict[str, Any] = {
        "np": np,
        "half_to_float": half_to_float,
        "float_to_half": float_to_half,
        "round_half": round_half,
        "bf16_to_float": bf16_to_float,
        "float_to_bf16": float_to_bf16,
        "round_bf16": round_bf16,
        "F64": types.float64,
        "opaque": _opaque,
        "U": types.uint64,
    }
    ops = plan.operands
    body = _Body()
    # The values flowing through the stages: (variable, numba type, dtype).
    slots: list[tuple[str, Any, DType]] = [("x0", nb_type(ops[0]._dtype), ops[0]._dtype)]
    body.add(f"x0 = {_load(0, ops[0]._dtype)}")
    for si, stage in enumerate(plan.stages):
        if stage.kind == "zip":
            k = stage.operand
            body.add(f"x{k} = {_load(k, ops[k]._dtype)}")
            slots.append((f"x{k}", nb_type(ops[k]._dtype), ops[k]._dtype))
            continue
        if stage.kind == "enumerate":
            kern.uses_pos = True
            slots.insert(0, ("pos", types.int64, int64))
            continue
        assert stage.fn is not None
        disp, rt = _typed(stage.fn, tuple(s[1] for s in slots))
        name = f"f{si}"
        ns[name] = disp
        call = f"{name}({', '.join(s[0] for s in slots)})"
        if stage.kind == "filter":
            body.nest(call)
        else:
            dt = map_dtype(stage, reference_dtype([s[2] for s in slots]), _natural(rt))
            body.add(f"v{si} = {_cast(ns, call, rt, dt)}")
            slots = [(f"v{si}", nb_type(dt), dt)]
    init, store, combine, early = _terminal(plan, kern, ns, body, slots)
    nops = len(ops)
    args = ", ".join(
        ["n", "cs", "inner", "oshape"]
        + [f"b{k}, o{k}, s{k}, i{k}" for k in range(nops)]
        + ["r0", "r1", "flag", "ident"]
    )
    src = _kernel_source(args, nops, init, body, store, combine, early, kern)
    kern.source = src
    exec(compile(src, "<corten pipeline kernel>", "exec"), ns)
    kern.fn = numba.njit(cache=False, nogil=True)(ns["kernel"])
    return kern


def _terminal(
    plan: Plan,
    kern: Kernel,
    ns: dict[str, Any],
    body: _Body,
    slots: list[tuple[str, Any, DType]],
) -> tuple[list[str], list[str], list[str], bool]:
    """The terminal's code: (per-chunk init, per-chunk store, final combine, early exit);
    its per-element code is appended to ``body``."""
    term = plan.terminal
    kind = term.kind
    if kind in ("any", "all"):
        if term.fn is None:
            cond = slots[0][0]
        else:
            disp, _ = _typed(term.fn, tuple(s[1] for s in slots))
            ns["fp"] = disp
            cond = f"fp({', '.join(s[0] for s in slots)})"
        body.nest(cond if kind == "any" else f"not {cond}")
        body.add("hit = True", "flag[0] = 1", "break")
        return ["hit = False"], [], [], True
    if kind == "count":
        body.add("cnt += 1")
        return ["cnt = 0"], ["r0[c] = cnt"], [], False
    v, vt, vdt = slots[0]
    kern.stream = vdt
    if kind == "collect":
        kern.out_dtype = vdt
        val = f"float_to_half({v})" if vdt is float16 else v
        val = f"float_to_bf16({v})" if vdt is bfloat16 else val
        if plan.filtered:
            body.add(f"r0[U(start + cnt)] = {val}", "cnt += 1")
            return ["cnt = 0"], ["r1[c] = cnt"], [], False
        kern.uses_pos = True
        body.add(f"r0[U(pos)] = {val}")
        return [], [], [], False
    if kind == "sum":
        acc = sum_dtype(vdt)
        if acc.kind != "f":
            ns["ACC"] = types.uint64 if acc.kind == "u" else types.int64
            body.add(f"acc += ACC({v})")
            return ["acc = ACC(0)"], ["r0[c, 0] = acc"], [], False
        kern.lanes = LANES
        lanes = range(LANES)
        init = [f"acc{u} = 0.0" for u in lanes] + [f"comp{u} = 0.0" for u in lanes]
        store = [f"r0[c, {u}] = acc{u}" for u in lanes] + [f"r1[c, {u}] = comp{u}" for u in lanes]
        if vdt.itemsize < 8:
            # float16/float32 values summed in float64: each lane's rounding error stays
            # far below one float32 rounding, so no compensation is needed.
            body.add(f"acc@L@ += F64({v})")
        else:
            body.add(  # Neumaier's compensated summation
                f"xf = F64({v})",
                "tt = acc@L@ + xf",
                "if abs(acc@L@) >= abs(xf):",
                "    comp@L@ += (acc@L@ - tt) + xf",
                "else:",
                "    comp@L@ += (xf - tt) + acc@L@",
                "acc@L@ = tt",
            )
        return init, store, [], False
    ns["VT"] = vt
    init = ["has = False", "acc = VT(0)"]
    store = ["r0[c] = acc", "r1[c] = has"]
    if kind in ("min", "max"):
        better = "<" if kind == "min" else ">"
        body.add(
            "if not has:",
            f"    acc = {v}",
            "    has = True",
            f"elif {v} {better} acc or {v} != {v}:",  # NaN wins, as in NumPy
            f"    acc = {v}",
        )
        return init, store, [], False
    # reduce: each chunk folds its elements from its first one; the chunks are folded
    # onto the identity at the end, in order.
    assert term.fn is not None
    disp, rt = _typed(term.fn, (vt, vt))
    map_dtype(Stage("map", term.fn, dtype=vdt, same_kind=True), vdt, _natural(rt), "reduce()")
    ns["fr"] = disp
    step = _cast(ns, "fr(acc, @X@)", rt, vdt)
    body.add(
        "if not has:",
        f"    acc = {v}",
        "    has = True",
        "else:",
        f"    acc = {step.replace('@X@', v)}",
    )
    combine = [
        "acc = ident",
        "for c in range(c1):",
        "    if r1[c]:",
        f"        acc = {step.replace('@X@', 'r0[c]')}",
        "return acc",
    ]
    return init, store, combine, False


def _kernel_source(
    args: str,
    nops: int,
    init: list[str],
    body: _Body,
    store: list[str],
    combine: list[str],
    early: bool,
    kern: Kernel,
) -> str:
    ks = range(nops)
    pos = ["pos = p + (@J@ - j)"] if kern.uses_pos else []
    if pos:
        body.lines[:0] = [(0, line) for line in pos]
    if kern.lanes > 1:
        u = kern.lanes
        walk = [
            "jj = j",
            f"while jj + {u} <= jend:",
            *(line for lane in range(u) for line in body.render(1, f"(jj + {lane})", lane)),
            f"    jj += {u}",
            "while jj < jend:",
            *body.render(1, "jj", 0),
            "    jj += 1",
        ]
    else:
        walk = ["for jj in range(j, jend):", *body.render(1, "jj", 0)]
    loop = [
        "while p < stop:",
        "    m = min(inner - j, stop - p)",
        "    jend = j + m",
        *("    " + line for line in walk),
        *(["    if hit or flag[0] != 0:", "        break"] if early else []),
        "    p += m",
        "    j = 0",
        "    d = nd - 1",
        "    while d >= 0:",
        "        idx[d] += 1",
        *(f"        base{k} += s{k}[d]" for k in ks),
        "        if idx[d] < oshape[d]:",
        "            break",
        *(f"        base{k} -= s{k}[d] * oshape[d]" for k in ks),
        "        idx[d] = 0",
        "        d -= 1",
    ]
    chunk = [
        *(["if flag[0] != 0:", "    break"] if early else []),
        "start = c * cs",
        "stop = min(start + cs, n)",
        "r = start // inner",
        "j = start - r * inner",
        *(f"base{k} = o{k}" for k in ks),
        "d = nd - 1",
        "while d >= 0:",
        "    q = r // oshape[d]",
        "    w = r - q * oshape[d]",
        "    idx[d] = w",
        *(f"    base{k} += w * s{k}[d]" for k in ks),
        "    r = q",
        "    d -= 1",
        "p = start",
        *init,
        *loop,
        *store,
    ]
    lines = [
        f"def kernel(c0, c1, combine, {args}):",
        "    nd = oshape.shape[0]",
        "    idx = np.zeros(nd + 1, np.int64)",
        "    for c in range(c0, c1):",
        *("        " + line for line in chunk),
        *(["    if combine:", *("        " + line for line in combine)] if combine else []),
        "    return ident",
    ]
    return "\n".join(lines)
