"""Hand-written KPIs (=B2/C2 under a "CPL" header) recomputed with the KPI
function: agreeing, differing, or upside down. compare() is shared with the
gains and averages families."""
from kpitools.audit.model import result_json, result_text
from kpitools.audit.rules import percent_scale, rates
from kpitools.audit.rules.base import Rule
from kpitools.audit.rules.kpi_errors import ERROR_WHY
from kpitools.audit.texts import T, W

# Which input kinds match a catalogue argument name (for upside-down ratios).
ARG_KINDS = {
    "cost": ("cost",), "ad_spend": ("cost",), "leads": ("leads",), "acquisitions": ("conversions", "customers"),
    "new_customers": ("customers",), "clicks": ("clicks",), "impressions": ("impressions",),
    "conversions": ("conversions",), "visitors": ("visitors",), "opens": ("opens",), "delivered": ("delivered",),
    "unsubscribes": ("unsubscribes",), "bounces": ("bounces",), "sent": ("sent",), "sqls": ("sqls",),
    "mqls": ("mqls",), "revenue": ("revenue",), "orders": ("orders",),
}


class HandwrittenKpi(Rule):
    """A hand-written KPI that agrees with the KPI function: worth stating.

    Mistake (a mild one): `=B2/C2` under "CPL" is right, but says nothing of
    the definition and breaks when someone averages it.
    Fix: `=KPI.CPL(B2;C2)` states the definition and aggregates ranges right.
    """
    id, severity = "handwritten-kpi", "info"
    cases = [("=B2/C2 under CPL", {"B1": "Cost", "C1": "Leads", "D1": "CPL", "B2": 1000, "C2": 20,
                                   "D2": ("=B2/C2", 50.0)}, [("D2", "handwritten-kpi", "info")])]


class HandwrittenKpiDiffers(Rule):
    """A hand-written KPI that differs from the KPI function, for no cause the audit names.

    Mistake: `=B2/C2` under "CPM" (cost per thousand impressions) without the
    ×1000: 0.003 where KPI.CPM gives 3.
    Fix: `=KPI.CPM(B2;C2)`.
    """
    id, severity = "handwritten-kpi-differs", "warning"
    cases = [("CPM without ×1000", {"B1": "Cost", "C1": "Impressions", "D1": "CPM", "B2": 600, "C2": 200000,
                                    "D2": ("=B2/C2", 0.003)}, [("D2", "handwritten-kpi-differs", "warning")])]


class InvertedRatio(Rule):
    """A ratio written upside down: the operands' labels say so.

    Mistake: `=C2/B2` (leads ÷ cost) under "CPL".
    Fix: `=KPI.CPL(B2;C2)`: cost first, as the function's arguments say.
    """
    id, severity = "inverted-ratio", "error"
    cases = [("leads ÷ cost under CPL", {"B1": "Cost", "C1": "Leads", "D1": "CPL", "B2": 1000, "C2": 20,
                                         "D2": ("=C2/B2", 0.02)}, [("D2", "inverted-ratio", "error")])]


RULES = [HandwrittenKpi, HandwrittenKpiDiffers, InvertedRatio]


def compare(audit, h, expected, fix, formula_kind, named=None):
    """Reports h against the KPI function's value: agreement (info), a named
    mistake (named = (rule, message): error), or an unexplained difference."""
    kpi, hand, name = h.kpi, h.hand, h.name
    sheet, r, c = h.sheet, h.r, h.c
    if expected is None:
        return
    if expected[0] == "value" and abs(expected[1] - hand) <= 1e-9 * max(1.0, abs(hand), abs(expected[1])):
        if named is None:
            HandwrittenKpi.report(audit, sheet, r, c, T("agrees", kpi=kpi, name=name, hand=hand),
                                  T("states_definition", fix=fix), kpi=name)
        return
    if named:
        rule, msg = named
        rule.report(audit, sheet, r, c, T("named_differs", what=msg, hand=hand, name=name, expected=tuple(expected)),
                    fix, kpi=name, hand=hand, expected=result_json(expected))
        return
    why = T("why", why=ERROR_WHY[result_text(expected)]) if result_text(expected) in ERROR_WHY else ""
    HandwrittenKpiDiffers.report(audit, sheet, r, c,
                                 T("differs", kpi=kpi, kind=W(formula_kind), hand=hand, name=name,
                                   expected=tuple(expected), why=why),
                                 fix, kpi=name, hand=hand, expected=result_json(expected))


def check_ratio(audit, h):
    """=a/b (or ×scale) under a ratio KPI's label."""
    sheet = h.sheet
    a, b = audit.operand(sheet, h.num), audit.operand(sheet, h.den)
    if not a or not b:
        return
    entry = audit.catalogue.get(h.name)
    fix = f"={h.name}({a[0]};{b[0]})"
    if rates.check_hand(audit, h):
        return
    # Operands named in swapped order (leads ÷ cost under a CPL header).
    if entry and len(entry["args"]) >= 2:
        la, lb = audit.label_kind(sheet, h.num), audit.label_kind(sheet, h.den)
        want_a, want_b = ARG_KINDS.get(entry["args"][0]["name"]), ARG_KINDS.get(entry["args"][1]["name"])
        if la and lb and la in (want_b or ()) and lb in (want_a or ()):
            swapped = f"={h.name}({b[0]};{a[0]})"
            named = (InvertedRatio, T("upside_down", kpi=h.kpi, a=W(la), b=W(lb)))
            audit.kpi_call(h.name, b[1], a[1], then=lambda expected: compare(audit, h, expected, swapped, "a/b",
                                                                              named=named))
            return
    if h.scale not in (1.0, 100) and not (h.kpi == "CPM" and h.scale == 1000):
        return  # another scale: neither the KPI nor the KPI ×100

    def judge(expected):
        if percent_scale.check(audit, h, expected, fix):
            return
        if h.scale != 1.0 and not (h.kpi == "CPM" and h.scale == 1000):
            return
        compare(audit, h, expected, fix, "a/b")
    audit.kpi_call(h.name, a[1], b[1], then=judge)
