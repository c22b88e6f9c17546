"""Rates of a part to its whole above 100 %: the inputs are inconsistent."""
from kpitools.audit.rules.base import Rule


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
    return "cannot exceed 100 %" if severity == "error" else "is above 100 % (possible when the platform counts " \
        "the part differently, e.g. total opens; check the inputs)"


def check_kpi_cell(audit, cell):
    now, entry = cell.now, cell.entry
    severity = audit.labels.above_one.get(cell.name.upper()[4:]) or audit.labels.above_one.get(entry["method"].upper())
    if now[0] == "value" and severity and now[1] > 1 + 1e-12:
        names = audit.catalogue.get(cell.name, {}).get("args", [])
        what = f": {names[0]['name']} > {names[1]['name']}" if len(names) >= 2 else ""
        RateAbove100.report(audit, cell.sheet, cell.r, cell.c,
                            f"{cell.name.split('.')[-1]} of {now[1] * 100:.4g} % {_above(severity)}{what}",
                            "check the inputs: the part is counted differently from the whole "
                            "(e.g. total vs unique opens)", severity=severity, value=now[1])
    return False


def check_hand(audit, h):
    """A hand-written part rate above 100 %; True when reported (nothing more to compare)."""
    severity = audit.labels.above_one.get(h.kpi)
    if severity and h.hand > 1 + 1e-12 and h.scale == 1.0:
        la, lb = audit.label_kind(h.sheet, h.num), audit.label_kind(h.sheet, h.den)
        why = f" ({la} > {lb})" if la and lb else ""
        RateAbove100.report(audit, h.sheet, h.r, h.c, f"{h.kpi} of {h.hand * 100:.4g} % {_above(severity)}{why}",
                            "check the inputs: the part is counted differently from the whole", severity=severity,
                            value=h.hand)
        return True
    return False
