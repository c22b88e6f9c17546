"""Hand-written gains: ROI and growth, (a − b) / b, and their usual mistakes."""
from kpitools.audit.formula import strip_parens
from kpitools.audit.rules.base import Rule, sum_values
from kpitools.audit.rules.handwritten import compare
from kpitools.audit.texts import T


class RoiInverted(Rule):
    """ROI computed as investment ÷ profit (or ÷ return).

    Mistake: `=B2/C2` under "ROI" with B2 the cost and C2 the profit.
    Fix: `=KPI.ROI(C2+B2;B2)`: ROI = (return − investment) / investment.
    """
    id, severity = "roi-inverted", "error"
    cases = [("investment ÷ profit", {"B1": "Cost", "C1": "Profit", "D1": "ROI", "B2": 10000, "C2": 5000,
                                      "D2": ("=B2/C2", 2.0)}, [("D2", "roi-inverted", "error")])]


class GrowthInverted(Rule):
    """Growth computed as previous ÷ (current − previous).

    Mistake: `=C2/(B2-C2)` under "Growth".
    Fix: `=KPI.GROWTH(B2;C2)` = (current − previous) / previous.
    """
    id, severity = "growth-inverted", "error"
    cases = [("upside down", {"B1": "This year", "C1": "Last year", "D1": "Growth", "B2": 1200, "C2": 1000,
                              "D2": ("=C2/(B2-C2)", 5.0)}, [("D2", "growth-inverted", "error")])]


class RoiIsRoas(Rule):
    """ROI computed as revenue ÷ investment, which is ROAS (ROI + 1).

    Mistake: `=B2/C2` under "ROI" with B2 the revenue and C2 the cost: 1.5
    for a 50 % ROI.
    Fix: `=KPI.ROI(B2;C2)`, or `=KPI.ROAS(B2;C2)` if ROAS was meant.
    """
    id, severity = "roi-is-roas", "error"
    cases = [("revenue ÷ cost", {"B1": "Revenue", "C1": "Cost", "D1": "ROI", "B2": 15000, "C2": 10000,
                                 "D2": ("=B2/C2", 1.5)}, [("D2", "roi-is-roas", "error")])]


RULES = [RoiInverted, GrowthInverted, RoiIsRoas]
INVERTED = {"ROI": RoiInverted, "GROWTH": GrowthInverted}


def check_gain(audit, h):
    sheet, kpi, name, b = h.sheet, h.kpi, h.name, h.body

    def check(x, y, fix, kind, named=None):
        """KPI.<name>(x; y) against the hand-written value."""
        audit.kpi_call(name, x, y, then=lambda expected: compare(audit, h, expected, fix, kind, named=named))
    # =(A-B)/B
    if b.kind == "bin" and b.op == "/":
        top, bottom = strip_parens(b.a), strip_parens(b.b)
        if top.kind == "bin" and top.op == "-" and audit.same_ref(top.b, bottom):
            x, y = audit.operand(sheet, top.a), audit.operand(sheet, bottom)
            if x and y:
                check(x[1], y[1], f"={name}({x[0]};{y[0]})", "(a−b)/b")
            return
        # =B/(A-B): investment ÷ profit
        if bottom.kind == "bin" and bottom.op == "-" and audit.same_ref(bottom.b, top):
            x, y = audit.operand(sheet, bottom.a), audit.operand(sheet, top)
            if x and y:
                check(x[1], y[1], f"={name}({x[0]};{y[0]})", "b/(a−b)",
                      named=(INVERTED[kpi], T("investment_over_profit", kpi=kpi)))
            return
        x, y = audit.operand(sheet, top), audit.operand(sheet, bottom)
        if not x or not y or kpi != "ROI":
            return
        lx, ly = audit.label_kind(sheet, top), audit.label_kind(sheet, bottom)
        if lx == "profit" and ly == "cost":      # profit ÷ investment: right
            check(sum_values(x[1], y[1]), y[1], f"={name}({x[0]}+{y[0]};{y[0]})", "profit/investment")
        elif lx == "cost" and ly == "profit":    # investment ÷ profit
            check(sum_values(x[1], y[1]), x[1], f"={name}({y[0]}+{x[0]};{x[0]})", "investment/profit",
                  named=(RoiInverted, T("investment_over_profit", kpi="ROI")))
        elif lx == "revenue" and ly == "cost":   # revenue ÷ investment is ROAS
            check(x[1], y[1], T("roi_or_roas_fix", name=name, x=x[0], y=y[0]),
                  "revenue/investment", named=(RoiIsRoas, T("roi_is_roas")))
        elif lx == "cost" and ly == "revenue":
            check(y[1], x[1], f"={name}({y[0]};{x[0]})", "investment/revenue",
                  named=(RoiInverted, T("investment_over_return", kpi="ROI")))
        return
    # =A/B-1
    if b.kind == "bin" and b.op == "-" and strip_parens(b.b).kind == "num" and strip_parens(b.b).value == 1:
        q_ = strip_parens(b.a)
        if q_.kind == "bin" and q_.op == "/":
            x, y = audit.operand(sheet, q_.a), audit.operand(sheet, q_.b)
            if x and y:
                check(x[1], y[1], f"={name}({x[0]};{y[0]})", "a/b−1")
