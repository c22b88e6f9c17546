#!/usr/bin/env bash
# Benchmark of the PostgreSQL extension on 10,000,000 rows (not a test; a few
# minutes): writes its section of docs/benchmark.md. Needs a build (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
PYTHONPATH="$PWD/python:$PWD/tests:$PWD/$BUILD_DIR/python" KPI_CATALOGUE_JSON="$PWD/$BUILD_DIR/generated/catalogue.json" \
  nice -n 10 /usr/bin/python3 tests/postgres/bench_pg.py /usr/lib/postgresql/15/bin "$BUILD_DIR" docs/benchmark.md
