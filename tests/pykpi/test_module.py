"""The Python module kpi against the values Calc is tested with (every
catalogue example, the bad-input matrix's typed cases and its reference
model: tests/postgres/cases.py), exact error kinds included; then NumPy
elementwise calls and the documented conventions. Prints 'N passed, N failed'."""
import math
import sys
import warnings

import numpy as np

from postgres import cases  # PYTHONPATH: the built module, python/ and tests/ (set by ctest)
import kpi

warnings.simplefilter("ignore")  # SciPy's reference model warns on extreme inputs
passed, failed = 0, []


def check(ok, label):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(label)


def call(fn, args):
    py = []
    for a in args:
        if a is None:
            break  # omitted optional arguments are the trailing ones
        py.append(a[1] if a[0] == "num" else np.array([math.nan if x is None else x for x in a[1]]))
    return getattr(kpi, cases.sql_name(fn))(*py)


def matches(got, want):
    if isinstance(want, str) and want == cases.BOUNDED:
        return kpi.error(got) == "#NUM!" or (kpi.error(got) is None and got >= 0)
    if isinstance(want, str):
        return kpi.error(got) == want
    return kpi.error(got) is None and cases.same(got, want)


catalogue, all_cases = cases.all_cases(sys.argv[1])
offered = [cases.sql_name(f) for f in catalogue if cases.offered(f)]
check(sorted(kpi.FUNCTIONS) == sorted(offered), f"kpi.FUNCTIONS lists every offered catalogue function: {kpi.FUNCTIONS}")
for fn, args, want, label in all_cases:
    got = call(fn, args)
    values = list(np.ravel(got))  # a table (KPI.RFM) row by row, as example_result lists it
    ok = all(matches(g, w) for g, w in zip(values, want)) and (len(values) >= len(want))
    check(ok, f"{label}: got {values} ({[kpi.error(v) for v in values]}), want {want}")

# Elementwise: one call on columns gives each row's value (the example and
# its three matrix neighbours computed independently above).
cost, leads = np.array([30000.0, 1000.0, 5.0, 7.0]), np.array([200.0, 0.0, -1.0, math.nan])
got = kpi.cpl(cost, leads)
check(got.shape == (4,) and got[0] == 150.0, f"kpi.cpl on columns: {got}")
check(list(kpi.error(got)) == [None, "#DIV/0!", "#NUM!", "#N/A"], f"kpi.cpl errors per row: {kpi.error(got)}")
check(kpi.cpl(np.array([100.0, 300.0]), 50.0).tolist() == [2.0, 6.0], "a number broadcasts against a column")
# The blank rule (issue 24): a missing value (NaN) for an optional argument is
# the argument left out (75 x 4 x 3 = 900; 400 / 50 = 8); for a required one
# #N/A, unless a blank means none there (NRR: (1000 - 100) / 1000).
nan = math.nan
check(kpi.clv(75, 4, 3, nan) == 900 and kpi.payback(400, 50, nan) == 8, "an optional NaN is left out")
check(kpi.error(kpi.growth(nan, 1000)) == "#N/A" and kpi.error(kpi.romi(50000, nan, 10000)) == "#N/A",
      "a required NaN is #N/A")
check(cases.same(kpi.nrr(1000, nan, nan, 100), 0.9), "NRR's expansion and contraction left blank are none")
check(kpi.error(kpi.npscount(nan, nan, nan)) == "#DIV/0!", "NPS of no answers is #DIV/0!")
# A range read whole: NaN is a blank cell, skipped (10, 9, 3 -> (2 - 1) / 3).
check(cases.same(kpi.nps([10, math.nan, 9, 3]), 100 / 3), "kpi.nps skips NaN")
# Dates as NumPy datetime64: 10 and 1 days, mean 5.5.
d0 = np.array(["2024-01-01", "2024-01-03"], dtype="datetime64[D]")
d1 = np.array(["2024-01-11", "2024-01-04"], dtype="datetime64[D]")
check(kpi.timetoclose(d0, d1) == 5.5 and kpi.timetoclose(d0, d1, 1) == 5.5, "kpi.timetoclose on datetime64")

# kpi.cohort: the table KPI.COHORT gives in Calc, worked by hand (tests/postgres/test_extension.py's
# check_cohort has the same purchases): January's cohort {1, 2}: 2, then 1, 0.5 (March, unfinished on
# 15 March, is not shown); February's {3}: 1, then 1 and an empty period (NaN with #N/A). Complete to
# 31 March (as_of 46112): January's March 0, February's March 1. Column 1: 2026-01-01 = 46023.
days = np.array(["2026-01-05", "2026-02-10", "2026-01-20", "2026-02-03", "2026-03-15"], dtype="datetime64[D]")
table = kpi.cohort(np.array([1.0, 1, 2, 3, 3]), days)
check(table.shape == (2, 4) and table[0].tolist() == [46023, 2, 1, 0.5] and table[1, :3].tolist() == [46054, 1, 1]
      and kpi.error(table)[1, 3] == "#N/A", f"kpi.cohort: the hand-worked table, got {table}")
table = kpi.cohort(np.array([1.0, 1, 2, 3, 3]), days, 0, 46112)
check(table.shape == (2, 5) and table[0].tolist() == [46023, 2, 1, 0.5, 0] and table[1, :4].tolist() == [46054, 1, 1, 1]
      and kpi.error(table)[1, 4] == "#N/A", f"kpi.cohort with as_of: the hand-worked table, got {table}")
# The campaign template's channel table from its data, one call per KPI on
# the per-channel sums (pandas-free: NumPy's bincount is the GROUP BY).
rows, stored = cases.campaign()
data = np.array(rows, dtype=float)
col = {c: np.bincount(data[:, 1].astype(int), weights=data[:, i]) for i, c in enumerate(cases.CAMPAIGN_COLUMNS)}
for k, (a, b) in cases.CAMPAIGN_KPIS.items():
    got = getattr(kpi, k.lower())(col[a], col[b])
    check(all(cases.same(got[ch], stored[(k, ch)], 1e-12) for ch in range(4)), f"campaign template {k}: {got}")
# Keywords by the catalogue's argument names; wrong calls raise TypeError.
check(kpi.clv(75, 4, 3, gross_margin=0.3) == 270.0, "keyword argument")
for bad in (lambda: kpi.cpl(1, 2, 3), lambda: kpi.cpl(1), lambda: kpi.cpl(1, leads=2, margin=3)):
    try:
        bad()
        check(False, "a wrong call raises TypeError")
    except TypeError:
        check(True, "")

for f in failed[:30]:
    print("FAIL", f)
print(f"{passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
