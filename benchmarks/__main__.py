"""Run the benchmarks: ``python -m benchmarks [--quick] [--only NAME ...]``.

Every ``bench_*`` module of this package runs in turn, in this one process, so corten,
NumPy and PyTorch are measured side by side on the same machine. Each module's results
go to ``benchmarks/results/<NAME>.json``. The exit status is 0 whatever the targets say
(they are informational); it is non-zero only when a benchmark itself fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import time
from pathlib import Path
from types import ModuleType

import benchmarks
from benchmarks._harness import (
    RESULTS_DIR,
    Config,
    command_line,
    git_commit,
    git_dirty,
    machine_info,
    now_iso,
    print_machine,
    write_results,
)


def discover() -> list[ModuleType]:
    """The benchmark modules (``bench_*``), in name order."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_")
    )
    return [importlib.import_module(f"benchmarks.{name}") for name in names]


def main(argv: list[str] | None = None) -> int:
    modules = discover()
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and sizes: about a minute"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[m.NAME for m in modules],
        metavar="NAME",
        help=f"run only these benchmarks (of: {', '.join(m.NAME for m in modules)})",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        default=RESULTS_DIR,
        help="where to write <NAME>.json (default: benchmarks/results)",
    )
    args = parser.parse_args(argv)
    config = Config(quick=args.quick)

    info = machine_info()
    commit, dirty, started = git_commit(), git_dirty(), now_iso()
    print(f"# corten benchmarks ({'quick' if config.quick else 'full'} run)\n")
    print_machine(info)
    for module in modules:
        if args.only and module.NAME not in args.only:
            continue
        print(f"\n# {module.NAME}")
        start = time.perf_counter()
        results = module.run(config)
        elapsed = time.perf_counter() - start
        payload = {
            "benchmark": module.NAME,
            "timestamp": now_iso(),
            "mode": "quick" if config.quick else "full",
            "command": command_line(),
            "run_started": started,
            "commit": commit,
            "commit_dirty": dirty,
            "elapsed_s": round(elapsed, 2),
            "load_avg_1min_after": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "machine": info,
            **results,
        }
        path = write_results(module.NAME, payload, args.results_dir)
        print(f"\n{module.NAME}: {elapsed:.1f} s; results in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
