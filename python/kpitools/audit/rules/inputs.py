"""The input figures themselves: negative counts, parts above their whole."""
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T, W
from kpitools.sheet.addresses import addr


class NegativeInput(Rule):
    """A negative count or amount under a header such as Leads, Clicks, Cost.

    Mistake: −40 under "Leads" (a correction typed as a figure).
    Fix: the positive figure; refunds and corrections belong elsewhere.
    """
    id, severity = "negative-input", "error"
    cases = [("negative leads", {"B1": "Leads", "B2": -40}, [("B2", "negative-input", "error")])]


class CountAboveTotal(Rule):
    """A part above its whole in the same row or column.

    Mistake: 1,200 clicks for 1,000 impressions; bounces above sent;
    unsubscribes above delivered; customers lost above customers at start.
    Fix: check both figures: they are counted differently (total vs unique)
    or one is mistyped.
    The pairs and their severities are the catalogue's (`within` of each
    input kind): an error where it cannot happen, a warning where platforms
    count so (total opens above delivered, conversions above clicks, SQLs
    above MQLs of overlapping periods).
    """
    id, severity = "count-above-total", "error"
    cases = [("clicks above impressions", {"B1": "Impressions", "C1": "Clicks", "B2": 1000, "C2": 1200},
              [("C2", "count-above-total", "error")]),
             ("by row labels", {"A2": "Sent", "A3": "Delivered", "B2": 900, "B3": 950},
              [("B3", "count-above-total", "error")]),
             ("total opens above delivered", {"B1": "Delivered", "C1": "Opens", "B2": 1000, "C2": 1100},
              [("C2", "count-above-total", "warning")]),
             ("SQLs above MQLs", {"B1": "MQLs", "C1": "SQLs", "B2": 40, "C2": 45},
              [("C2", "count-above-total", "warning")]),
             ("customers lost above customers at start", {"A2": "Customers at start", "A3": "Customers lost",
                                                          "B2": 120, "B3": 130},
              [("B3", "count-above-total", "error")])]


RULES = [NegativeInput, CountAboveTotal]


def check_sheet(audit, sheet):
    by_row, by_col = {}, {}   # row -> {kind: (c, value)} from column headers (one row); col -> ... from row labels
    kind_of = {}              # label -> input kind: a sheet has few distinct labels
    paired = {k for part, whole, _severity in audit.labels.part_of for k in (part, whole)}  # the kinds _part_of reads
    row = None  # the row whose inputs by_row holds: checked once the walk leaves it, then dropped
    for r, c, v, above, left in sheet.typed_inputs():
        if r != row:
            # A large sheet's rows are not all held at once (issue 26, item 6): the
            # findings are those a pass after the walk gave, each cell's in the same order.
            for kinds in by_row.values():
                _part_of(audit, sheet, kinds, lambda pos: (row, pos))
            by_row.clear()
            row = r
        ka = kind_of.get(above, 0)
        if ka == 0:
            ka = kind_of[above] = audit.labels.input_kind(above) if above else None
        kl = kind_of.get(left, 0)
        if kl == 0:
            kl = kind_of[left] = audit.labels.input_kind(left) if left else None
        for k, label in ((ka, above), (kl, left)) if v < 0 else ():
            if k in audit.labels.count_kinds:
                NegativeInput.report(audit, sheet, r, c,
                                     T("negative", kind=W(k), value=v, label=label), T("negative_fix"), value=v)
                break
        if ka in paired:
            by_row.setdefault(r, {}).setdefault(ka, (c, v))
        if kl in paired:
            by_col.setdefault(c, {}).setdefault(kl, (r, v))
    for kinds in by_row.values():
        _part_of(audit, sheet, kinds, lambda pos: (row, pos))
    for c, kinds in by_col.items():
        _part_of(audit, sheet, kinds, lambda pos: (pos, c))


def _part_of(audit, sheet, kinds, where):
    for part, whole, severity in audit.labels.part_of:
        if part in kinds and whole in kinds:
            (pp, pv), (wp, wv) = kinds[part], kinds[whole]
            if pv > wv:
                r, c = where(pp)
                wr, wc = where(wp)
                CountAboveTotal.report(audit, sheet, r, c,
                                       T("part_above_whole", part=W(part), pv=pv, whole=W(whole), wv=wv,
                                         where=addr(wr, wc)),
                                       T("part_above_whole_fix" if severity == "error" else "part_above_whole_maybe",
                                         part=W(part), whole=W(whole)),
                                       severity=severity, part=pv, whole=wv)
