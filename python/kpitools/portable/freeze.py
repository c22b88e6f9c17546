"""Reading what KPI cells show and writing it back as plain values, in bulk
(issue 27, item 4). A frozen array formula or a run of frozen cells below
each other is written with one setDataArray and gets ONE comment, on its
first cell, naming the whole block: before, each cell had its own value and
comment calls, and a KPI.FUNNEL array claiming 1000 x 1000 cells ran for
minutes (a million comments), KPI.MAP over 20,000 rows took 147 s.

The error codes are read as kpi-audit reads them (audit/workbook.py): a
large block of error cells is asked once whether all show the same error,
the other error cells in batches of ERRORTYPE formulas, never one UNO call
per cell. A block of identical errors is written back as one array formula
raising that error (Calc, Excel and Gnumeric repeat a one-value array
formula over its range), the other error cells as runs of formulas.
"""
import uno

# A frozen error cell gets a formula raising the same error in every engine.
RAISE_ERROR = {532: "=1/0", 503: "=POWER(-1;0.5)", 502: "=SQRT(-1)", 519: '="#VALUE!"+0', 32767: "=NA()"}
ERROR_TEXT = {532: "#DIV/0!", 503: "#NUM!", 519: "#VALUE!", 32767: "#N/A", 504: "Err:504", 502: "Err:502",
              525: "#NAME?"}


class Shown:
    """What the cells of one sheet show now: the data array in one call,
    the error cells from Calc's query, their codes in bulk (see above)."""

    def __init__(self, doc, sheet, rows, cols):
        from com.sun.star.sheet.FormulaResult import ERROR
        self.sheet = sheet
        self.data = sheet.getCellRangeByPosition(0, 0, cols - 1, rows - 1).getDataArray()
        addresses = sheet.queryFormulaCells(ERROR).getRangeAddresses()
        self.blocks, self.errors = [], {}
        if not addresses:
            return
        try:
            self._codes(doc, addresses)
        except Exception:  # no scratch sheet (a protected workbook): each cell is asked, __call__
            self.blocks, self.errors = [], {}

    def _codes(self, doc, addresses):
        from kpitools.audit.workbook import UNIFORM_BLOCK, _size, error_codes, uniform_codes
        sheet = self.sheet
        wide = [a for a in addresses if _size(a) >= UNIFORM_BLOCK]
        # (row0, col0, row1, col1, code): blocks whose cells all show one error.
        self.blocks = [(a.StartRow, a.StartColumn, a.EndRow, a.EndColumn, code)
                       for a, code in zip(wide, uniform_codes(doc, sheet.Name, wide)) if code]
        cells = []
        for a in addresses:
            if not any(b[:4] == (a.StartRow, a.StartColumn, a.EndRow, a.EndColumn) for b in self.blocks):
                cells += [(r, c) for r in range(a.StartRow, a.EndRow + 1)
                          for c in range(a.StartColumn, a.EndColumn + 1)]
        codes = error_codes(doc, [(sheet.Name, r, c) for r, c in cells], True)
        self.errors = {rc: code for rc, code in zip(cells, codes) if code}

    def __call__(self, r, c):
        """('error', code) | ('text', s) | ('value', x)."""
        code = self.errors.get((r, c))
        if code:
            return _error(code)
        v = self.data[r][c]
        if v is None:  # an error cell reads as None
            for r0, c0, r1, c1, code in self.blocks:
                if r0 <= r <= r1 and c0 <= c <= c1:
                    return _error(code)
            return _error(self.sheet.getCellByPosition(c, r).getError() or 32767)
        return ("text", v) if isinstance(v, str) else ("value", v)


_ERRORS = {}


def _error(code):
    """One shared ('error', code) per code: a million #N/A cells of an array
    are a million references to it, not a million tuples."""
    return _ERRORS.setdefault(code, ("error", code))


def shown_text(result):
    kind, v = result
    if kind == "error":
        return ERROR_TEXT.get(v, f"Err:{v}")
    return v


def error_rectangles(values):
    """The error cells of a block of results (rows of ('kind', v)) as
    rectangles (row0, col0, row1, col1, code): runs of one code along each
    row, merged with the same run of the rows below."""
    done, open_ = [], {}
    for r, row in enumerate(values):
        runs, c = set(), 0
        while c < len(row):
            kind, code = row[c]
            if kind != "error":
                c += 1
                continue
            start = c
            while c + 1 < len(row) and row[c + 1] == ("error", code):
                c += 1
            runs.add((start, c, code))
            c += 1
        for key in list(open_):
            if key not in runs:
                done.append((open_.pop(key), key[0], r - 1, key[1], key[2]))
        for key in runs:
            open_.setdefault(key, r)
    done += [(r0, c0, len(values) - 1, c1, code) for (c0, c1, code), r0 in open_.items()]
    return done


# The values of a frozen array listed in the summary: the first ones (the
# count says how many cells the array has).
SUMMARY_VALUES = 1000


def write_block(sheet, annotations, si, row, col, values, note):
    """Writes a block of results (rows of ('kind', v)) at (row, col): the
    values and texts in one setDataArray, the errors as formulas raising
    them, and one comment on the first cell."""
    # The rows holding a value or a text, in runs of rows: one setDataArray
    # each (the rows of errors only, 998 of the 1,000 of issue 27's FUNNEL
    # array, are left to the error formulas, not filled with empty texts).
    width = len(values[0])
    runs, start = [], None
    for r, line in enumerate(values + [None]):
        has = line is not None and any(kind != "error" for kind, _v in line)
        if has and start is None:
            start = r
        elif not has and start is not None:
            runs.append((start, r - 1))
            start = None
    for r0, r1 in runs:
        data = tuple(tuple(v if kind != "error" else "" for kind, v in line) for line in values[r0:r1 + 1])
        sheet.getCellRangeByPosition(col, row + r0, col + width - 1, row + r1).setDataArray(data)
    for r0, c0, r1, c1, code in error_rectangles(values):
        target = sheet.getCellRangeByPosition(col + c0, row + r0, col + c1, row + r1)
        formula = RAISE_ERROR.get(code, "=NA()")
        if r0 == r1 and c0 == c1:
            target.getCellByPosition(0, 0).setFormula(formula)
        else:
            target.setArrayFormula(formula)
    annotations.insertNew(uno.createUnoStruct("com.sun.star.table.CellAddress", si, col, row), note)
