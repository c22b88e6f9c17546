"""The expected values the SQL and Python tests check, taken from the Calc
tests' single sources: every catalogue example (catalogue.json's
`example`/`example_result`), and the bad-input matrix's valid base calls and
conditions (tests/calc/test_bad_input.py) with the values of its independent
reference model (tests/oracles/reference.py).

Only what a typed caller can pass is kept: a single number for a
single-value argument, a column of numbers (None for a blank: SQL NULL,
NumPy NaN) for a range. Text, error cells and 2-D ranges have no SQL or
NumPy equivalent.

A case is (fn, args, want, label): args[i] is ("num", x), ("col", [x|None])
or None (omitted); want is a float, an error name, or reference.Unbounded."""
import json
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))

from calc import test_bad_input as matrix  # noqa: E402  PYTHONPATH: python/ and tests/ (set by ctest)
from oracles import clvmodels_reference, reference  # noqa: E402


def parse_call(example):
    """'=KPI.MQL2SQL(30; 120)' -> (name, [30.0, 120.0]) (the models' parser reads names without digits)."""
    head, body = example.split("(", 1)
    return head.lstrip("="), clvmodels_reference.parse_call("=X(" + body)[1]

BOUNDED = "bounded"  # a number >= 0 or #NUM! (reference.Unbounded)


def sql_name(fn):
    return fn["name"].removeprefix("KPI.").replace(".", "_").lower()


def is_aggregate(fn):
    # Mirrors postgres/sql_names.hpp's form(); the SQL script itself is the
    # proof (the tests fail when a function is missing or of the other form).
    required = [a for a in fn["args"] if not a["optional"]]
    ranges = [a for a in required if a["kind"] == "range"]
    return fn["shape"] == "cells" or (len(ranges) >= 2 and len(ranges) == len(required))


def offered(fn):
    return all(a["kind"] not in ("name", "column") for a in fn["args"])


def example_cases(catalogue):
    out = []
    for fn in filter(offered, catalogue):
        try:
            _, values = parse_call(fn["example"])
        except ValueError:
            continue  # text in the example (COHORT's customer ids): no typed SQL or NumPy call to compare
        args = [("col", v) if isinstance(v, list) else ("num", v) for v in values]
        args += [None] * (len(fn["args"]) - len(args))
        want = [float(x) for x in fn["example_result"].split("|")]
        out.append((fn, args, want, f"{fn['name']} example {fn['example']}"))
    return out


def _typed(info, cells):
    """A matrix condition's cells as a typed argument, or None if it has none."""
    if any(c[0] not in ("num", "blank") for row in cells for c in row):
        return None
    if len(cells) > 1 and any(len(row) > 1 for row in cells):
        return None  # 2-D
    flat = [c[1] if c[0] == "num" else None for row in cells for c in row]
    if info["kind"] == "range":
        return ("col", flat)
    if len(flat) == 1 and flat[0] is not None:
        return ("num", flat[0])
    return None


def matrix_cases(catalogue, typed=None):
    """The matrix's calls whose every argument `typed(info, cells)` can pass
    (None: it cannot). By default the typed forms above (_typed), keeping the
    rows SQL reads as Calc does; the Python module reads text and 2-D ranges
    too (tests/pykpi/test_conversion.py passes its own)."""
    sql = typed is None
    typed = typed or _typed
    base = dict(matrix.BASE)
    known = {}
    for fn in catalogue:  # as test_bad_input.main(): the models' examples are their base calls
        if fn["method"] not in base and fn["method"] in reference.RANGE:
            _, values = parse_call(fn["example"])
            base[fn["method"]] = [matrix.row(*v) if isinstance(v, list) else matrix.s(v) for v in values]
            known[fn["method"]] = float(fn["example_result"].split("|")[0])
    out = []
    for fn in filter(offered, catalogue):
        calls = []
        b = base[fn["method"]]
        cells = [x[1] for x in b] + [None] * (len(fn["args"]) - len(b))
        calls.append((cells, "valid call"))
        for i in range(len(fn["args"])):
            for name, cond in matrix.CONDITIONS.items():
                if isinstance(cond[1], str):
                    continue
                c = list(cells)
                c[i] = cond[1]
                calls.append((c, f"arg {i + 1} ({fn['args'][i]['name']}) = {name}"))
        for c, label in calls:
            args = [None if x is None else typed(info, x) for info, x in zip(fn["args"], c)]
            if any(a is None and x is not None for a, x in zip(args, c)):
                continue
            if sql and is_aggregate(fn) and not _rows_ok(fn, args):
                continue
            try:
                want = reference.expected(fn, c, catalogue)
            except LookupError:
                if label != "valid call":
                    continue
                want = known[fn["method"]]
            except reference.Unbounded:
                want = BOUNDED
            out.append((fn, args, [want] if not isinstance(want, list) else want, f"{fn['name']} {label}"))
    return out


def _rows_ok(fn, args):
    """Rows of a table read the same in SQL as cells in Calc: same length,
    and for several columns no blank (Calc reads a half-blank record as
    #VALUE!, SQL skips a row with a NULL); dates within SQL's range."""
    cols = [(info, a[1]) for info, a in zip(fn["args"], args) if a and a[0] == "col"]
    if len({len(v) for _, v in cols}) > 1:
        return False
    if len(cols) > 1 and any(x is None for _, v in cols for x in v):
        return False
    for info, v in cols:
        if info["name"].endswith("dates") and any(x is not None and abs(x) > 1e6 for x in v):
            return False
    return True


def all_cases(catalogue_path):
    catalogue = json.load(open(catalogue_path))
    return catalogue, example_cases(catalogue) + matrix_cases(catalogue)


def same(got, want, rel=1e-9):
    return math.isclose(got, want, rel_tol=rel, abs_tol=1e-12)


# The campaign dashboard template (examples/templates/campaign-dashboard-en.fods):
# its data rows (kpitools.templates.campaign_dashboard.campaign_rows) and the values its
# channel table stores for the KPI formulas (row 9 + channel index).
CAMPAIGN_KPIS = {"CPC": ("cost", "clicks"), "CPM": ("cost", "impressions"), "CTR": ("clicks", "impressions"),
                 "CPL": ("cost", "leads"), "CPA": ("cost", "customers"), "ROAS": ("revenue", "cost")}
# (The table's ROMI column, issue 24, takes the gross margin too: not a ratio of two sums.)
CAMPAIGN_COLUMNS = ("month", "channel", "cost", "impressions", "clicks", "leads", "customers", "revenue")


def campaign():
    """(rows, {(kpi, channel index): stored value})."""
    import re
    from kpitools.templates import campaign_dashboard
    text = open(os.path.join(HERE, "..", "..", "examples", "templates", "campaign-dashboard-en.fods")).read()
    stored = {}
    for kpi, row, value in re.findall(r'table:formula="of:=KPI\.(\w+)\(\[\.[A-Z](\d+)\];\[\.[A-Z]\d+\]\)"'
                                      r' office:value-type="float" office:value="([^"]+)"', text):
        if 9 <= int(row) <= 12:
            stored[(kpi, int(row) - 9)] = float(value)
    return campaign_dashboard.campaign_rows(), stored
