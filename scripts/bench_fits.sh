#!/usr/bin/env bash
# The model fits against SciPy (issue 17.1): builds build-bench/bench/fits_driver
# (Release), simulates 10k/100k/500k customers with a fixed seed, times the
# core's KPI.BGNBD.FIT / KPI.GG.FIT and SciPy's BFGS side by side, and writes
# its section of docs/benchmark.md (the others are left as they are).
# scripts/bench.sh runs it, then the same fits in Calc (bench/models_in_calc.py).
# usage: scripts/bench_fits.sh [--sizes 10000,100000,500000] [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKPI_BENCHMARK=ON -DKPI_CALC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target fits_driver
PYTHONPATH="$PWD/python" /usr/bin/python3 bench/fits_vs_scipy.py --driver "$PWD/build-bench/bench/fits_driver" \
    --out docs/benchmark.md "$@"
