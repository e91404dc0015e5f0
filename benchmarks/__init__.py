"""corten's benchmarks: corten side by side with NumPy and PyTorch, in one process.

Run ``python -m benchmarks`` from the repository root (``make bench``), or
``python -m benchmarks --quick`` for a shorter run. Each ``bench_*`` module in this
package is one benchmark; results go to ``benchmarks/results/<name>.json``. Timings are
never asserted anywhere: targets are reported as PASS or MISS, for information.
"""
