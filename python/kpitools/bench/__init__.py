"""The benchmarks in real Calc (not tests), run by scripts/bench.sh:

  calc.py      the KPI functions against native formulas (per row, KPI.MAP, aggregates)
  models.py    KPI.BGNBD.FIT in Calc against SciPy; KPI.MAP over the models against per-row formulas
  audit.py     kpi-audit on a generated 1.1M-cell workbook (auditbook.py), old code against new
  report.py    each writer replaces only its own marked section of docs/benchmark.md
"""
