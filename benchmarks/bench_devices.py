"""Device benchmarks: transfers, fills and strided copies, with the physical limit.

What runs depends on the machine:

- Always: the host's memory bandwidth, measured by a plain NumPy copy (the physical
  limit of every CPU-side figure); ``fill_`` of 64 MiB against NumPy's ``fill`` and
  PyTorch's ``fill_``; ``contiguous()`` of ``permute(2, 0, 1)`` of a 2160 x 3840 x 3 uint8
  image against NumPy and PyTorch; and host-to-``sim`` / ``sim``-to-host copies from
  pageable and pinned memory as a fraction of the memcpy bandwidth (the ``sim`` device is
  host memory: this is the cost of corten's transfer machinery, not of a bus).
- With a CUDA GPU and corten's CUDA backend, side by side in this process:
  host-to-device and device-to-host bandwidth (pinned and pageable, 64 MiB to 1 GiB;
  64 MiB only with ``--quick``) against PyTorch and CuPy; device-to-device copies and
  ``fill_`` against CuPy; ``contiguous()`` of the permuted image against CuPy. Every
  timed statement ends with a synchronization of its library's device, so a figure is
  the time until the work has finished. Without a GPU (or without corten's CUDA
  backend) these targets report SKIP with the reason. This part has not yet run on a
  GPU.

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
    optional_import,
    optional_torch,
    print_table,
    print_targets,
)
from corten.backends import backend_status, get_backend

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
    gpu: dict[str, Any] = {"available": cuda_reason is None, "reason": cuda_reason}
    if cuda_reason is None:
        cupy, why = optional_import("cupy")
        if why is not None:
            notes.append(f"cupy columns skipped: {why}")
            print(f"note: {notes[-1]}")
        torch_cuda = torch if torch is not None and torch.cuda.is_available() else None
        if torch is not None and torch_cuda is None:
            notes.append("torch columns of the GPU benchmarks skipped: torch sees no GPU")
        gpu |= bench_cuda(config, torch_cuda, cupy)
        targets += cuda_targets(gpu)
    else:
        for name, goal in GPU_TARGETS:
            targets.append(
                Target(name=name, goal=goal, measured=f"not run: {cuda_reason}", passed=None)
            )
    heading("targets (informational: a MISS does not fail the run)")
    print_targets(targets)
    return {
        "memcpy": memcpy,
        "fill": fill,
        "contiguous": contiguous,
        "sim_transfers": sim,
        "cuda": gpu,
        "notes": notes,
        "targets": [t.as_dict() for t in targets],
    }


# ----------------------------------------------------------------------------- GPU

GPU_TARGETS: tuple[tuple[str, str], ...] = (
    ("pinned host->device bandwidth vs torch", ">= 90% of torch's"),
    ("pinned device->host bandwidth vs torch", ">= 90% of torch's"),
    ("device copy vs cupy", ">= 90% of cupy's"),
    ("device fill vs cupy", ">= 90% of cupy's"),
)


def _syncs(torch: Any, cupy: Any) -> dict[str, Any]:
    """Each library's device synchronization, for the timed statements."""
    out: dict[str, Any] = {"ct": ct}
    if torch is not None:
        out["torch"] = torch
    if cupy is not None:
        out["cupy"] = cupy
    return out


def _gbps_rows(timings: dict[str, Any], nbytes: int, base: str | None) -> list[list[str]]:
    rows = []
    for name, t in timings.items():
        ref = timings.get(base) if base else None
        rows.append(
            [
                name,
                fmt_time(t.median),
                f"{nbytes / t.median / 1e9:.2f}",
                fmt_ratio(ref.median / t.median) if ref is not None else "-",
            ]
        )
    return rows


def bench_cuda_transfers(
    config: Config, torch: Any, cupy: Any, nbytes: int
) -> list[dict[str, Any]]:
    """Host<->device copies of ``nbytes``: pageable and pinned, corten / torch / cupy."""
    heading(f"host <-> cuda transfers of {fmt_bytes(nbytes)} (pageable and pinned)")
    g = _syncs(torch, cupy)
    host = np.ones(nbytes, dtype=np.uint8)
    x = ct.from_numpy(host)
    xp = x.pin_memory()
    d = x.to(ct.cuda)
    _check(d[nbytes - 1].to_cpu().item() == 1, "host->cuda copy lost data")
    back = d.to_cpu(non_blocking=True)
    _check(back[nbytes - 1].item() == 1, "cuda->host copy lost data")
    g |= {"x": x, "xp": xp, "d": d}
    cases: dict[str, dict[str, Case]] = {
        "h2d pageable": {"corten": Case("x.to(ct.cuda); ct.cuda.synchronize()", g)},
        "h2d pinned": {
            "corten": Case("xp.to(ct.cuda, non_blocking=True); ct.cuda.synchronize()", g)
        },
        "d2h pageable": {"corten": Case("d.to_cpu()", g)},
        "d2h pinned": {
            # lands in pinned memory; reading one element waits for the copy
            "corten": Case("d.to_cpu(non_blocking=True)[0].item()", g)
        },
    }
    if torch is not None:
        th = torch.from_numpy(host)
        g |= {
            "th": th,
            "thp": th.pin_memory(),
            "td": th.to("cuda"),
        }
        cases["h2d pageable"]["torch"] = Case("th.to('cuda'); torch.cuda.synchronize()", g)
        cases["h2d pinned"]["torch"] = Case(
            "thp.to('cuda', non_blocking=True); torch.cuda.synchronize()", g
        )
        cases["d2h pageable"]["torch"] = Case("td.cpu()", g)
        cases["d2h pinned"]["torch"] = Case(
            "td.to('cpu', non_blocking=True); torch.cuda.synchronize()", g
        )
    if cupy is not None:
        mem = cupy.cuda.alloc_pinned_memory(nbytes)
        pinned = np.frombuffer(mem, dtype=np.uint8, count=nbytes)
        pinned[:] = 1
        g |= {
            "host": host,
            "cpinned": pinned,
            "cd": cupy.asarray(host),
            "cdst": cupy.empty(nbytes, dtype=cupy.uint8),
        }
        sync = "cupy.cuda.Device().synchronize()"
        cases["h2d pageable"]["cupy"] = Case(f"cupy.asarray(host); {sync}", g)
        cases["h2d pinned"]["cupy"] = Case(f"cdst.set(cpinned); {sync}", g)
        cases["d2h pageable"]["cupy"] = Case("cd.get()", g)
        cases["d2h pinned"]["cupy"] = Case(f"cd.get(out=cpinned); {sync}", g)
    records = []
    for direction, group in cases.items():
        timings = compare(group, config)
        base = "torch" if "torch" in timings else "cupy" if "cupy" in timings else None
        print(f"{direction}:")
        print_table(
            ["library", "time", "GB/s", f"speed vs {base}" if base else "-"],
            _gbps_rows(timings, nbytes, base),
        )
        for lib, t in timings.items():
            records.append(
                {
                    "case": direction,
                    "library": lib,
                    "bytes": nbytes,
                    **t.as_dict(),
                    "gbps": nbytes / t.median / 1e9,
                }
            )
    return records


def bench_cuda_device(config: Config, cupy: Any, nbytes: int) -> dict[str, Any]:
    """Device-to-device copy and fill of ``nbytes`` float32, corten vs cupy."""
    heading(f"cuda copy and fill_ of {fmt_bytes(nbytes)} float32 on the device")
    n = nbytes // 4
    g = _syncs(None, cupy)
    src = ct.ones(n, dtype=ct.float32, device=ct.cuda)
    dst = ct.zeros(n, dtype=ct.float32, device=ct.cuda)
    dst.copy_(src)
    _check(dst[n - 1].to_cpu().item() == 1.0, "device copy_ did not copy")
    dst.fill_(2.5)
    _check(dst[n - 1].to_cpu().item() == 2.5, "device fill_ did not fill")
    g |= {"src": src, "dst": dst}
    copy_cases = {"corten": Case("dst.copy_(src); ct.cuda.synchronize()", g)}
    fill_cases = {"corten": Case("dst.fill_(2.5); ct.cuda.synchronize()", g)}
    if cupy is not None:
        sync = "cupy.cuda.Device().synchronize()"
        g |= {"csrc": cupy.ones(n, dtype=cupy.float32), "cdst": cupy.zeros(n, dtype=cupy.float32)}
        copy_cases["cupy"] = Case(f"cupy.copyto(cdst, csrc); {sync}", g)
        fill_cases["cupy"] = Case(f"cdst.fill(2.5); {sync}", g)
    out: dict[str, Any] = {"bytes": nbytes}
    for what, group, moved in (("copy", copy_cases, 2 * nbytes), ("fill", fill_cases, nbytes)):
        timings = compare(group, config)
        base = "cupy" if "cupy" in timings else None
        print(f"{what} (GB/s counts bytes read + written):")
        print_table(
            ["library", "time", "GB/s", "speed vs cupy" if base else "-"],
            _gbps_rows(timings, moved, base),
        )
        out[what] = {lib: t.as_dict() for lib, t in timings.items()}
        if base:
            out[what]["cupy_over_corten"] = timings["cupy"].median / timings["corten"].median
    return out


def bench_cuda_contiguous(config: Config, cupy: Any) -> dict[str, Any]:
    h, w, c = IMAGE_SHAPE
    nbytes = h * w * c
    heading(f"cuda contiguous() of permute(2, 0, 1) of a {h} x {w} x {c} uint8 image")
    a = np.random.default_rng(0).integers(0, 256, size=IMAGE_SHAPE, dtype=np.uint8)
    x = ct.tensor(a).to(ct.cuda)
    out = x.permute(2, 0, 1).contiguous().to_cpu()
    _check(np.array_equal(out.numpy(), a.transpose(2, 0, 1)), "cuda contiguous() differs")
    g = _syncs(None, cupy) | {"x": x}
    cases = {"corten": Case("x.permute(2, 0, 1).contiguous(); ct.cuda.synchronize()", g)}
    if cupy is not None:
        g["ca"] = cupy.asarray(a)
        cases["cupy"] = Case(
            "cupy.ascontiguousarray(ca.transpose(2, 0, 1)); cupy.cuda.Device().synchronize()", g
        )
    timings = compare(cases, config)
    base = "cupy" if "cupy" in timings else None
    print_table(
        ["library", "time", "GB/s (read+write)", "speed vs cupy" if base else "-"],
        _gbps_rows(timings, 2 * nbytes, base),
    )
    result: dict[str, Any] = {"shape": list(IMAGE_SHAPE), "bytes": nbytes}
    result |= {lib: t.as_dict() for lib, t in timings.items()}
    if base:
        result["cupy_over_corten"] = timings["cupy"].median / timings["corten"].median
    return result


def bench_cuda(config: Config, torch: Any, cupy: Any) -> dict[str, Any]:
    """Every GPU benchmark; ``torch`` / ``cupy`` are None where unavailable."""
    sizes = [64 << 20] if config.quick else [64 << 20, 256 << 20, 1 << 30]
    transfers = []
    for nbytes in sizes:
        transfers += bench_cuda_transfers(config, torch, cupy, nbytes)
    device = bench_cuda_device(config, cupy, 256 << 20 if not config.quick else 64 << 20)
    contiguous = bench_cuda_contiguous(config, cupy)
    return {
        "gpu": _gpu_name(),
        "transfers": transfers,
        "device": device,
        "contiguous": contiguous,
    }


def _gpu_name() -> str:
    backend: Any = get_backend(ct.cuda)
    return str(backend.driver.device_name(0))


def _ratio_target(name: str, goal: str, value: float | None, why: str) -> Target:
    if value is None:
        return Target(name=name, goal=goal, measured=f"not measured: {why}", passed=None)
    return Target(name=name, goal=goal, measured=fmt_ratio(value), passed=value >= 0.9, value=value)


def cuda_targets(gpu: dict[str, Any]) -> list[Target]:
    """The GPU targets from :func:`bench_cuda`'s results (at the largest size measured)."""
    by: dict[tuple[str, str], dict[str, Any]] = {}
    largest = max(r["bytes"] for r in gpu["transfers"])
    for r in gpu["transfers"]:
        if r["bytes"] == largest:
            by[(r["case"], r["library"])] = r

    def vs(case: str, lib: str) -> float | None:
        mine, theirs = by.get((case, "corten")), by.get((case, lib))
        return None if mine is None or theirs is None else theirs["median"] / mine["median"]

    device = gpu["device"]
    (h2d, goal_t), (d2h, _), (copy, goal_c), (fill, _) = GPU_TARGETS
    return [
        _ratio_target(h2d, goal_t, vs("h2d pinned", "torch"), "torch with CUDA missing"),
        _ratio_target(d2h, goal_t, vs("d2h pinned", "torch"), "torch with CUDA missing"),
        _ratio_target(copy, goal_c, device["copy"].get("cupy_over_corten"), "cupy missing"),
        _ratio_target(fill, goal_c, device["fill"].get("cupy_over_corten"), "cupy missing"),
    ]
