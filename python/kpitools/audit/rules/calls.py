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


class PercentTypedWhole(Rule):
    """A fraction of one (a margin, a retention or a discount rate) typed as
    a whole percentage: above 1, the function gives #NUM!.

    Mistake: `=KPI.CLVRET(100;0.8;10)` for a 10 % discount rate (before
    issue 24 it gave 7.84 instead of 266.67); `=KPI.ROMI(50000;B2;10000)`
    with 40 in B2 for a 40 % margin.
    Fix: type 10 % as 0.1 or 10%: `=KPI.CLVRET(100;0.8;10%)`.
    """
    id, severity = "percent-typed-whole", "warning"
    cases = [("discount rate typed 10", {"A1": "CLV", "A2": ("=KPI.CLVRET(100;0.8;10)", "#NUM!")},
              [("A2", "kpi-error", "warning"), ("A2", "percent-typed-whole", "warning")]),
             ("margin typed 40 in a cell", {"A1": "ROMI", "B2": 40, "A2": ("=KPI.ROMI(50000;B2;10000)", "#NUM!")},
              [("A2", "kpi-error", "warning"), ("A2", "percent-typed-whole", "warning")]),
             ("typed as a fraction", {"A1": "CLV", "A2": ("=KPI.CLVRET(100;0.8;0.1)", 80 / 0.3)}, [])]


class CountNotWhole(Rule):
    """A count of visitors or conversions that is not a whole number, in an
    A/B test function: a rate was typed in place of a count.

    Mistake: `=KPI.ABPVALUE(0.03;1;0.018;1)`, conversion rates typed as
    counts out of 1 visitor (it gave 0.956 before issue 24, now #NUM!).
    Fix: the counts themselves, `=KPI.ABPVALUE(30;1000;18;1000)`.
    """
    id, severity = "count-not-whole", "warning"
    cases = [("rates typed as counts", {"A1": "p-value", "A2": ("=KPI.ABPVALUE(0.03;1;0.018;1)", "#NUM!")},
              [("A2", "kpi-error", "warning"), ("A2", "count-not-whole", "warning")]),
             ("counts", {"A1": "Lift", "A2": ("=KPI.LIFT(30;1000;18;1000)", 2 / 3)}, [])]


class RoiOnRevenue(Rule):
    """A KPI.ROI whose return is a revenue column: revenue ÷ spend − 1 is
    ROAS − 1, not a return on investment (Farris et al., ch. 10: ROI is net
    profit over investment).

    Mistake: `=KPI.ROI(B2;C2)` with B2 under "Revenue": 20,000 of revenue for
    5,000 of spend shows 300 %, ROAS 4 − 1.
    Fix: the margin the campaign brought as the return,
    `=KPI.ROMI(B2;margin;C2)`, or `=KPI.ROAS(B2;C2)` if ROAS was meant.
    """
    id, severity = "roi-on-revenue", "warning"
    cases = [("revenue as the return", {"B1": "Revenue", "C1": "Cost", "B2": 20000, "C2": 5000,
                                        "D1": "ROI", "D2": ("=KPI.ROI(B2;C2)", 3.0)},
              [("D2", "roi-on-revenue", "warning")]),
             ("margin as the return", {"B1": "Gross margin", "C1": "Cost", "B2": 8000, "C2": 5000,
                                       "D1": "ROI", "D2": ("=KPI.ROI(B2;C2)", 0.6)}, [])]


RULES = [RevenueBasedValue, LargeRangeCall, PercentTypedWhole, CountNotWhole, RoiOnRevenue]

# Arguments that are fractions of one by nature, and the functions whose
# arguments are all counts of people (texts.toml, the domains: "type 10 % as
# 0.1 or 10%"; "whole numbers").
FRACTIONS = {"gross_margin", "retention_rate", "discount_rate"}
COUNTS = {"KPI.LIFT", "KPI.ABPVALUE"}


def single_value(audit, sheet, node):
    """The number a one-cell or literal argument holds, or None."""
    got = audit.operand(sheet, node)
    if not got or len(got[1]) != 1 or got[1][0][0] != "value":
        return None
    return got[1][0][1]


def _revenue_label(audit, sheet, node):
    """The revenue header of a reference argument ("Revenue", "Sales"), or None.
    "Return" itself is not taken as revenue here: it is the argument's name."""
    node = strip_parens(node)
    if node is None or node.kind != "ref":
        return None
    s = audit.sheet_of(sheet, node)
    for text, _d in s.labels(node.r1, node.c1):
        if audit.labels.input_kind(text) == "revenue" and text.strip().lower() not in ("return", "returns"):
            return text
    return None


def check_kpi_cell(audit, cell):
    if cell.entry is None:
        return False
    params = cell.entry["args"]
    # The gross margin left out (not CLVRET's first_margin_now flag, which also says "margin").
    omitted = [p["name"] for p in params[len(cell.args):] if p["optional"] and p["name"] == "gross_margin"]
    if omitted and cell.now[0] == "value":
        RevenueBasedValue.report(audit, cell.sheet, cell.r, cell.c,
                                 T("revenue_based", name=cell.name, arg=omitted[0]),
                                 T("revenue_based_fix", arg=omitted[0]))
    # One finding per cell and rule: the first argument typed wrongly.
    percent = count = False
    for node, p in zip(cell.args, params):
        if p["name"] in FRACTIONS and not percent:
            v = single_value(audit, cell.sheet, node)
            if v is not None and v > 1:
                percent = True
                PercentTypedWhole.report(audit, cell.sheet, cell.r, cell.c,
                                         T("percent_typed", name=cell.name, arg=p["name"], value=v),
                                         T("percent_typed_fix"))
        if cell.name in COUNTS and not count:
            v = single_value(audit, cell.sheet, node)
            if v is not None and v != int(v):
                count = True
                CountNotWhole.report(audit, cell.sheet, cell.r, cell.c,
                                     T("count_not_whole", name=cell.name, arg=p["name"], value=v),
                                     T("count_not_whole_fix"))
    if cell.name == "KPI.ROI" and cell.args:
        label = _revenue_label(audit, cell.sheet, cell.args[0])
        if label:
            RoiOnRevenue.report(audit, cell.sheet, cell.r, cell.c, T("roi_on_revenue", label=label),
                                T("roi_on_revenue_fix"))
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
