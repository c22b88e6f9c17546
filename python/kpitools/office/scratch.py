"""Formulas computed many at a time in a scratch sheet: one write
(setFormulaArray), one recalculation, one read (getDataArray), whatever
their number. Each UNO call to a soffice in another process costs about a
millisecond (the bridge's round trip): kpi-audit computes its checks and
reads its error numbers this way, not one cell at a time."""
from kpitools.sheet.addresses import addr

# A scratch area's height: formulas are written in columns of this many rows.
SCRATCH_ROWS = 50_000
ALL_CONTENTS = 1 | 2 | 4 | 16  # com.sun.star.sheet.CellFlags VALUE, DATETIME, STRING, FORMULA


def _place(sheet, formulas, col0):
    """Writes formulas down columns from col0; returns (area, rows)."""
    n = len(formulas)
    rows = min(n, SCRATCH_ROWS)
    cols = -(-n // rows)
    grid = [[""] * cols for _ in range(rows)]
    for k, f in enumerate(formulas):
        grid[k % rows][k // rows] = f
    area = sheet.getCellRangeByPosition(col0, 0, col0 + cols - 1, rows - 1)
    area.setFormulaArray(tuple(tuple(line) for line in grid))
    return area, rows


def _read(area, rows, n):
    values = area.getDataArray()
    return [values[k % rows][k // rows] for k in range(n)]


def compute(sheet, formulas, col0=0):
    """The values of formulas computed together in sheet (from column col0),
    in order: a number, a string, or None for an error. The area is left
    empty."""
    if not formulas:
        return []
    area, rows = _place(sheet, formulas, col0)
    try:
        return _read(area, rows, len(formulas))
    finally:
        area.clearContents(ALL_CONTENTS)


def evaluate_many(sheet, formulas):
    """[('value', x) or ('error', Calc's error number)] of formulas, as a
    cell given each of them alone shows it (a text result reads as 0, as
    XCell.getValue gives it). Identical formulas are computed once."""
    unique = list(dict.fromkeys(formulas))
    if not unique:
        return []
    area, rows = _place(sheet, unique, 0)
    try:
        values = _read(area, rows, len(unique))
        failed = [k for k, v in enumerate(values) if v is None]
        codes = {}
        if failed:
            # The error numbers of the failed ones, in the columns after them.
            refs = [f"=ERRORTYPE({addr(k % rows, k // rows)})" for k in failed]
            codes = dict(zip(failed, compute(sheet, refs, -(-len(unique) // rows))))
    finally:
        area.clearContents(ALL_CONTENTS)
    result = {}
    for k, (f, v) in enumerate(zip(unique, values)):
        if v is None:
            code = codes.get(k)
            result[f] = ("error", int(code)) if isinstance(code, float) else _alone(sheet, f)
        else:
            result[f] = ("value", v if isinstance(v, float) else 0.0)
    return [result[f] for f in formulas]


def _alone(sheet, formula):
    """One formula in a cell of its own (what the batch could not say)."""
    cell = sheet.getCellByPosition(0, 0)
    cell.setFormula(formula)
    try:
        err = cell.getError()
        return ("error", err) if err else ("value", cell.getValue())
    finally:
        cell.clearContents(ALL_CONTENTS)
