"""A workbook as read from LibreOffice after recalculation: sheets of values,
formulas and error codes, and how results are shown and compared."""
import math
from array import array

from kpitools.sheet.errors import ERROR_NAMES

FORMAT_VERSION = 1  # of the JSON report (docs/audit-json.md)
SEVERITIES = ("info", "warning", "error")


class AuditError(Exception):
    """A file that cannot be audited; the message is shown as is."""


class AuditTimeout(Exception):
    """The file's deadline (--timeout) passed in kpi-audit's own work."""


class BlockErrors(dict):
    """{(row, col): Calc's error number} that also holds whole blocks of
    cells showing one error (an array formula of a million #N/A cells, issue
    27 item 6): one entry per block rather than a million. Used only where a
    sheet has such a block: a plain dict's lookups are faster."""

    def __init__(self, cells, blocks):
        super().__init__(cells)
        self.blocks = blocks  # [(r1, c1, r2, c2, code)]

    def _block(self, key):
        r, c = key
        for r1, c1, r2, c2, code in self.blocks:
            if r1 <= r <= r2 and c1 <= c <= c2:
                return code
        return None

    def __contains__(self, key):
        return dict.__contains__(self, key) or self._block(key) is not None

    def __getitem__(self, key):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        code = self._block(key)
        if code is None:
            raise KeyError(key)
        return code

    def get(self, key, default=None):
        return self[key] if key in self else default


class SheetData:
    def __init__(self, name, index, data, forms, errors):
        self.name, self.index = name, index
        self.data, self.forms, self.errors = data, forms, errors
        self.rows = len(data)
        self.cols = len(data[0]) if data else 0

    def result(self, r, c):
        if (r, c) in self.errors:
            return ("error", self.errors[(r, c)])
        if r >= self.rows or c >= self.cols:
            return ("blank", None)
        v = self.data[r][c]
        if isinstance(v, float):
            return ("value", v)
        if v == "":
            return ("blank", None)
        return ("text", v)

    def formula(self, r, c):
        if r < self.rows and c < self.cols:
            f = self.forms[r][c]
            if isinstance(f, str) and f.startswith("="):
                return f
        return None

    def formula_cells(self):
        """(row, col, formula) of every formula cell, row by row."""
        for r, row in enumerate(self.forms[:self.rows]):
            if not any(row):
                continue
            for c, f in enumerate(row[:self.cols]):
                if isinstance(f, str) and f.startswith("="):
                    yield r, c, f

    def typed_numbers(self):
        """(row, col, value, label above) of every number typed in (no formula, no error)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        data, forms, errors, up = self.data, self.forms, self.errors, self._up_row
        cols = range(self.cols)
        for r in range(self.rows):
            line, frow, base = data[r], forms[r], r * self.cols
            for c in cols:
                v = line[c]
                if isinstance(v, float):
                    f = frow[c]
                    if isinstance(f, str) and f.startswith("=") or (r, c) in errors:
                        continue
                    rr = up[base + c]
                    yield r, c, v, data[rr][c] if rr >= 0 else None

    def typed_inputs(self):
        """(row, col, value, label above, label left) of every number typed in."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        data = self.data
        for r, c, v, above in self.typed_numbers():
            cc = self._left_col[r][c]
            yield r, c, v, above, data[r][cc] if cc >= 0 else None

    def texts(self):
        """The distinct texts of the sheet's cells (a rule can tell at once
        whether a header it looks for is there at all)."""
        if not hasattr(self, "_texts"):
            self._texts = {v for line in self.data for v in line if isinstance(v, str)}
        return self._texts

    def is_text(self, r, c):
        v = self.data[r][c]
        return isinstance(v, str) and v.strip() != "" and (r, c) not in self.errors

    def _nearest(self):
        # One pass over the sheet: for each cell, the row of the nearest text
        # above it and the column of the nearest text to its left (a scan per
        # cell would be quadratic on large sheets). Rows whose text cells lie
        # in the same columns share one list of left labels; the rows above
        # are one flat array (4 bytes a cell, not a list per row: issue 26, item 6).
        cols, errors = self.cols, self.errors
        self._up_row, self._left_col = array("i"), []
        last_up = array("i", [-1] * cols)
        shared = {}
        for r, line in enumerate(self.data):
            self._up_row.extend(last_up)
            texts = tuple(c for c, v in enumerate(line) if isinstance(v, str) and v.strip() != "" and
                          (r, c) not in errors)  # is_text(r, c)
            left = shared.get(texts)
            if left is None:
                left = [-1] * cols
                for i, t in enumerate(texts):
                    end = texts[i + 1] + 1 if i + 1 < len(texts) else cols
                    left[t + 1:end] = [t] * (end - t - 1)
                shared[texts] = left
            self._left_col.append(left)
            for t in texts:
                last_up[t] = r

    def label_above(self, r, c):
        """(text, distance) of the nearest text cell above (r, c): the header of a table however long."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        rr = self._up_row[r * self.cols + c] if r < self.rows and c < self.cols else -1
        return (self.data[rr][c], r - rr) if rr >= 0 else (None, None)

    def label_left(self, r, c):
        """(text, distance) of the nearest text cell left of (r, c)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        cc = self._left_col[r][c] if r < self.rows and c < self.cols else -1
        return (self.data[r][cc], c - cc) if cc >= 0 else (None, None)

    def labels(self, r, c):
        """Both labels of a cell, nearest first (the one above on a tie)."""
        above, left = self.label_above(r, c), self.label_left(r, c)
        if above[0] and left[0]:
            return [above, left] if above[1] <= left[1] else [left, above]
        return [above] if above[0] else [left] if left[0] else []


def result_text(res):
    if res is None:
        return "(none)"
    kind, v = res
    if kind == "value":
        return fmt_num(v)
    if kind == "error":
        return ERROR_NAMES.get(v, f"Err:{v}") if isinstance(v, int) else str(v)
    if kind == "blank":
        return "(blank)"
    return str(v)


def fmt_num(x):
    if x is None:
        return ""
    if not math.isfinite(x):
        return str(x)  # inf, -inf, nan: never converted to int
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


def result_json(res):
    if res is None:
        return None
    kind, v = res
    if kind == "error":
        return {"type": "error", "error": result_text(res)}
    if kind == "value":
        if not math.isfinite(v):  # JSON has no Infinity nor NaN
            return {"type": "invalid", "text": f"{v} (not a finite number)"}
        return {"type": "value", "value": v}
    if kind == "blank":
        return {"type": "blank"}
    return {"type": kind, "text": str(v)}  # text, date, or why a stored value is invalid


def same_result(a, b, rel=1e-9):
    """Stored vs. now: numbers within a relative tolerance, errors by name."""
    if a is None or b is None:
        return a is b
    if a[0] == "value" and b[0] == "value":
        if not (math.isfinite(a[1]) and math.isfinite(b[1])):
            return False  # inf <= rel * inf would call them equal
        return abs(a[1] - b[1]) <= rel * max(1.0, abs(a[1]), abs(b[1]))
    if a[0] == "error" and b[0] == "error":
        return result_text(a) == result_text(b)
    return a[0] == b[0] and str(a[1]) == str(b[1])
