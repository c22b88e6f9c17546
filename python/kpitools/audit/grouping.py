"""Identical findings of adjacent cells become one finding over a block
(issue 27, item 6): a 1000 x 1000 array formula showing #N/A gave a million
identical "kpi-error" findings, gigabytes of memory and a 1 GB report. Now
it is one finding whose "range" is A1:ALL1000 and "cells" 1,000,000.

Findings are merged as they are made, never after: the million never exist
at once. Only the same rule's same words (severity, check, sheet, message,
fix, details: everything but the cell) merge, and only over a rectangle of
adjacent cells: a run along a row, then runs of the same columns in the
rows below (a column of single cells is such a stack). Anything in doubt
(another finding made in between in the same list) ends the block: a
block is never wrong, at worst split in two."""
import heapq

from kpitools.sheet.addresses import addr

# How many findings and KPI cells one file's report lists at most; the rest
# are counted ("findings_unlisted", "inventory_unlisted": docs/audit-json.md)
# and a line says how many more there are. Grouping makes the first rarely
# reached (a 3,000-row workbook with a hand-written KPI per row gives 3,005);
# they bound the report of a workbook built to flood it. An inventory entry
# is about 600 bytes of JSON, a finding about 400: at most about 5 MB.
MAX_FINDINGS = 10_000
MAX_INVENTORY = 2_000


def key_of(f):
    """Everything that must be equal for two findings to merge: all but the cell."""
    return (f["severity"], f["check"], f["sheet"], f["message"], f["fix"], repr(f.get("details")))


def range_text(r1, c1, r2, c2):
    return addr(r1, c1) if (r1, c1) == (r2, c2) else f"{addr(r1, c1)}:{addr(r2, c2)}"


class _Block:
    __slots__ = ("lst", "key", "f", "r1", "c1", "r2", "c2")

    def __init__(self, lst, key, f, r, c):
        self.lst, self.key, self.f = lst, key, f
        self.r1 = self.r2 = r
        self.c1 = self.c2 = c

    def write(self):
        self.f["range"] = range_text(self.r1, self.c1, self.r2, self.c2)
        self.f["cells"] = (self.r2 - self.r1 + 1) * (self.c2 - self.c1 + 1)


class Grouper:
    """add(list, finding, row, col) appends the finding to list, or merges it
    into the block it extends; close() when no more findings come."""

    def __init__(self):
        self.run = None      # the _Block of the row being extended
        self.above = {}      # (id(list), key, c1, c2) -> the _Block whose last row a run may continue

    def add(self, lst, f, r, c):
        key = key_of(f)
        run = self.run
        if run is not None and run.lst is lst and run.key == key and run.r1 == run.r2 == r \
                and c == run.c2 + 1 and lst and lst[-1] is run.f:
            run.c2 = c
            run.write()
            return
        self.close()
        f["range"], f["cells"] = f["cell"], 1
        lst.append(f)
        self.run = _Block(lst, key, f, r, c)

    def forget(self, lst, row):
        """Drops the blocks of lst that no run may continue any more: those
        ending above row - 1, when the findings are made row by row from
        row on (the walk over the formula cells). Without it `above` would
        keep every finding of a large sheet alive (issue 26, item 6)."""
        self.close()
        self.above = {k: b for k, b in self.above.items() if b.lst is lst and b.r2 >= row - 1}

    def close(self):
        """Ends the current run: it continues the block above it (same
        columns, the row just above), or becomes a block later runs may continue."""
        run, self.run = self.run, None
        if run is None:
            return
        k = (id(run.lst), run.key, run.c1, run.c2)
        block = self.above.get(k)
        if block is not None and block.lst is run.lst and block.r2 == run.r1 - 1 and run.lst \
                and run.lst[-1] is run.f:
            run.lst.pop()
            block.r2 = run.r2
            block.write()
        else:
            self.above[k] = run


class Listed:
    """The findings a report lists, kept as they are made rather than all
    held to the end (issue 26, item 6): the first MAX_FINDINGS in the
    report's order (key: sheet, cell, severity, then the order they were
    made, as a stable sort gives) in a heap; those pushed out are counted
    by severity. add() wants each finding once it is final (the grouping
    may still widen its range: that changes neither its key nor its
    severity)."""

    def __init__(self, limit=None):
        self.limit = MAX_FINDINGS if limit is None else limit
        self.heap = []          # (negated key, finding): the largest key on top
        self.seq = 0
        self.counts = {"info": 0, "warning": 0, "error": 0}

    def add(self, key, f):
        self.seq += 1
        item = (tuple(-k for k in key) + (-self.seq,), f)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, item)
            return
        out = heapq.heappushpop(self.heap, item)[1]
        self.counts[out["severity"]] += 1

    def result(self):
        """(the listed findings in the report's order, {findings_unlisted} or {})."""
        shown = [f for _k, f in sorted(self.heap, reverse=True)]
        return shown, ({"findings_unlisted": dict(self.counts)} if any(self.counts.values()) else {})


def listed(findings):
    """(the first MAX_FINDINGS findings, {the file entry's fields for the rest}):
    the severities of those not listed are counted, for the summary and --fail-on."""
    if len(findings) <= MAX_FINDINGS:
        return findings, {}
    counts = {"info": 0, "warning": 0, "error": 0}
    for f in findings[MAX_FINDINGS:]:
        counts[f["severity"]] += 1
    return findings[:MAX_FINDINGS], {"findings_unlisted": counts}
