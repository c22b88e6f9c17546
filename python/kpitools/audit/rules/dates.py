"""Dates: an end before its start, a date out of a dated series' order."""
from kpitools.audit.labels import DATE_SERIES_WORDS, END_ONLY, END_WORDS, START_ONLY, START_WORDS, exact_words, \
    has_words
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T
from kpitools.sheet.addresses import addr


class DatesOutOfOrder(Rule):
    """Dates out of order.

    Mistake (error): an end date before its start date in the same row
    ("Start" 2025-03-10, "End" 2025-03-01).
    Mistake (warning): in a "Date", "Week" or "Month" column whose dates rise
    row by row, one or two rows break the order: a row pasted in the wrong
    place (a column with more breaks is sorted by something else, and is left
    alone).
    Fix: swap or correct the dates; sort the rows by date.
    """
    id, severity = "dates-out-of-order", "error"
    cases = [("end before start", {"B1": "Start", "C1": "End", "B2": ("date", 45726), "C2": ("date", 45717)},
              [("C2", "dates-out-of-order", "error")]),
             ("one row out of a series", {"A1": "Date", "A2": ("date", 45658), "A3": ("date", 45659),
                                          "A4": ("date", 45665), "A5": ("date", 45660), "A6": ("date", 45661)},
              [("A5", "dates-out-of-order", "warning")])]


RULES = [DatesOutOfOrder]


def check_sheet(audit, sheet):
    _start_end(audit, sheet)
    _series(audit, sheet)


def _start_or_end(label):
    if has_words(label, START_WORDS) or exact_words(label, START_ONLY):
        return "start"
    if has_words(label, END_WORDS) or exact_words(label, END_ONLY):
        return "end"
    return None


def _start_end(audit, sheet):
    if not any(_start_or_end(t) for t in sheet.texts()):
        return  # no start nor end header on the sheet
    date_cols = {}
    which_of = {}  # label -> "start", "end" or None: a sheet has few distinct headers
    for r, c, v, above in sheet.typed_numbers():
        if above is not None:
            which = which_of.get(above, 0)
            if which == 0:
                which = which_of[above] = _start_or_end(above)
            if which:
                date_cols.setdefault((which, r), (c, v))
    for (which, r), (c, v) in date_cols.items():
        if which == "end" and ("start", r) in date_cols:
            sc, sv = date_cols[("start", r)]
            if v < sv:
                DatesOutOfOrder.report(audit, sheet, r, c, T("end_before_start", end=addr(r, c), start=addr(r, sc)),
                                       T("end_before_start_fix"), start=sv, end=v)


def _series(audit, sheet):
    """A 'Date' or 'Month' column whose dates are sorted but for one or two
    breaks: a row was pasted in the wrong place."""
    heads = {t for t in sheet.texts() if t.strip() != "" and exact_words(t, DATE_SERIES_WORDS)}
    if not heads:
        return
    # The header cells, column by column, each from the top.
    for c, r in sorted((c, r) for r, c in sheet.text_cells(heads)):
        if (r, c) in sheet.errors:  # not a text (is_text)
            continue
        vals = []
        rr = r + 1
        while rr < sheet.rows and isinstance(sheet.value(rr, c), float) and not sheet.formula(rr, c) \
                and (rr, c) not in sheet.errors:
            vals.append((rr, sheet.value(rr, c)))
            rr += 1
        if len(vals) < 3:
            continue
        xs = [v for _r, v in vals]
        if all(a <= b for a, b in zip(xs, xs[1:])) or all(a >= b for a, b in zip(xs, xs[1:])):
            continue
        up = sum(1 for a, b in zip(xs, xs[1:]) if b > a) >= len(xs) / 2
        # A misplaced row breaks a sorted series once or twice; many
        # breaks mean the rows are sorted by something else (a
        # transaction log sorted by customer): not a finding.
        breaks = sum(1 for a, b in zip(xs, xs[1:]) if ((b < a) if up else (b > a)))
        # Asked of Calc last: only for a series that would be reported.
        if breaks > 2 or not audit.is_date(sheet, vals[0][0], c):
            continue
        for (r1, a), (r2, b) in zip(vals, vals[1:]):
            if (b < a) if up else (b > a):
                DatesOutOfOrder.report(audit, sheet, r2, c,
                                       T("series_rising" if up else "series_falling", cell=addr(r2, c),
                                         label=sheet.value(r, c)), T("series_fix"),
                                       severity="warning")
                break
