"""Rates written ×100 while the KPI functions return fractions."""
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T


class PercentScale(Rule):
    """A rate written ×100.

    Mistake: `=B2/C2*100` under "CTR" shows 1.5 for 1.5 %; summed or charted
    next to `=KPI.CTR(B2;C2)` (0.015, formatted as %) the figures are 100
    times apart.
    Fix: `=KPI.CTR(B2;C2)` with the cell formatted as %.
    """
    id, severity = "percent-scale", "warning"
    cases = [("CTR ×100", {"B1": "Clicks", "C1": "Impressions", "D1": "CTR", "B2": 150, "C2": 10000,
                           "D2": ("=B2/C2*100", 1.5)}, [("D2", "percent-scale", "warning")])]


RULES = [PercentScale]


def check(audit, h, expected, fix):
    """True when h is the KPI ×100 (reported)."""
    if h.scale == 100 and h.kpi != "CPM" and expected and expected[0] == "value" and \
            abs(expected[1] * 100 - h.hand) <= 1e-9 * max(1.0, abs(h.hand)):
        PercentScale.report(audit, h.sheet, h.r, h.c,
                            T("times_100", kpi=h.kpi, hand=h.hand, fraction=expected[1]),
                            T("formatted_as_percent", fix=fix), kpi=h.name)
        return True
    return False
