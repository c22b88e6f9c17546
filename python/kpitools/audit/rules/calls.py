"""How a KPI function is called: what an omitted argument means, and the
faster form for very large ranges."""
from kpitools.audit.formula import strip_parens
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import Count, T

# Above this many cells in one summed argument, Calc copying the range into
# the call costs far more than the KPI itself (docs/benchmark.md: 116 ms for
# two 200,000-cell ranges, against 0.7 ms with SUM inside the call).
LARGE_RANGE = 50_000


class RevenueBasedValue(Rule):
    """A KPI.CLV or KPI.PAYBACK without its gross margin: the figure is based
    on revenue, not on margin.

    Mistake: `=KPI.CLV(80;4;3)` read as a customer's value: 960 is revenue;
    with a 30 % margin the value is 288 (a payback without the margin is
    likewise too short).
    Fix: give the margin as the last argument, `=KPI.CLV(80;4;3;30%)`, or
    label the cell as revenue-based.
    """
    id, severity = "revenue-based-value", "info"
    cases = [("CLV without margin", {"A1": "CLV", "A2": ("=KPI.CLV(80;4;3)", 960.0)},
              [("A2", "revenue-based-value", "info")]),
             ("CLV with margin", {"A1": "CLV", "A2": ("=KPI.CLV(80;4;3;0.3)", 288.0)}, []),
             ("payback without margin", {"A1": "Payback", "A2": ("=KPI.PAYBACK(300;50)", 6.0)},
              [("A2", "revenue-based-value", "info")])]


class LargeRangeCall(Rule):
    """A KPI over a very large range (above 50,000 cells in one argument):
    Calc copies the range into the call, which is slow on big sheets.

    Mistake: `=KPI.CPL(B2:B200001;C2:C200001)`, 150 times slower than
    `=SUM(B2:B200001)/SUM(C2:C200001)`.
    Fix: `=KPI.CPL(SUM(B2:B200001);SUM(C2:C200001))`: same value at native
    speed (text cells are then ignored, as SUM ignores them, instead of
    giving #VALUE!).
    """
    id, severity = "large-range-call", "info"
    cases = [("200,000 rows", {"A1": "CPL", "A2": ("=KPI.CPL(B2:B200001;C2:C200001)", "#DIV/0!")},
              [("A2", "kpi-error", "warning"), ("A2", "large-range-call", "info")]),
             ("summed first", {"A1": "CPL", "A2": ("=KPI.CPL(SUM(B2:B200001);SUM(C2:C200001))", "#DIV/0!")},
              [("A2", "kpi-error", "warning")])]


RULES = [RevenueBasedValue, LargeRangeCall]


def check_kpi_cell(audit, cell):
    if cell.entry is None:
        return False
    params = cell.entry["args"]
    omitted = [p["name"] for p in params[len(cell.args):] if p["optional"] and "margin" in p["name"]]
    if omitted and cell.now[0] == "value":
        RevenueBasedValue.report(audit, cell.sheet, cell.r, cell.c,
                                 T("revenue_based", name=cell.name, arg=omitted[0]),
                                 T("revenue_based_fix", arg=omitted[0]))
    for node, p in zip(cell.args, params):
        a = strip_parens(node)
        if p["kind"] == "amount" and a.kind == "ref":
            cells = (a.r2 - a.r1 + 1) * (a.c2 - a.c1 + 1)
            if cells > LARGE_RANGE:
                text = audit.src[a.start:a.end]
                LargeRangeCall.report(audit, cell.sheet, cell.r, cell.c,
                                      T("large_range", name=cell.name, cells=Count(cells), arg=p["name"], text=text),
                                      T("large_range_fix", text=text), cells=cells)
                break
    return False
