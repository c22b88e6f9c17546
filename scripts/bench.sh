#!/usr/bin/env bash
# The benchmark (not a test): builds the benchmark variant of the extension
# (with the empty method KPI.NOOP) in build-bench/, runs the core
# micro-benchmarks, then measures recalculation in real headless Calc and
# writes the table to docs/benchmark.md (shown in the README).
# usage: scripts/bench.sh [--sizes 10000,100000,1000000] [--repeat 3]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKPI_BENCHMARK=ON -DKPI_CALC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target oxt core_bench
build-bench/bench/core_bench --benchmark_min_time=0.2 | tee build-bench/core_bench.txt
oxt=$(ls "$PWD"/build-bench/kpi-functions-*.oxt)
PYTHONPATH="$PWD/python" /usr/bin/python3 -m kpitools.bench --oxt "$oxt" --out docs/benchmark.md --readme README.md \
    --workdir "$PWD/build-bench" "$@"
# The model fits against SciPy (appends its own section to docs/benchmark.md).
scripts/bench_fits.sh
# Pasting an export into the campaign dashboard (its own section too).
OXT="$oxt" scripts/bench_imports.sh
