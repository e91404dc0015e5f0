"""A short tour of corten: O(1) clones, frozen and mutable views, reductions, dtype errors,
fused pipelines, devices and transfers, files and zero-copy exchange.

Run it with ``make demo`` (or ``.venv/bin/python examples/tour.py``). Every value printed
below is computed while the tour runs; nothing is hard-coded.
"""

from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable

import numpy as np

import corten as ct


def per_call_seconds(fn: Callable[[], object], number: int, repeat: int = 5) -> float:
    """The median over ``repeat`` batches of the mean time of one call to ``fn``."""
    batches = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        batches.append((time.perf_counter() - start) / number)
    return statistics.median(batches)


def fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    print(f"corten {ct.__version__} | numpy {np.__version__} | Python {platform.python_version()}")

    # An image-sized tensor: 480 x 640 RGB, uint8, from a deterministic gradient pattern.
    h, w = 480, 640
    yy, xx = np.mgrid[0:h, 0:w]
    pattern = np.stack([xx * 255 // (w - 1), yy * 255 // (h - 1), (xx + yy) % 256], axis=-1)
    pixels = pattern.astype(np.uint8)
    # ct.tensor copies, so corten owns the memory. (ct.from_numpy would share it with NumPy,
    # and memory that corten cannot watch makes clones copy eagerly.)
    img = ct.tensor(pixels)
    section("an image-sized tensor")
    print(f"shape {img.shape}, dtype {img.dtype.name}, {img.nbytes} bytes")
    print(f"device: {img.device}")

    section("clone() is O(1): copy-on-write")
    t_clone = per_call_seconds(img.clone, number=20_000)
    t_copy = per_call_seconds(pixels.copy, number=200)
    print(f"corten img.clone():    {fmt_time(t_clone)} per call")
    print(f"numpy  pixels.copy():  {fmt_time(t_copy)} per call")
    print(f"clone is {t_copy / t_clone:.0f}x faster than the copy")
    copy = img.clone()
    before = ct.cow_stats()
    copy.fill_(0)  # the first write copies the shared buffer for the writer only
    after = ct.cow_stats()
    copies, nbytes = after["copies"] - before["copies"], after["bytes"] - before["bytes"]
    print(f"first write to the clone copied {copies} buffer(s) of {nbytes} bytes (ct.cow_stats)")
    print(f"original unchanged by the clone's write: {img.array_equal(ct.tensor(pixels))}")

    section("a frozen view keeps what it saw")
    t = img.clone()
    row0 = t[0]  # frozen view of row 0 (zero-copy)
    snapshot = ct.tensor(pixels[0])  # an independent copy of the same row, for comparison
    t[0] = 255  # write the owner: it copies itself away, the view keeps the old pixels
    print(f"view type: {type(row0).__name__}")
    print(f"frozen view unchanged after owner write: {row0.array_equal(snapshot)}")
    print(f"owner row 0 is now all 255: {(t[0] == 255).all().item()}")

    section("a mutable view writes through to its owner")
    band = t.view_mut()[10:20]  # rows 10..19, a TensorViewMut sharing t's storage
    band.fill_(7)
    print(f"view type: {type(band).__name__}")
    print(f"owner sees writes through view_mut: {t[10:20].array_equal(band)}")
    total, expected = t[10:20].sum().item(), 7 * band.numel
    print(f"owner rows 10..19 sum: {total}, 7 x {band.numel} elements: {total == expected}")
    print(f"rows outside the band untouched: {t[20:].array_equal(ct.tensor(pixels[20:]))}")

    section("reductions")
    mean = img.astype(ct.float32).mean().item()
    np_mean = float(pixels.mean(dtype=np.float64))
    print(f"mean brightness: {mean:.4f} (numpy: {np_mean:.4f}, agree: {np.isclose(mean, np_mean)})")
    per_channel = img.astype(ct.float32).mean(axis=(0, 1))
    print(f"mean per channel (R, G, B): {[round(v, 2) for v in per_channel.tolist()]}")

    section("dtypes promote within a kind only")
    as_float = img.astype(ct.float32)
    try:
        _ = img + as_float
    except ct.DTypeError as exc:
        print("uint8 tensor + float32 tensor raised DTypeError: True")
        print(f"  is a TypeError too: {isinstance(exc, TypeError)}")
        print(f"  message: {exc}")
    else:
        print("uint8 tensor + float32 tensor raised DTypeError: False")

    section("a fused parallel pipeline (one pass, all cores)")
    x = ct.tensor(np.random.default_rng(0).random(4_000_000, dtype=np.float32))
    a = x.numpy()
    fused = x.par_iter().map(lambda v: v * 2.0 - 1.0).map(lambda v: v * v).sum()
    want = float(np.square(a.astype(np.float64) * 2.0 - 1.0).sum())
    agree = abs(fused - want) < 1e-6 * want
    print(f"sum of (2x - 1)^2 over 4M float32: agrees with float64 numpy: {agree}")
    t_fused = per_call_seconds(
        lambda: x.par_iter().map(lambda v: v * 2.0 - 1.0).map(lambda v: v * v).sum(), number=10
    )
    t_numpy = per_call_seconds(lambda: np.square(a * 2.0 - 1.0).sum(), number=10)
    threads = ct.get_num_threads()
    print(f"corten fused: {fmt_time(t_fused)}, numpy three passes: {fmt_time(t_numpy)}", end="")
    print(f" ({threads} threads)")

    section("devices: explicit transfers, the sim accelerator")
    cuda_note = "available" if ct.cuda.is_available() else "not available here"
    print(f"cuda: {cuda_note}; sim (a NumPy-backed device with CUDA's rules) stands in")
    before = ct.memory_stats(ct.sim)["allocated"]
    g = img.to(ct.sim)
    bright = (g.astype(ct.float32) * 1.5).mean(axis=2)
    in_use = ct.memory_stats(ct.sim)["allocated"] - before
    print(f"on {bright.device}: {bright.shape}, sim memory in use: {in_use} bytes")
    try:
        bright.tolist()
    except ct.DeviceMismatchError:
        print("host read of device memory without to_cpu() raised DeviceMismatchError: True")
    back = bright.to_cpu()
    on_cpu = (img.astype(ct.float32) * 1.5).mean(axis=2)
    print(f"to_cpu() matches the cpu result: {back.allclose(on_cpu)}")
    del g, bright
    baseline = ct.memory_stats(ct.sim)["allocated"] == before
    print(f"sim memory back to its baseline after del: {baseline}")

    section("files and zero-copy exchange")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "image.safetensors")
        ct.save(path, {"image": img}, metadata={"source": "tour"})
        start = time.perf_counter()
        loaded = ct.load(path)  # memory-mapped: no copy
        t_load = time.perf_counter() - start
        size, equal = os.path.getsize(path), loaded["image"].array_equal(img)
        print(f"saved and mapped back {size} bytes in {fmt_time(t_load)}: equal {equal}")
        del loaded
    shared = np.from_dlpack(img.view())
    same, readonly = np.shares_memory(shared, img.numpy()), not shared.flags.writeable
    print(f"np.from_dlpack of a frozen view shares memory: {same}, read-only: {readonly}")


if __name__ == "__main__":
    main()
