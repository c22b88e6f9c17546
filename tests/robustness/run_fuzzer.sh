#!/usr/bin/env bash
# Runs one libFuzzer harness for a bounded time; fails on any finding (a
# crash, a sanitizer report, a timeout or an out-of-memory).
# usage: run_fuzzer.sh FUZZER SEED_DIR WORK_DIR [SECONDS]
# The duration is KPI_FUZZ_SECONDS from the environment if set (for a long
# run: KPI_FUZZ_SECONDS=3600 ctest -R fuzz), else SECONDS.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
seconds=${KPI_FUZZ_SECONDS:-${4:-60}}
mkdir -p "$work/corpus" "$work/artifacts"
# The repository's seeds are read, never written: new inputs go to WORK_DIR.
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
          -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds"
