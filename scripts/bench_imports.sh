#!/usr/bin/env bash
# Pasting an export into the campaign dashboard (issue 13, item 5): times, in headless Calc with the
# built extension, a synthetic Google Ads export of 1,000 and 9,990 rows put into its import sheet,
# and writes the table into docs/benchmark.md between the imports markers.
# usage: [OXT=path.oxt] scripts/bench_imports.sh [--sizes 1000,9990] [--repeat 3]   (after scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
oxt=${OXT:-$(ls "$PWD"/build/kpi-functions-*.oxt)}
PYTHONPATH="$PWD/python" /usr/bin/python3 bench/imports_paste.py --oxt "$oxt" --out docs/benchmark.md \
    --workdir "$PWD/build/bench-work" "$@"
