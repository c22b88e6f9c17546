"""The average of per-period ratios where the ratio of the totals was meant."""
from kpitools.audit.formula import parse_formula, strip_parens
from kpitools.audit.rules.base import Rule, span
from kpitools.audit.rules.handwritten import compare
from kpitools.audit.texts import T


class AverageOfRatios(Rule):
    """AVERAGE of monthly ratios where a sum over a sum was meant.

    Mistake: `=AVERAGE(D2:D3)` under "CPL" with D2 = B2/C2 and D3 = B3/C3:
    months with few leads weigh as much as the others (1000/10 and 1000/40
    average to 62.5, while the period's CPL is 2000/50 = 40).
    Fix: `=KPI.CPL(B2:B3;C2:C3)`, the total cost over the total leads.
    """
    id, severity = "average-of-ratios", "error"
    cases = [("two months", {"B1": "Cost", "C1": "Leads", "D1": "CPL", "B2": 1000, "C2": 10, "D2": ("=B2/C2", 100.0),
                             "B3": 1000, "C3": 40, "D3": ("=B3/C3", 25.0), "D4": ("=AVERAGE(D2:D3)", 62.5)},
              [("D2", "handwritten-kpi", "info"), ("D3", "handwritten-kpi", "info"),
               ("D4", "average-of-ratios", "error")])]


RULES = [AverageOfRatios]


def check_average(audit, h, rng):
    """=AVERAGE(J4:J7) over cells that are each a ratio."""
    name = h.name
    nums, dens, num_cells, den_cells = [], [], [], []
    saved = audit.src
    try:
        for s, rr, cc in audit.cells(h.sheet, rng):
            f = s.formula(rr, cc)
            node = strip_parens(parse_formula(f)) if f else None
            if node is None:
                return
            audit.src = f
            if node.kind == "call" and node.name == name and len(node.args) >= 2:
                a, b = node.args[0], node.args[1]
            elif node.kind == "bin" and node.op == "/":
                a, b = node.a, node.b
            else:
                return
            x, y = audit.operand(s, a), audit.operand(s, b)
            if not x or not y:
                return
            nums += x[1]
            dens += y[1]
            na, nb = strip_parens(a), strip_parens(b)
            num_cells.append(na if na.kind == "ref" else None)
            den_cells.append(nb if nb.kind == "ref" else None)
    finally:
        audit.src = saved
    fix = T("whole_period_fix", name=name)
    if all(num_cells) and all(den_cells):
        fix = f"={name}({span(num_cells)};{span(den_cells)})"
    named = (AverageOfRatios, T("average_of_ratios", n=len(nums), kpi=h.kpi))
    audit.kpi_call(name, nums, dens, then=lambda expected: compare(audit, h, expected, fix, "average", named=named))
