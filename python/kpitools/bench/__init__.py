"""The benchmarks in real Calc (not tests), run by scripts/bench.sh, each
writing its own section of docs/benchmark.md:

  calc.py       the KPI functions against native formulas (per row, KPI.MAP, aggregates)
  audit.py      kpi-audit on the generated workbooks of auditbook.py (1.1M cells), the code
                before the bulk reading against now, timed with proctree.py
  argtypes.py   the UNO argument types Calc hands long numeric columns over fastest
  report.py     the marked sections of docs/benchmark.md and the guide's tables, and the notes under them

The model fits against SciPy and the models in Calc are bench/fits_vs_scipy.py
and bench/models_in_calc.py (they need NumPy and SciPy); bench/profile_in_calc.py
splits soffice's samples by library (perf).
"""
