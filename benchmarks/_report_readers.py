"""How the performance report reads each benchmark's results file.

Each benchmark module writes its own layout of ``benchmarks/results/<NAME>.json`` (see
``_harness.py``); a reader here knows one layout and turns it into tables of corten
against the libraries timed beside it (:class:`~benchmarks._report_data.Section`),
memory-bound operations (:class:`~benchmarks._report_data.Bandwidth`), figures that have
no baseline, and the targets. A module without a reader gets a generic table of every
object that holds corten's and other libraries' timings side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks._harness import fmt_time
from benchmarks._report_data import (
    FLOAT32_BYTES,
    Bandwidth,
    ModuleReport,
    Row,
    Section,
    TargetRow,
    is_timing,
    library,
    median,
    median_of,
    required,
    size_text,
    split_corten,
    timing_of,
    timings,
)


def _targets(m: ModuleReport) -> None:
    for t in m.payload.get("targets", []):
        passed = t.get("passed")
        verdict = {True: "PASS", False: "MISS", None: "SKIP"}[passed]
        recorded = t.get("verdict", verdict)
        if recorded != verdict:
            m.problems.append(
                f"target {t['name']!r}: recorded verdict {recorded} but passed={passed!r}"
            )
        m.targets.append(TargetRow(t["name"], t["goal"], t["measured"], recorded))


# ----------------------------------------------------------------------------- readers


def _foundation(m: ModuleReport) -> None:
    p = m.payload

    def clone() -> None:
        rows = [
            Row(
                size_text(int(r["bytes"])),
                required(r, "corten_clone"),
                {
                    "NumPy a.copy()": median(r, "numpy_copy"),
                    "PyTorch clone()": median(r, "torch_clone"),
                },
            )
            for r in p["clone"]
        ]
        m.sections.append(
            Section(
                "clone() of a 1-D uint8 buffer",
                "clone",
                "buffer",
                ["NumPy a.copy()", "PyTorch clone()"],
                rows,
                "corten's clone shares the buffer until a write (copy-on-write): its time "
                "does not grow with the size; NumPy and PyTorch copy the bytes.",
            )
        )

    def small_op() -> None:
        corten, others = split_corten(p["small_op"])
        m.sections.append(
            Section(
                "one small operation: a + b on 3 float32 elements",
                "a + b",
                "operation",
                [library(k) for k in others],
                [Row("a + b", corten, {library(k): v for k, v in others.items()})],
                "The per-call overhead of an operation, where the data costs nothing.",
            )
        )

    def large() -> None:
        rows, columns = [], []
        statements = {"add": "x + y", "sum": "x.sum()"}
        for r in p["large"]:
            corten, others = split_corten(r)
            columns += [library(k) for k in others if library(k) not in columns]
            op = str(r["op"])
            rows.append(
                Row(statements.get(op, op), corten, {library(k): v for k, v in others.items()})
            )
            n_bytes = int(r["elements"]) * FLOAT32_BYTES
            moved, what = (3 * n_bytes, "2 reads + 1 write") if op == "add" else (n_bytes, "1 read")
            m.bandwidth.append(
                Bandwidth(
                    f"{statements.get(op, op)}, {int(r['elements']):,} float32",
                    moved,
                    {"corten": corten, **{library(k): v for k, v in others.items()}},
                    what,
                )
            )
        elements = int(p["large"][0]["elements"])
        m.sections.append(
            Section(
                f"large elementwise work on {elements:,} float32 elements",
                "large",
                "operation",
                columns,
                rows,
                "corten runs NumPy's kernels here: the goal is NumPy's speed.",
            )
        )

    m.read("clone", clone)
    m.read("small_op", small_op)
    m.read("large", large)


def _views(m: ModuleReport) -> None:
    p = m.payload

    def creation() -> None:
        rows, columns = [], []
        for r in p["view_creation"]:
            others = {library(k): v for k, v in timings(r).items() if not k.startswith("corten")}
            columns += [c for c in others if c not in columns]
            rows.append(Row(f"{r['op']} (owner)", required(r, "corten"), others))
            if "corten view" in r:
                rows.append(Row(f"{r['op']} (frozen view)", required(r, "corten view"), others))
        m.sections.append(
            Section(
                "creating a view of a 480 x 640 x 3 uint8 image",
                "view",
                "view",
                columns,
                rows,
                "From an owner (ct.tensor(array)) and from a frozen view of it (t.view()); "
                "NumPy runs its equivalent (a[10:20] for narrow, a[:, :, 1] for select, "
                "a.transpose for permute). Every view is zero-copy: this is per-call overhead.",
            )
        )

    def contiguous() -> None:
        r = p["contiguous"]
        corten, others = split_corten(r)
        shape = " x ".join(str(int(d)) for d in r["shape"])
        cols = {library(k): v for k, v in others.items()}
        m.sections.append(
            Section(
                f"contiguous() of permute(2, 0, 1) of a {shape} uint8 image",
                "contiguous",
                "copy",
                list(cols),
                [Row(f"HWC -> CHW, {size_text(int(r['bytes']))}", corten, cols)],
                "A real copy (read once, written once).",
            )
        )
        m.bandwidth.append(
            Bandwidth(
                f"contiguous() {shape} uint8",
                2 * int(r["bytes"]),
                {"corten": corten, **cols},
                "1 read + 1 write",
            )
        )

    def shared() -> None:
        rows, columns = [], []
        for r in p["shared_views"]:
            others = {library(k): v for k, v in timings(r).items() if k != "corten"}
            columns += [c for c in others if c not in columns]
            copies = "" if r.get("zero_copy", True) else " (copies)"
            rows.append(Row(f"{r['op']}, {r['size']}{copies}", required(r, "corten"), others))
        m.sections.append(
            Section(
                "views of memory shared with NumPy (ct.from_numpy of a uint8 image)",
                "shared view",
                "view",
                columns,
                rows,
                "t[1:2, 1:2], select, narrow and numpy() of ct.from_numpy(a) for a 1 KiB and "
                "a 64 MiB image, next to NumPy's slice of a and PyTorch's of "
                "torch.from_numpy(a). A view is O(1): the time must not grow with the size.",
            )
        )

    m.read("view_creation", creation)
    m.read("contiguous", contiguous)
    if "shared_views" in p:  # results written before the row existed have none
        m.read("shared_views", shared)


def _iterators(m: ModuleReport) -> None:
    p = m.payload

    def iter_() -> None:
        rows, columns = [], []
        for r in p["iter"]:
            found = timings(r)
            corten_keys = [k for k in found if k.startswith("corten")]
            others = {library(k): v for k, v in found.items() if not k.startswith("corten")}
            columns += [c for c in others if c not in columns]
            rows.append(Row(str(r["layout"]), found[corten_keys[0]], others))
        n = int(p["iter"][0]["n"])
        m.sections.append(
            Section(
                f"for x in t.iter() over {n:,} float32 elements",
                "iter()",
                "layout",
                columns,
                rows,
                "A full Python loop over the elements; NumPy's a.tolist() case builds the list "
                "inside the timing.",
            )
        )

    def pipeline() -> None:
        rows: list[Row] = []
        columns: list[str] = []
        for r in p["pipeline"]:
            n = int(r["n"])
            thread_keys = sorted(
                (k for k in r if k.startswith("threads_")), key=lambda k: int(k.split("_")[1])
            )
            python = r.get("python_loop_s")
            for key in thread_keys:
                k = int(key.split("_")[1])
                corten, others = split_corten(r[key])
                cols = {library(name): v for name, v in others.items()}
                if python is not None:
                    cols["Python loop"] = float(python)
                columns += [c for c in cols if c not in columns]
                rows.append(Row(f"{n:,} float32, {k} thread{'s' if k > 1 else ''}", corten, cols))
            top = thread_keys[-1]
            corten, others = split_corten(r[top])
            m.bandwidth.append(
                Bandwidth(
                    f"par_iter().map(f).map(g).sum(), {n:,} float32 ({top.split('_')[1]} threads)",
                    n * FLOAT32_BYTES,
                    {"corten": corten, **{library(name): v for name, v in others.items()}},
                    "1 read",
                )
            )
        if "Python loop" in columns:  # after the libraries
            columns = [c for c in columns if c != "Python loop"] + ["Python loop"]
        m.sections.append(
            Section(
                "t.par_iter().map(f).map(g).sum(), f(x) = x * 1.5, g(x) = x + 0.25, on float32",
                "map.map.sum",
                "size and threads",
                columns,
                rows,
                "NumPy runs the multi-pass equivalent np.add(np.multiply(a, 1.5), 0.25).sum() on "
                "one thread; PyTorch (ta * 1.5 + 0.25).sum() with the same number of threads as "
                "corten. The Python loop is timed once, on at most 2,000,000 elements, and "
                "scaled linearly to n.",
            )
        )

    def other() -> None:
        # Each corten case is followed by the NumPy case it is compared with.
        rows: list[Row] = []
        current: tuple[str, float] | None = None
        for r in p["other_pipelines"]:
            case = str(r["case"])
            if case.startswith("corten"):
                current = (case.removeprefix("corten").strip(), float(r["median"]))
            elif current is not None:
                name, corten = current
                base = case.removeprefix("numpy").strip()
                rows.append(Row(f"{name} (NumPy: {base})", corten, {"NumPy": float(r["median"])}))
                current = None
        m.sections.append(
            Section(
                "other pipelines on 10,000,000 float32 elements (all threads)",
                "pipeline",
                "pipeline",
                ["NumPy"],
                rows,
                "Each corten pipeline against the NumPy expression that computes the same.",
            )
        )

    def compile_() -> None:
        c = p["compile"]
        m.extras.append(
            "Compile time of a new pipeline (absolute, no baseline): "
            f"import corten {fmt_time(float(c['import_s']))}; first map.map.sum in a fresh "
            f"process (numba import and compile) {fmt_time(float(c['first_call_cold_s']))}; the "
            f"same pipeline again {fmt_time(float(c['second_call_s']))}; a new pipeline in a "
            f"warm process {fmt_time(float(c['first_call_warm_s']))}."
        )

    m.read("iter", iter_)
    m.read("pipeline", pipeline)
    m.read("other_pipelines", other)
    m.read("compile", compile_)


def _interop(m: ModuleReport) -> None:
    p = m.payload

    def exchange() -> None:
        by_case = {str(r["case"]): r for r in p["exchange"]}
        rows, columns = [], []
        for r in p["exchange"]:
            base = r.get("baseline")
            if base is None:
                continue
            columns += [base] if base not in columns else []
            rows.append(Row(str(r["case"]), timing_of(r), {base: median_of(by_case.get(base))}))
        shape = " x ".join(str(int(d)) for d in p.get("shape", []))
        m.sections.append(
            Section(
                f"DLPack exchange of a {shape} uint8 image (zero-copy, per call)",
                "exchange",
                "exchange",
                columns,
                rows,
                "Each corten exchange against the PyTorch <-> NumPy exchange in the same "
                "direction (the columns).",
            )
        )

    m.read("exchange", exchange)


def _serialization(m: ModuleReport) -> None:
    p = m.payload

    def save_load() -> None:
        r = p["save_load"]
        size = size_text(int(r["bytes"]))
        corten, others = split_corten(r["save"])
        m.sections.append(
            Section(
                f"save a {size} float32 tensor",
                "save",
                "call",
                [library(k) for k in others],
                [
                    Row(
                        "ct.save(path, {'w': t})",
                        corten,
                        {library(k): v for k, v in others.items()},
                    )
                ],
                "safetensors is the safetensors package's NumPy API (save_file); NumPy is np.save.",
            )
        )
        load = timings(r["load"])
        eager = {library(k): v for k, v in load.items() if "mmap" not in k and k != "corten"}
        mapped = {library(k): v for k, v in load.items() if "mmap" in k and k != "corten mmap"}
        rows = [Row("ct.load(path, mmap=False)", load["corten"], eager)]
        if "corten mmap" in load:
            rows.append(Row("ct.load(path) (mapped)", load["corten mmap"], mapped))
        m.sections.append(
            Section(
                f"load the {size} file",
                "load",
                "call",
                [*eager, *mapped],
                rows,
                "Into memory (safetensors load_file, np.load) and mapped (np.load with "
                "mmap_mode='r'). The file sits in the page cache: this is the libraries' "
                "copying, not the disk.",
            )
        )

    def mmap_flat() -> None:
        r = p["mmap_load"]
        found = timings(r)
        m.extras.append(
            "Mapped load, ct.load(path), against the file size (absolute): "
            + ", ".join(f"{label}: {fmt_time(t)}" for label, t in found.items())
            + "."
        )

    m.read("save_load", save_load)
    m.read("mmap_load", mmap_flat)


def _devices(m: ModuleReport) -> None:
    p = m.payload

    def table(key: str, title: str, label: str, what: str, factor: int) -> None:
        r = p[key]
        corten, others = split_corten(r)
        cols = {library(k): v for k, v in others.items()}
        m.sections.append(Section(title, key, "operation", list(cols), [Row(label, corten, cols)]))
        m.bandwidth.append(
            Bandwidth(label, factor * int(r["bytes"]), {"corten": corten, **cols}, what)
        )

    def fill() -> None:
        size = size_text(int(p["fill"]["bytes"]))
        table("fill", f"fill_ of {size} float32 on the CPU", f"fill_ {size} float32", "1 write", 1)

    def contiguous() -> None:
        shape = " x ".join(str(int(d)) for d in p["contiguous"]["shape"])
        table(
            "contiguous",
            f"contiguous() of permute(2, 0, 1) of a {shape} uint8 image on the CPU",
            f"contiguous() {shape} uint8",
            "1 read + 1 write",
            2,
        )

    def sim() -> None:
        for r in p["sim_transfers"]:
            m.bandwidth.append(
                Bandwidth(
                    f"host <-> sim: {r['case']}",
                    2 * int(r["bytes"]),
                    {"corten": timing_of(r)},
                    "1 read + 1 write (sim memory is host memory)",
                )
            )

    m.read("fill", fill)
    m.read("contiguous", contiguous)
    m.read("sim_transfers", sim)


def _api_functions(m: ModuleReport) -> None:
    def functions() -> None:
        rows, columns = [], []
        for r in m.payload["functions"]:
            corten, others = split_corten(r)
            cols = {library(k): v for k, v in others.items()}
            columns += [c for c in cols if c not in columns]
            rows.append(Row(str(r["op"]), corten, cols))
        m.sections.append(
            Section(
                "array API functions against NumPy's equivalents",
                "function",
                "function",
                columns,
                rows,
                "Reductions along one axis of 16M float32 elements, a 1024 x 1024 float32 "
                "matmul (the same BLAS), a sort of 10M float32, and concat/stack of eight "
                "1080p RGB images; each result is checked against NumPy's before timing.",
            )
        )

    m.read("functions", functions)


def _elementwise(m: ModuleReport) -> None:
    p = m.payload

    def large() -> None:
        rows, columns = [], []
        for r in p["large"]:
            corten, others = split_corten(r)
            columns += [library(k) for k in others if library(k) not in columns]
            stmt = str(r.get("statement", r["op"]))
            rows.append(Row(stmt, corten, {library(k): v for k, v in others.items()}))
            n_bytes = int(r["elements"]) * FLOAT32_BYTES
            reads = 3 if r["op"] == "where" else 1  # where reads x twice (x > 0.5) and y
            m.bandwidth.append(
                Bandwidth(
                    f"{stmt}, {int(r['elements']):,} float32",
                    (reads + 1) * n_bytes,
                    {"corten": corten, **{library(k): v for k, v in others.items()}},
                    f"{reads} read{'s' if reads > 1 else ''} + 1 write",
                )
            )
        if rows:
            elements = int(p["large"][0]["elements"])
            m.sections.append(
                Section(
                    f"array API functions on {elements:,} float32 elements",
                    "functions",
                    "function",
                    columns,
                    rows,
                    "corten runs NumPy's kernels here: the goal is NumPy's speed.",
                )
            )

    def small_add() -> None:
        corten, others = split_corten(p["small_add"])
        m.sections.append(
            Section(
                "one small function call: add(a, b) on 3 float32 elements",
                "add(a, b)",
                "call",
                [library(k) for k in others],
                [Row("add(a, b)", corten, {library(k): v for k, v in others.items()})],
                "The per-call overhead of a namespace function, where the data costs nothing.",
            )
        )

    m.read("large", large)
    m.read("small_add", small_add)


def _generic(m: ModuleReport) -> None:
    """Every object that holds a ``corten...`` timing and other timings, as a table."""

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            found = timings(value)
            corten = {k: v for k, v in found.items() if k.startswith("corten")}
            others = {library(k): v for k, v in found.items() if not k.startswith("corten")}
            if corten and others:
                rows = [Row(k, v, dict(others)) for k, v in corten.items()]
                m.sections.append(Section(path, path, "case", list(others), rows))
            for k, v in value.items():
                if not is_timing(v):
                    walk(v, f"{path}.{k}" if path else k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}[{i}]")

    skip = {"machine", "targets", "notes"}
    m.read("results", lambda: walk({k: v for k, v in m.payload.items() if k not in skip}, ""))


READERS: dict[str, Callable[[ModuleReport], None]] = {
    "foundation": _foundation,
    "views": _views,
    "iterators": _iterators,
    "api_functions": _api_functions,
    "interop": _interop,
    "serialization": _serialization,
    "devices": _devices,
    "elementwise": _elementwise,
}


def read_module(payload: dict[str, Any]) -> ModuleReport:
    """A results payload read into tables, bandwidth rows, figures and targets."""
    m = ModuleReport(str(payload["benchmark"]), payload)
    READERS.get(m.name, _generic)(m)
    m.read("targets", lambda: _targets(m))
    return m
