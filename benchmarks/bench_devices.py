"""Device benchmarks: transfers, fills and strided copies, with the physical limit.

What runs depends on the machine:

- Always: the host's memory bandwidth, measured by a plain NumPy copy (the physical
  limit of every CPU-side figure); ``fill_`` of 64 MiB against NumPy's ``fill`` and
  PyTorch's ``fill_``; ``contiguous()`` of ``permute(2, 0, 1)`` of a 2160 x 3840 x 3 uint8
  image against NumPy and PyTorch; and host-to-``sim`` / ``sim``-to-host copies from
  pageable and pinned memory as a fraction of the memcpy bandwidth (the ``sim`` device is
  host memory: this is the cost of corten's transfer machinery, not of a bus).
- With a CUDA GPU and corten's CUDA backend: host-to-device and device-to-host
  bandwidth (pinned and pageable, 64 MiB to 1 GiB) against PyTorch and CuPy, device
  copies and fills against CuPy. In this version corten has no CUDA kernels, so these
  targets report SKIP with the reason.

Targets print PASS, MISS or SKIP; none fails the run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import corten as ct
from benchmarks._harness import (
    Case,
    Config,
    Target,
    compare,
    fmt_bytes,
    fmt_ratio,
    fmt_time,
    heading,
    optional_torch,
    print_table,
    print_targets,
)
from corten.backends import backend_status

NAME = "devices"

IMAGE_SHAPE = (2160, 3840, 3)


def _check(ok: bool, message: str) -> None:
    if not ok:
        raise RuntimeError(f"benchmark sanity check failed: {message}")


def bench_memcpy(config: Config, nbytes: int) -> dict[str, Any]:
    heading(f"host memory bandwidth: numpy copy of {fmt_bytes(nbytes)} (the physical limit)")
    src = np.ones(nbytes, dtype=np.uint8)
    dst = np.empty_like(src)
    t = compare({"numpy copyto": Case("np.copyto(d, s)", {"np": np, "d": dst, "s": src})}, config)
    sec = t["numpy copyto"].median
    gbps = 2 * nbytes / sec / 1e9
    print(
        f"{fmt_time(sec)} per copy: {gbps:.2f} GB/s read+write ({nbytes / sec / 1e9:.2f} GB/s copied)"
    )
    return {"bytes": nbytes, "seconds": sec, "copy_gbps": nbytes / sec / 1e9, "rw_gbps": gbps}


def bench_fill(config: Config, torch: Any, nbytes: int) -> dict[str, Any]:
    n = nbytes // 4
    heading(f"fill_ of {fmt_bytes(nbytes)} float32 on the CPU")
    x = ct.zeros(n, dtype=ct.float32)
    x.fill_(1.5)
    _check(x[n - 1].item() == 1.5, "fill_ did not fill")
    a = np.zeros(n, dtype=np.float32)
    cases = {
        "corten": Case("x.fill_(2.5)", {"x": x}),
        "numpy": Case("a.fill(2.5)", {"a": a}),
    }
    if torch is not None:
        cases["torch"] = Case("t.fill_(2.5)", {"t": torch.zeros(n, dtype=torch.float32)})
    timings = compare(cases, config)
    t_np = timings["numpy"].median
    rows = [
        [lib, fmt_time(t.median), f"{nbytes / t.median / 1e9:.2f}", fmt_ratio(t_np / t.median)]
        for lib, t in timings.items()
    ]
    print_table(["library", "time", "GB/s written", "speed vs numpy"], rows)
    return (
        {"bytes": nbytes}
        | {lib: t.as_dict() for lib, t in timings.items()}
        | {"numpy_over_corten": t_np / timings["corten"].median}
    )


def bench_contiguous(config: Config, torch: Any) -> dict[str, Any]:
    h, w, c = IMAGE_SHAPE
    nbytes = h * w * c
    heading(f"contiguous() of permute(2, 0, 1) of a {h} x {w} x {c} uint8 image on the CPU")
    a = np.random.default_rng(0).integers(0, 256, size=IMAGE_SHAPE, dtype=np.uint8)
    x = ct.tensor(a)
    out = x.permute(2, 0, 1).contiguous()
    _check(np.array_equal(np.asarray(out), a.transpose(2, 0, 1)), "contiguous() differs")
    cases = {
        "corten": Case("x.permute(2, 0, 1).contiguous()", {"x": x}),
        "numpy": Case("np.ascontiguousarray(a.transpose(2, 0, 1))", {"np": np, "a": a}),
    }
    if torch is not None:
        cases["torch"] = Case("t.permute(2, 0, 1).contiguous()", {"t": torch.from_numpy(a)})
    timings = compare(cases, config)
    t_np = timings["numpy"].median
    rows = [
        [lib, fmt_time(t.median), f"{2 * nbytes / t.median / 1e9:.2f}", fmt_ratio(t_np / t.median)]
        for lib, t in timings.items()
    ]
    print_table(["library", "time", "GB/s (read+write)", "speed vs numpy"], rows)
    return (
        {"shape": list(IMAGE_SHAPE), "bytes": nbytes}
        | {lib: t.as_dict() for lib, t in timings.items()}
        | {"numpy_over_corten": t_np / timings["corten"].median}
    )


def bench_sim_transfers(config: Config, nbytes: int, memcpy_gbps: float) -> list[dict[str, Any]]:
    heading(f"transfers between the host and sim of {fmt_bytes(nbytes)} (fraction of memcpy)")
    n = nbytes // 4
    pageable = ct.ones(n, dtype=ct.float32)
    pinned = pageable.pin_memory(ct.sim)
    on_sim = pageable.to(ct.sim)
    _check(on_sim.to_cpu()[n - 1].item() == 1.0, "round trip through sim lost data")
    cases = {
        "host->sim pageable": Case("x.to(ct.sim)", {"x": pageable, "ct": ct}),
        "host->sim pinned, non_blocking": Case(
            "x.to(ct.sim, non_blocking=True); ct.sim.synchronize()", {"x": pinned, "ct": ct}
        ),
        "sim->host": Case("d.to_cpu()", {"d": on_sim}),
        "sim->host non_blocking (+ wait)": Case("d.to_cpu(non_blocking=True).sum()", {"d": on_sim}),
    }
    timings = compare(cases, config)
    rows = []
    records = []
    for name, t in timings.items():
        gbps = nbytes / t.median / 1e9
        rows.append([name, fmt_time(t.median), f"{gbps:.2f}", fmt_ratio(gbps / memcpy_gbps)])
        records.append(
            {
                "case": name,
                "bytes": nbytes,
                **t.as_dict(),
                "gbps": gbps,
                "of_memcpy": gbps / memcpy_gbps,
            }
        )
    print_table(["copy", "time", "GB/s", "of memcpy"], rows)
    print("(sim memory is host memory: each copy allocates its destination and copies once)")
    return records


def run(config: Config) -> dict[str, Any]:
    """Run the device benchmarks; print tables and targets; return the results."""
    torch, notes = optional_torch()
    big = (64 << 20) if config.quick else (256 << 20)
    memcpy = bench_memcpy(config, big)
    fill = bench_fill(config, torch, 64 << 20)
    contiguous = bench_contiguous(config, torch)
    sim = bench_sim_transfers(config, 64 << 20, memcpy["copy_gbps"])

    cuda_reason = backend_status(ct.cuda)
    targets = [
        Target(
            name="fill_ 64 MiB float32 (CPU) vs numpy",
            goal=">= 0.9x numpy's speed",
            measured=fmt_ratio(fill["numpy_over_corten"]),
            passed=fill["numpy_over_corten"] >= 0.9,
            value=fill["numpy_over_corten"],
        ),
        Target(
            name="contiguous() 2160x3840x3 CHW (CPU) vs numpy",
            goal=">= 0.9x numpy's speed",
            measured=fmt_ratio(contiguous["numpy_over_corten"]),
            passed=contiguous["numpy_over_corten"] >= 0.9,
            value=contiguous["numpy_over_corten"],
        ),
    ]
    for name, goal in (
        ("pinned host->device bandwidth vs torch", ">= 90% of torch's"),
        ("pinned device->host bandwidth vs torch", ">= 90% of torch's"),
        ("device copy vs cupy", ">= 90% of cupy's"),
        ("device fill vs cupy", ">= 90% of cupy's"),
    ):
        targets.append(
            Target(
                name=name,
                goal=goal,
                measured=f"not run: {cuda_reason}" if cuda_reason else "not measured",
                passed=None,
            )
        )
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "memcpy": memcpy,
        "fill": fill,
        "contiguous": contiguous,
        "sim_transfers": sim,
        "cuda": {"available": cuda_reason is None, "reason": cuda_reason},
        "notes": notes,
        "targets": [t.as_dict() for t in targets],
    }
