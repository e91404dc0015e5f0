"""Serialization benchmarks: safetensors files against the safetensors package and NumPy.

corten runs side by side with the ``safetensors`` package (its NumPy API) and NumPy's
own format in one process, on files in a temporary directory that is removed after:

- save a 1 GiB float32 tensor (64 MiB with ``--quick``): ``ct.save(path, {"w": t})``
  against ``safetensors.numpy.save_file({"w": a}, path)`` and ``np.save(path, a)``;
- load it into memory: ``ct.load(path, mmap=False)`` against
  ``safetensors.numpy.load_file(path)`` (which copies out of its map) and ``np.load``;
  and lazily: ``ct.load(path)`` (mapped, the default) against
  ``np.load(path, mmap_mode="r")``;
- ``ct.load(path)`` (mapped) of files of 1 MiB, 64 MiB and 1 GiB: the time must not
  grow with the size;
- a large legal header: ``ct.load(path)`` of a file of 1.6 million empty tensors (a
  93 MB header, near the format's 100 MB limit; 200,000 with ``--quick``) against
  ``safetensors.numpy.load_file(path)``, with the peak of memory that Python's
  allocators saw (``tracemalloc``) per byte of header.

The files sit in the page cache (they were just written), so the times are those of
the libraries' copying and system calls, not of the disk. Targets are printed with
PASS or MISS; a MISS is information, not a failure.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

import corten as ct
from benchmarks._harness import (
    Case,
    Config,
    Target,
    Timing,
    compare,
    fmt_bytes,
    fmt_ratio,
    fmt_time,
    heading,
    optional_import,
    print_table,
    print_targets,
    ratio,
)

NAME = "serialization"

FULL_BYTES = 1 << 30
QUICK_BYTES = 64 << 20
FULL_MMAP_SIZES = (1 << 20, 64 << 20, 1 << 30)
QUICK_MMAP_SIZES = (1 << 20, 16 << 20, 64 << 20)

# Targets (informational).
VS_PACKAGE_MIN = 0.9  # corten's speed / the safetensors package's, save and load
MMAP_FLAT_MAX = 1.5  # mapped load time of the largest file / of the smallest
HEADER_VS_PACKAGE_MAX = 2.0  # corten's time / the package's, loading a large header

FULL_HEADER_TENSORS = 1_600_000
QUICK_HEADER_TENSORS = 200_000


def _check(ok: bool, message: str) -> None:
    """Time correct code only: stop when corten computes something else."""
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def _data(nbytes: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.random(nbytes // 4, dtype=np.float32).reshape(-1, 1024)


def _space_for(directory: str, nbytes: int, notes: list[str]) -> int:
    """``nbytes``, or less when the disk lacks room for three files and a margin."""
    free = shutil.disk_usage(directory).free
    fitting = nbytes
    while fitting > (1 << 20) and 3 * fitting + (1 << 30) > free:
        fitting //= 2
    if fitting != nbytes:
        notes.append(
            f"only {free / 2**30:.1f} GiB free in {directory}: files of {fmt_bytes(fitting)} "
            f"instead of {fmt_bytes(nbytes)}"
        )
        print(f"note: {notes[-1]}")
    return fitting


def bench_save_load(
    config: Config, st_numpy: Any, tmp: Path, nbytes: int
) -> tuple[dict[str, Any], list[Target]]:
    a = _data(nbytes)
    t = ct.tensor(a)
    paths = {lib: tmp / f"{lib}.bin" for lib in ("corten", "safetensors", "numpy")}
    paths["numpy"] = tmp / "numpy.npy"

    # Correctness first: every file holds the data, and each library reads the others'.
    ct.save(paths["corten"], {"w": t})
    np.save(paths["numpy"], a)
    _check(np.array_equal(np.asarray(ct.load(paths["corten"])["w"]), a), "mapped load differs")
    _check(np.array_equal(np.asarray(ct.load(paths["corten"], mmap=False)["w"]), a), "load differs")
    if st_numpy is not None:
        st_numpy.save_file({"w": a}, paths["safetensors"])
        _check(np.array_equal(st_numpy.load_file(paths["corten"])["w"], a), "package read")
        _check(np.array_equal(np.asarray(ct.load(paths["safetensors"])["w"]), a), "corten read")

    heading(f"save a {fmt_bytes(nbytes)} float32 tensor (median time per call)")
    save_cases = {
        "corten": Case(lambda: ct.save(paths["corten"], {"w": t})),
        "numpy": Case(lambda: np.save(paths["numpy"], a)),
    }
    if st_numpy is not None:
        save_cases["safetensors"] = Case(lambda: st_numpy.save_file({"w": a}, paths["safetensors"]))
    saves = compare(save_cases, config)
    _print_timings(saves, nbytes)

    heading("load it (median time per call; the result is dropped after each)")
    load_cases = {
        "corten": Case(lambda: ct.load(paths["corten"], mmap=False)),
        "corten mmap": Case(lambda: ct.load(paths["corten"])),
        "numpy": Case(lambda: np.load(paths["numpy"])),
        "numpy mmap": Case(lambda: np.load(paths["numpy"], mmap_mode="r")),
    }
    if st_numpy is not None:
        load_cases["safetensors"] = Case(lambda: st_numpy.load_file(paths["safetensors"]))
    loads = compare(load_cases, config)
    _print_timings(loads, nbytes)
    print("(mmap rows map the file and copy nothing: their time does not grow with the size)")

    targets: list[Target] = []
    for op, timings, lib in (("save", saves, "corten"), ("load", loads, "corten")):
        ref = timings.get("safetensors")
        speed = ratio(ref.median if ref else None, timings[lib].median)
        targets.append(
            Target(
                name=f"{op} {fmt_bytes(nbytes)}: corten speed vs the safetensors package",
                goal=f">= {VS_PACKAGE_MIN:g}x",
                measured=(
                    f"{fmt_ratio(speed)} ({fmt_time(timings[lib].median)} vs "
                    f"{fmt_time(ref.median)})"
                    if ref is not None and speed is not None
                    else "safetensors not installed"
                ),
                passed=None if speed is None else speed >= VS_PACKAGE_MIN,
                value=speed,
            )
        )
    record = {
        "bytes": nbytes,
        "save": {lib: tm.as_dict() for lib, tm in saves.items()},
        "load": {lib: tm.as_dict() for lib, tm in loads.items()},
        "save_speed_vs_safetensors": targets[0].value,
        "load_speed_vs_safetensors": targets[1].value,
    }
    for path in paths.values():
        path.unlink(missing_ok=True)
    return record, targets


def _print_timings(timings: dict[str, Any], nbytes: int) -> None:
    ref = timings.get("safetensors")
    rows = [
        [
            lib,
            fmt_time(tm.median),
            f"{nbytes / tm.median / 1e9:.2f}" if "mmap" not in lib else "-",
            fmt_ratio(ratio(ref.median if ref else None, tm.median)),
        ]
        for lib, tm in timings.items()
    ]
    print_table(["library", "time", "GB/s", "speed vs safetensors"], rows)


def bench_mmap_flat(
    config: Config, tmp: Path, sizes: tuple[int, ...]
) -> tuple[dict[str, Any], list[Target]]:
    heading("ct.load(path) (mapped) against the file size (median time per call)")
    cases: dict[str, Case] = {}
    for n in sizes:
        path = tmp / f"mmap_{n}.safetensors"
        ct.save(path, {"w": ct.zeros((n // 4,), dtype=ct.float32)})
        w = ct.load(path)["w"]
        _check(w.shape == (n // 4,) and w[-1].item() == 0.0, f"mapped load of {n} bytes")
        cases[fmt_bytes(n)] = Case(lambda p=path: ct.load(p))
    timings = compare(cases, config)
    smallest = timings[fmt_bytes(sizes[0])].median
    rows = [
        [label, fmt_time(tm.median), fmt_ratio(tm.median / smallest)]
        for label, tm in timings.items()
    ]
    print_table(["file size", "time", "vs smallest"], rows)
    growth = timings[fmt_bytes(sizes[-1])].median / smallest
    target = Target(
        name=f"mapped load: {fmt_bytes(sizes[-1])} file vs {fmt_bytes(sizes[0])} file",
        goal=f"flat: <= {MMAP_FLAT_MAX:g}x",
        measured=f"{fmt_ratio(growth)} ({', '.join(fmt_time(t.median) for t in timings.values())})",
        passed=growth <= MMAP_FLAT_MAX,
        value=growth,
    )
    for n in sizes:
        (tmp / f"mmap_{n}.safetensors").unlink()
    return {"sizes": list(sizes), **{k: t.as_dict() for k, t in timings.items()}}, [target]


def _header_file(path: Path, count: int) -> int:
    """Write a file of ``count`` empty float32 tensors (short names); its header size."""
    entry = {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]}
    text = json.dumps({f"{i:x}": entry for i in range(count)}, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(len(text).to_bytes(8, "little") + text)
    return len(text)


def bench_large_header(
    config: Config, st_numpy: Any, tmp: Path, count: int
) -> tuple[dict[str, Any], list[Target]]:
    path = tmp / "header.safetensors"
    header_bytes = _header_file(path, count)
    loaded = ct.load(path)
    _check(len(loaded) == count and loaded["0"].shape == (0,), "large header")
    del loaded
    heading(
        f"load a header of {count:,} empty tensors ({header_bytes / 1e6:.0f} MB; median of "
        "calls taken in turn)"
    )
    cases: dict[str, Any] = {"corten": lambda: ct.load(path)}
    if st_numpy is not None:
        cases["safetensors"] = lambda: st_numpy.load_file(path)
    repeat = 3 if config.quick else 5
    seconds: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):  # a few seconds a call: no autorange, one call per batch
        for name, fn in cases.items():
            start = time.perf_counter()
            result = fn()
            seconds[name].append(time.perf_counter() - start)
            del result
    timings = {
        name: Timing(statistics.median(ts), min(ts), 1, repeat) for name, ts in seconds.items()
    }
    tracemalloc.start()
    loaded = ct.load(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del loaded
    ref = timings.get("safetensors")
    rows = [
        [lib, fmt_time(tm.median), fmt_ratio(ratio(tm.median, ref.median if ref else None))]
        for lib, tm in timings.items()
    ]
    print_table(["library", "time", "time vs safetensors"], rows)
    print(f"corten's peak of traced memory: {peak / header_bytes:.1f} bytes per header byte")
    slower = ratio(timings["corten"].median, ref.median if ref else None)
    target = Target(
        name=f"load a {header_bytes / 1e6:.0f} MB header: corten time vs the safetensors package",
        goal=f"<= {HEADER_VS_PACKAGE_MAX:g}x",
        measured=(
            f"{fmt_ratio(slower)} ({fmt_time(timings['corten'].median)} vs {fmt_time(ref.median)})"
            if ref is not None and slower is not None
            else "safetensors not installed"
        ),
        passed=None if slower is None else slower <= HEADER_VS_PACKAGE_MAX,
        value=slower,
    )
    path.unlink()
    record = {
        "tensors": count,
        "header_bytes": header_bytes,
        "load": {lib: tm.as_dict() for lib, tm in timings.items()},
        "time_vs_safetensors": slower,
        "corten_peak_traced_bytes": peak,
    }
    return record, [target]


def run(config: Config) -> dict[str, Any]:
    """Run the serialization benchmarks; print tables and targets; return the results."""
    notes: list[str] = []
    st_numpy, why = optional_import("safetensors.numpy")
    if st_numpy is not None:
        import safetensors.numpy as st_numpy  # the submodule, not the package
    else:
        notes.append(f"safetensors columns skipped: {why}")
        print(f"note: {notes[-1]}")
    with tempfile.TemporaryDirectory(prefix="corten-bench-") as d:
        tmp = Path(d)
        wanted = QUICK_BYTES if config.quick else FULL_BYTES
        nbytes = _space_for(d, wanted, notes)
        sizes = tuple(s for s in (QUICK_MMAP_SIZES if config.quick else FULL_MMAP_SIZES))
        sizes = tuple(min(s, nbytes) for s in sizes)
        save_load, targets = bench_save_load(config, st_numpy, tmp, nbytes)
        mmap_record, mmap_targets = bench_mmap_flat(config, tmp, sizes)
        count = QUICK_HEADER_TENSORS if config.quick else FULL_HEADER_TENSORS
        header_record, header_targets = bench_large_header(config, st_numpy, tmp, count)
    targets += mmap_targets + header_targets
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "save_load": save_load,
        "mmap_load": mmap_record,
        "large_header": header_record,
        "targets": [t.as_dict() for t in targets],
        "notes": notes,
    }
