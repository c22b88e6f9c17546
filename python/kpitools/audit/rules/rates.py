"""Rates of a part to its whole above 100 %: the inputs are inconsistent."""
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import Pct, T, W


class RateAbove100(Rule):
    """A rate of a part to its whole (CTR, open rate, conversion rate...) above 100 %.

    Mistake: `=KPI.CTR(B2;C2)` with 150 clicks for 100 impressions (total
    clicks against unique impressions), or `=B2/C2` under "CTR" giving 1.5.
    Fix: count the part and the whole the same way; a part cannot exceed
    its whole.
    Severity per function, from the catalogue (`above_one`): an error where it
    cannot happen (bounce, unsubscribe, churn rate, CTR), a warning where
    platforms count so (open rate from total opens, Google Ads' conversion
    rate over interactions, MQL to SQL over overlapping periods).
    """
    id, severity = "rate-above-100", "error"
    cases = [
        ("KPI cell", {"A1": "CTR", "A2": ("=KPI.CTR(150;100)", 1.5)}, [("A2", "rate-above-100", "error")]),
        ("hand-written", {"B1": "Clicks", "C1": "Impressions", "D1": "CTR", "B2": 150, "C2": 100,
                          "D2": ("=B2/C2", 1.5)},
         [("B2", "count-above-total", "error"), ("D2", "rate-above-100", "error")]),
        ("open rate from total opens", {"A1": "Open rate", "A2": ("=KPI.OPENRATE(1200;1000)", 1.2)},
         [("A2", "rate-above-100", "warning")]),
        ("unsubscribes above delivered", {"A1": "Unsubscribe rate", "A2": ("=KPI.UNSUBRATE(120;100)", 1.2)},
         [("A2", "rate-above-100", "error")]),
    ]


RULES = [RateAbove100]


def _above(severity):
    return T("cannot_exceed") if severity == "error" else T("is_above")


def check_kpi_cell(audit, cell):
    now, entry = cell.now, cell.entry
    severity = audit.labels.above_one.get(cell.name.upper()[4:]) or audit.labels.above_one.get(entry["method"].upper())
    if now[0] == "value" and severity and now[1] > 1 + 1e-12:
        names = audit.catalogue.get(cell.name, {}).get("args", [])
        what = T("a_above_b", a=W(names[0]["name"]), b=W(names[1]["name"])) if len(names) >= 2 else ""
        RateAbove100.report(audit, cell.sheet, cell.r, cell.c,
                            T("rate_above", kpi=cell.name.split(".")[-1], pct=Pct(now[1] * 100),
                              above=_above(severity), what=what),
                            T("rate_fix"), severity=severity, value=now[1])
    return False


def check_hand(audit, h):
    """A hand-written part rate above 100 %; True when reported (nothing more to compare)."""
    severity = audit.labels.above_one.get(h.kpi)
    if severity and h.hand > 1 + 1e-12 and h.scale == 1.0:
        la, lb = audit.label_kind(h.sheet, h.num), audit.label_kind(h.sheet, h.den)
        why = T("a_above_b_paren", a=W(la), b=W(lb)) if la and lb else ""
        RateAbove100.report(audit, h.sheet, h.r, h.c,
                            T("rate_above", kpi=h.kpi, pct=Pct(h.hand * 100), above=_above(severity), what=why),
                            T("rate_fix_hand"), severity=severity, value=h.hand)
        return True
    return False
