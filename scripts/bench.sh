#!/usr/bin/env bash
# The benchmarks (not tests), side by side in one run; each writes its own
# section of docs/benchmark.md (kpitools/bench/report.py) and leaves the
# others (the PostgreSQL one: scripts/bench_pg.sh):
#   calc    the KPI functions against native formulas in Calc: per row,
#           KPI.MAP, the aggregates KPI.CPL(B;C), KPI.CPL(SUM(B);SUM(C)),
#           SUM/SUM (kpitools/bench/calc.py; also the table of docs/guide/performance.md)
#   fits    KPI.BGNBD.FIT / KPI.GG.FIT in the core against SciPy (bench/fits_vs_scipy.py)
#   models  the same fits in Calc against SciPy; KPI.MAP over the models
#           against per-row formulas (bench/models_in_calc.py)
#   audit   kpi-audit on a generated 1.1M-cell workbook and on small files,
#           the code before the compact workbook model against now, and
#           beside each generated workbook LibreOffice's own load of it, the
#           peak memory as a multiple of that (kpitools/bench/audit.py)
#   imports pasting a 10,000-row export into the campaign dashboard (scripts/bench_imports.sh)
#   portable  kpi-portable against LibreOffice's own conversion of the same
#           file at 2,000, 20,000 and 200,000 KPI rows (kpitools/bench/portable.py)
#   pyelementwise  the Python module's elementwise functions against the NumPy
#           or SciPy expression for the same values: 10,000,000 rows, the
#           models on 1,000,000 customers (kpitools/bench/pyelementwise.py;
#           also a table of docs/guide/performance.md)
#   glue    a call through the binary-UNO glue against the C++ UNO glue it
#           replaced (kpitools/bench/glue.py): scalar calls and two
#           100,000-row ranges, each glue in its own soffice, alternated
#   argtypes  which UNO argument type Calc hands two numeric columns over
#           fastest: empty methods taking sequence<sequence<double>>,
#           sequence<sequence<any>> and any, in turn, 10k/100k/1M rows
#           (kpitools/bench/argtypes.py; also a table of docs/guide/performance.md)
# Builds the benchmark variant of the extension (with the empty method
# KPI.NOOP) in build-bench/ and runs the core micro-benchmarks first. About
# 20-30 minutes on 2 cores.
# usage: scripts/bench.sh [--only calc|fits|models|audit|imports|portable|glue|argtypes|pyelementwise] [--sizes 10000,100000,1000000] [--repeat 3]
#   (--sizes and --repeat: the calc part's)
#   AUDIT_BEFORE=<commit> (default 23227db): the code before the compact workbook model, for the audit's "before"
#   GLUE_BEFORE=<commit> (default ffd6c5e): the last commit with the C++ UNO glue, for the glue's "before"
set -euo pipefail
cd "$(dirname "$0")/.."
only=""
if [ "${1:-}" = "--only" ]; then only=$2; shift 2; fi
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
scripts/setup.sh
# Linux x86-64 only: the benchmarks run here, the other platforms' libraries are not needed.
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKPI_BENCHMARK=ON -DKPI_CALC_TESTS=OFF -DKPI_CROSS_AARCH64=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target oxt core_bench fits_driver kpi_py
oxt=$(ls "$PWD"/build-bench/kpi-functions-*.oxt)
export PYTHONPATH="$PWD/python"
if want calc; then
  build-bench/bench/core_bench --benchmark_min_time=0.2 | tee build-bench/core_bench.txt
  /usr/bin/python3 -m kpitools.bench.calc --oxt "$oxt" --out docs/benchmark.md --readme docs/guide/performance.md \
      --workdir "$PWD/build-bench" "$@"
fi
if want fits; then
  scripts/bench_fits.sh
fi
if want models; then
  /usr/bin/python3 bench/models_in_calc.py --oxt "$oxt" --driver "$PWD/build-bench/bench/fits_driver" \
      --workdir "$PWD/build-bench" --out docs/benchmark.md --readme docs/guide/performance.md
fi
if want audit; then
  # The audit's code before the compact workbook model (issue 26 item 6), from git, beside the code now.
  before="$PWD/build-bench/audit-before"
  rm -rf "$before"
  old=()
  if mkdir -p "$before" && git archive "${AUDIT_BEFORE:-23227db}" python | tar -x -C "$before"; then
    old=(--old "$before/python")
  else
    echo "bench.sh: ${AUDIT_BEFORE:-23227db} not found: the audit is measured without its 'before'" >&2
  fi
  # That code on the 1.1M-cell workbook too (a minute): the memory before and now.
  if [ ${#old[@]} -gt 0 ]; then old+=(--old-big); fi
  /usr/bin/python3 -m kpitools.bench.audit --oxt "$oxt" --catalogue "$PWD/build-bench/generated/catalogue.json" \
      --build-python "$PWD/build-bench/python" --new "$PWD/python" "${old[@]}" --workdir "$PWD/build-bench" \
      --old-note "the code before the compact workbook model (${AUDIT_BEFORE:-23227db}; issue 26 item 6)" --out docs/benchmark.md
fi
# Pasting an export into the campaign dashboard (issue 13: its own section too).
if want imports; then
  OXT="$oxt" scripts/bench_imports.sh
fi
# kpi-portable's time against the rows (issue 26, item 1).
if want portable; then
  /usr/bin/python3 -m kpitools.bench.portable --oxt "$oxt" --catalogue "$PWD/build-bench/generated/catalogue.json" \
      --workdir "$PWD/build-bench" --out docs/benchmark.md
fi
# The argument types Calc converts fastest (issue 26, item 5).
if want argtypes; then
  /usr/bin/python3 -m kpitools.bench.argtypes --oxt "$oxt" --out docs/benchmark.md \
      --readme docs/guide/performance.md --workdir "$PWD/build-bench"
fi

# The Python module's elementwise functions against NumPy and SciPy (issue 26, item 2).
if want pyelementwise; then
  PYTHONPATH="$PWD/python:$PWD/build-bench/python" /usr/bin/python3 -m kpitools.bench.pyelementwise \
      --out docs/benchmark.md --guide docs/guide/performance.md
fi
# The glue (issue 22): the C++ UNO glue's benchmark build from git, beside now's.
if want glue; then
  before="$PWD/build-bench/glue-before"
  rm -rf "$before"
  mkdir -p "$before/src"
  git archive "${GLUE_BEFORE:-ffd6c5e}" | tar -x -C "$before/src"
  cmake -S "$before/src" -B "$before/build" -DCMAKE_BUILD_TYPE=Release -DKPI_BENCHMARK=ON -DKPI_CALC_TESTS=OFF >/dev/null
  cmake --build "$before/build" -j"$(nproc)" --target oxt
  /usr/bin/python3 -m kpitools.bench.glue --before "$(ls "$before"/build/kpi-functions-*.oxt)" --now "$oxt" \
      --workdir "$PWD/build-bench" --out docs/benchmark.md
fi

# The README's performance table: one figure per workload, read from what was just written.
/usr/bin/python3 -m kpitools.bench.summary --benchmark docs/benchmark.md --readme README.md
