#!/usr/bin/env bash
# The GPU verification run (docs/gpu-verification.md records each one).
#
# On a machine with an NVIDIA GPU, from the repository root, with numpy, numba,
# numba-cuda, cuda-core, cuda-bindings, NVRTC, pytest and hypothesis installed (the
# corten checkout itself needs no install: PYTHONPATH=src). Writes everything it
# measured under ${OUT:-gpu-run}/: the GPU's description, the suite's summary, the
# device benchmark's results. About 5 minutes on an H100.
set -u
out="${OUT:-gpu-run}"
mkdir -p "$out"
export PYTHONPATH=src
{ date -u; git rev-parse HEAD 2>/dev/null; nvidia-smi -q | grep -E "Product Name|Product Architecture|Bus Id|Driver Version|CUDA Version|Form Factor|Max Link|Current Link"; } \
    >"$out/machine.txt" 2>&1
python3 -c "import corten as ct; print('cuda:', ct.backends.backend_status(ct.cuda))" | tee -a "$out/machine.txt"
# 1. The CUDA tests first (they stop early on the first failure), 2. the whole suite.
python3 -m pytest -q -p no:cacheprovider -x -m "not typing" \
    tests/test_cuda_api_conformance.py tests/test_cuda_backend.py tests/test_device_contract.py \
    tests/test_device_ops.py tests/test_interop_cuda.py tests/test_par_iter_cuda.py \
    2>&1 | tail -40 >"$out/cuda-tests.txt"
python3 -m pytest -q -p no:cacheprovider -m "not typing" -ra 2>&1 | tail -80 >"$out/suite.txt"
# 3. The GPU benchmarks, side by side with PyTorch and CuPy.
python3 -m benchmarks --only devices --results-dir "$out" >"$out/bench-devices.txt" 2>&1
tail -n 3 "$out/cuda-tests.txt" "$out/suite.txt"; grep -E "PASS|MISS|SKIP" "$out/bench-devices.txt"
