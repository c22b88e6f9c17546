#!/usr/bin/env bash
# Benchmarks of the PostgreSQL extension (not tests; a few minutes each),
# each writing its section of docs/benchmark.md: on one server, 10,000,000
# rows (tests/postgres/bench_pg.py, also the PostgreSQL table of
# docs/guide/performance.md); on a coordinator and three shard servers,
# the two-phase aggregates (tests/postgres/bench_sharded.py). `bench_pg.sh
# single` or `bench_pg.sh sharded` runs one of them. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
WHICH=${1:-all}
export PYTHONPATH="$PWD/python:$PWD/tests:$PWD/$BUILD_DIR/python" KPI_CATALOGUE_JSON="$PWD/$BUILD_DIR/generated/catalogue.json"
if [ "$WHICH" = all ] || [ "$WHICH" = single ]; then
  nice -n 10 /usr/bin/python3 tests/postgres/bench_pg.py /usr/lib/postgresql/15/bin "$BUILD_DIR" docs/benchmark.md \
    docs/guide/performance.md
fi
if [ "$WHICH" = all ] || [ "$WHICH" = sharded ]; then
  nice -n 10 /usr/bin/python3 tests/postgres/bench_sharded.py /usr/lib/postgresql/15/bin "$BUILD_DIR" docs/benchmark.md
fi
# The README's performance table reads the PostgreSQL figures from docs/benchmark.md.
/usr/bin/python3 -m kpitools.bench.summary --benchmark docs/benchmark.md --readme README.md
