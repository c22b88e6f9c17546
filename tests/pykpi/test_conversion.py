"""How the module kpi reads its arguments (issue 27, item 13).

1. The reviewer's cases — segfaults, a SystemError, text read as numbers,
   NaT read as a date 25 million years back — each in a fresh interpreter,
   so that a crash fails its case instead of killing this runner; every
   expected value is worked out by hand below.
2. The bad-input matrix (tests/calc/test_bad_input.py) with what only Python
   can pass besides numbers: text cells, blanks as None, NaN or "", 2-D
   ranges; each against the matrix's independent reference model
   (tests/oracles/reference.py), which says what Calc shows for those cells.
3. The catalogue examples that hold text (KPI.COHORT's customer ids), which
   tests/pykpi/test_module.py cannot pass, against their hand-worked results.

Results are read from their bits (payloads.py), not through kpi.error.
Prints 'N passed, N failed'."""
import datetime
import itertools
import json
import math
import os
import re
import subprocess
import sys
import warnings

import numpy as np

from harness import Checker
from postgres import cases  # PYTHONPATH: the built module, python/ and tests/ (set by ctest)
import payloads
import kpi

warnings.simplefilter("ignore")  # SciPy's reference model warns on extreme inputs
catalogue_path = payloads.catalogue_path(sys.argv)
NAMES = payloads.error_names(catalogue_path)
PART = "--cells"  # runs parts 2 and 3 (in an interpreter of its own)
checker = Checker("matrix and examples" if PART in sys.argv else "pykpi.conversion")
check = checker.check


def serial(y, m, d):
    """A spreadsheet serial date, by Python's calendar."""
    return float((datetime.date(y, m, d) - datetime.date(1899, 12, 30)).days)


# --- 1. the reviewer's cases, each in its own interpreter --------------------
CHILD = """
import json, math, struct, sys
import numpy as np
import kpi
try:
    r = eval(sys.argv[1])
    out = {"shape": list(np.shape(r)), "bits": [struct.unpack("<Q", struct.pack("<d", float(v)))[0] for v in np.ravel(r)]}
except Exception as e:
    out = {"raised": type(e).__name__, "message": str(e)}
print(json.dumps(out))
"""


def run(expr):
    """('died', signal) | ('raised', name) | ('value', shape, [number or error name])."""
    p = subprocess.run([sys.executable, "-c", CHILD, expr], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return ("died", p.returncode, p.stderr.strip().splitlines()[-1:] or "")
    out = json.loads(p.stdout)
    if "raised" in out:
        return ("raised", out["raised"])
    values = [payloads.decode(payloads.from_bits(b), NAMES) for b in out["bits"]]
    return ("value", tuple(out["shape"]), values)


DAYS = 'np.array(["2026-01-05", "2026-02-10", "2026-01-20"], dtype="datetime64[D]")'
# Customer c1 buys on 5 and 20 January 2026, c2 on 10 February. Cohorts by the
# month of the first purchase: January {c1}: size 1, period 0 (January) 1;
# February {c2}: size 1, period 0 1. February is not over by the data's last
# date (10 February): no period 1 is shown (issue 24).
COHORT = [serial(2026, 1, 1), 1, 1, serial(2026, 2, 1), 1, 1]
REVIEWED = [
    # (expression, expected outcome, why)
    (f'kpi.cohort(np.array(["c1", "c2", "c1"]), {DAYS})', ("value", (2, 3), COHORT),
     "text customer ids (a str array), as KPI.COHORT reads them in Calc"),
    (f'kpi.cohort(np.array(["c1", "c2", "c1"], dtype=object), {DAYS})', ("value", (2, 3), COHORT),
     "text customer ids in an object array (a pandas column)"),
    (f'kpi.cohort([1, "1", 1], {DAYS})', ("value", (2, 3), COHORT),
     "a mixed list keeps its numbers: the number 1 and the text '1' are two customers, as two cells in Calc"),
    (f'kpi.cohort(np.array([b"c1", b"c2", b"c1"]), {DAYS})', ("value", (2, 3), COHORT), "bytes ids"),
    ("kpi.nps(np.array(['9', '10', 'x']))", ("value", (), ["#VALUE!"]), "text scores: #VALUE! as in Calc"),
    ("kpi.nps(np.array(['9', '10'], dtype=object))", ("value", (), ["#VALUE!"]),
     "scores stored as text in an object array: #VALUE!, not read as numbers"),
    ("kpi.nps(['10', '9'])", ("value", (), ["#VALUE!"]), "a list of numeric text: #VALUE!, not 100"),
    ("kpi.nps([10, 9, '', None, float('nan'), 3])", ("value", (), [100 / 3]),
     "blanks ('' as Calc passes a formula's \"\", None, NaN) are skipped: (2 - 1) / 3"),
    ("kpi.error('abc')", ("raised", "TypeError"), "kpi.error of a text: no result of the module"),
    ("kpi.error(np.array(['abc', 1.0], dtype=object))", ("raised", "TypeError"), "kpi.error of an object array with text"),
    ("kpi.cpl('abc', 3)", ("value", (), ["#VALUE!"]), "text where an amount belongs: #VALUE!, not SystemError"),
    ("kpi.cpl(b'abc', 3)", ("value", (), ["#VALUE!"]), "bytes where an amount belongs"),
    ("kpi.cpl(np.array([30000, 'x', None], dtype=object), 200)", ("value", (3,), [150.0, "#VALUE!", "#N/A"]),
     "a column with a text and a missing row: one error each, the other rows kept"),
    ("kpi.timetoclose(np.array(['2024-01-01', 'NaT'], dtype='datetime64[D]'),"
     " np.array(['2024-01-11', '2024-01-04'], dtype='datetime64[D]'))", ("value", (), [10.0]),
     "a NaT row is skipped as a NaN row is: 1 to 11 January, 10 days"),
    ("kpi.timetoclose(np.array(['2024-01-01T06:00', 'NaT'], dtype='datetime64[ns]'),"
     " np.array(['2024-01-11T18:00', '2024-01-04'], dtype='datetime64[ns]'))", ("value", (), [10.5]),
     "NaT in nanoseconds (pandas' unit): 10 days and 12 hours"),
    ("kpi.cpl(np.datetime64('NaT'), 1)", ("value", (), ["#N/A"]), "NaT as a single value is missing, as NaN"),
    ("kpi.cpl(1 + 2j, 1)", ("raised", "TypeError"), "a complex number is no cell (was its real part, with a warning)"),
    ("kpi.nps(np.frombuffer(b'\\xff\\xff\\xff\\xff', dtype='U1'))", ("raised", "ValueError"),
     "a str array holding no Unicode code point (NumPy's own conversion raises SystemError)"),
    ("kpi.funnel([[100, 50], [10, 5]])", ("value", (1, 1), ["#VALUE!"]),
     "a 2-D block: #VALUE! as in Calc, 2-D as SQL answers a float8[][] (issue 27, item 12)"),
    # Issue 27, item 12: a 2-D range keeps its shape. Stage 2 is 50 / 100, stage 3 25 / 50.
    ("kpi.funnel(np.array([[100.], [50.], [25.]]))", ("value", (3, 1), [1.0, 0.5, 0.5]),
     "a (3, 1) column of stages answers a (3, 1) column, as KPI.FUNNEL in Calc"),
    ("kpi.funnel(np.array([[100., 50., 25.]]))", ("value", (1, 3), [1.0, 0.5, 0.5]), "a (1, 3) row answers a row"),
    ("kpi.funnel([100, 50, 25])", ("value", (3,), [1.0, 0.5, 0.5]), "a 1-D array stays 1-D"),
    # Issue 27, item 11: bigint customer ids are compared exactly. 2**53 + 1 has no
    # double of its own (it read as 2**53): the two customers merged into one, first
    # seen on 1 January 2024 and again on 1 February. Two customers: January's cohort
    # {2**53 + 1} and February's {2**53}, size 1 each, period 0 bought; February is not
    # over by the last date (1 February): no period 1 is shown.
    ("kpi.cohort(np.array([2**53 + 1, 2**53], dtype=np.int64), np.array([45292., 45323.]))",
     ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]), "int64 ids beyond 2**53: two customers, not one"),
    ("kpi.cohort([2**53 + 1, 2**53], [45292., 45323.])", ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]),
     "a list of Python ints beyond 2**53"),
    ("kpi.cohort(np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64), np.array([45292., 45323.]))",
     ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]), "uint64 ids beyond 2**53"),
    ("kpi.cohort(np.array([-2**63, -2**63 + 1], dtype=object), np.array([45292., 45323.]))",
     ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]), "negative ids in an object array"),
    ("kpi.cohort([2**100 + 1, 2**100], [45292., 45323.])", ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]),
     "ints beyond 64 bits"),
    ("kpi.cohort([7, 7.0, '7'], [45292., 45293., 45323.])", ("value", (2, 3), [45292.0, 1, 1, 45323.0, 1, 1]),
     "small ints stay numbers: 7 and 7.0 one customer (as one number in Calc), the text '7' another"),
    # The revenue per customer of each cohort, cumulated, as of 29 February (45351):
    # January's {2**53 + 1}: 10 in January, still 10 by February; February's {2**53}:
    # 20; its period 1 (March) not reached, #N/A. (Merged: one row, 10 then 30.)
    ("kpi.cohort_revenue(np.array([2**53 + 1, 2**53], dtype=np.int64), np.array([45292., 45323.]), [10., 20.], 0, 45351)",
     ("value", (2, 4), [45292.0, 1, 10.0, 10.0, 45323.0, 1, 20.0, "#N/A"]), "COHORT.REVENUE's ids alike"),
    ("kpi.nps(np.zeros((2, 2, 2)))", ("raised", "ValueError"), "a range of three dimensions"),
    ("kpi.cpl(**{'\\udc80': 1})", ("raised", "TypeError"), "a keyword that is no argument name (a lone surrogate)"),
    ("kpi.cpl(1, 2, cost=3)", ("raised", "TypeError"), "an argument given twice (was the last one given)"),
    ("kpi.error(**{'\\udc80': 1})", ("raised", "TypeError"),
     "the same for kpi.error: pybind11's own binding aborted the process (found by fuzz_conversion.py)"),
    ("(lambda a: (a.__setitem__(0, a), kpi.nps(a))[1])(np.empty(1, dtype=object))", ("raised", "TypeError"),
     "an object array holding itself (NumPy's a != a recurses until the stack overflows)"),
]
if PART not in sys.argv:
    for expr, want, why in REVIEWED:
        got = run(expr)
        check(got == want, f"{expr} ({why}): got {got}, want {want}")
    # Parts 2 and 3 in an interpreter of their own too: a crash there fails the run, with its output.
    p = subprocess.run([sys.executable, __file__, catalogue_path, PART], capture_output=True, text=True)
    print(p.stdout, end="")
    counts = re.search(r"^matrix and examples: (\d+) passed, (\d+) failed$", p.stdout, re.M)
    check(p.returncode in (0, 1) and counts, f"the matrix and examples run ended with {p.returncode}: {p.stderr[-2000:]}")
    if counts:
        checker.passed += int(counts[1])
        checker.failures += ["(matrix and examples)"] * int(counts[2])
    sys.exit(checker.finish())

# --- 2. the bad-input matrix with text, blanks and 2-D ranges ----------------
blanks = itertools.cycle([None, math.nan, ""])
shapes = itertools.cycle([list, lambda rows: np.array(rows, dtype=object)])


def as_python(info, cells):
    """A condition's cells as the Python value holding the same cells, or
    None where Python has none: error cells; for a single-value argument,
    anything but one number or one text (a blank single value is missing
    (#N/A) by the module's convention, and an amount's range is summed in
    Calc where the module reads arrays row by row)."""
    if any(c[0] not in ("num", "blank", "text") for row in cells for c in row):
        return None
    if info["kind"] != "range":
        one = len(cells) == 1 and len(cells[0]) == 1 and cells[0][0][0] != "blank"
        return ("value", cells[0][0][1]) if one else None
    rows = [[next(blanks) if c[0] == "blank" else c[1] for c in row] for row in cells]
    if all(len(r) == 1 for r in rows):
        rows = [r[0] for r in rows]  # a column: a 1-D array
    return ("value", next(shapes)(rows))


def text_or_2d(v):
    return isinstance(v, str) or np.ndim(v) == 2 or (np.ndim(v) == 1 and any(isinstance(x, str) for x in v))


def results(got):
    return [payloads.decode(float(v), NAMES) for v in np.ravel(got)]


def matches(got, want):
    if want == cases.BOUNDED:
        return got == "#NUM!" or (not isinstance(got, str) and got >= 0)
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    return cases.same(got, want)


catalogue = json.load(open(catalogue_path))
rich = 0
for fn, args, want, label in cases.matrix_cases(catalogue, typed=as_python):
    given = [a[1] for a in itertools.takewhile(lambda a: a is not None, args)]
    rich += any(text_or_2d(v) for v in given)
    try:
        got = results(getattr(kpi, cases.sql_name(fn))(*given))
    except Exception as e:  # noqa: BLE001 — any exception is a failure of the case
        check(False, f"{label}: raised {type(e).__name__}: {e}")
        continue
    ok = len(got) >= len(want) and all(matches(g, w) for g, w in zip(got, want))
    check(ok, f"{label} with {given!r}: got {got}, want {want}")
check(rich > 100, f"the matrix gave {rich} calls with text or 2-D ranges: expected hundreds")

# --- 3. the catalogue examples holding text ----------------------------------


def example_args(example):
    """'=KPI.COHORT({"A";"B";"A"}; {45292;45300;45323})' -> [['A', 'B', 'A'], [45292.0, 45300.0, 45323.0]]:
    numbers, quoted text and one-column inline arrays ({a;b;c})."""
    body = example[example.index("(") + 1:example.rindex(")")]
    value = lambda t: t.strip()[1:-1] if t.strip().startswith('"') else float(t)  # noqa: E731
    return [[value(x) for x in part[1:-1].split(";")] if part.startswith("{") else value(part)
            for part in re.findall(r'\{[^}]*\}|"[^"]*"|[^;\s][^;]*', body)]


examples = 0
for fn in catalogue:
    if not cases.offered(fn) or '"' not in fn["example"]:
        continue
    examples += 1
    want = [float(x) for x in fn["example_result"].split("|")]
    got = results(getattr(kpi, cases.sql_name(fn))(*example_args(fn["example"])))
    check(got[:len(want)] == want, f"{fn['name']} example {fn['example']}: got {got}, want {want}")
check(examples >= 1, "the catalogue has an example with text (KPI.COHORT's customer ids)")
sys.exit(checker.finish())
