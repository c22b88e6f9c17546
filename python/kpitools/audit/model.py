"""A workbook as read from LibreOffice after recalculation: sheets of values,
formulas and error codes, and how results are shown and compared."""
from kpitools.sheet.errors import ERROR_NAMES

FORMAT_VERSION = 1  # of the JSON report (docs/audit-json.md)
SEVERITIES = ("info", "warning", "error")


class AuditError(Exception):
    """A file that cannot be audited; the message is shown as is."""


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

    def typed_numbers(self):
        """(row, col, value, label above) of every number typed in (no formula, no error)."""
        for r in range(self.rows):
            for c in range(self.cols):
                v = self.data[r][c]
                if isinstance(v, float) and not self.formula(r, c) and (r, c) not in self.errors:
                    yield r, c, v, self.label_above(r, c)[0]

    def is_text(self, r, c):
        v = self.data[r][c]
        return isinstance(v, str) and v.strip() != "" and (r, c) not in self.errors

    def _nearest(self):
        # One pass over the sheet: for each cell, the row of the nearest text
        # above it and the column of the nearest text to its left (a scan per
        # cell would be quadratic on large sheets).
        self._up_row = [[-1] * self.cols for _ in range(self.rows)]
        self._left_col = [[-1] * self.cols for _ in range(self.rows)]
        last_up = [-1] * self.cols
        for r in range(self.rows):
            last_left = -1
            up_row, left_col = self._up_row[r], self._left_col[r]
            for c in range(self.cols):
                up_row[c], left_col[c] = last_up[c], last_left
                if self.is_text(r, c):
                    last_up[c] = r
                    last_left = c

    def label_above(self, r, c):
        """(text, distance) of the nearest text cell above (r, c): the header of a table however long."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        rr = self._up_row[r][c] if r < self.rows and c < self.cols else -1
        return (self.data[rr][c], r - rr) if rr >= 0 else (None, None)

    def label_left(self, r, c):
        """(text, distance) of the nearest text cell left of (r, c)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        cc = self._left_col[r][c] if r < self.rows and c < self.cols else -1
        return (self.data[r][cc], c - cc) if cc >= 0 else (None, None)

    def labels(self, r, c):
        """Both labels of a cell, nearest first."""
        out = [x for x in (self.label_above(r, c), self.label_left(r, c)) if x[0]]
        return sorted(out, key=lambda x: x[1])


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
        return {"type": "value", "value": v}
    if kind == "blank":
        return {"type": "blank"}
    return {"type": kind, "text": str(v)}


def same_result(a, b, rel=1e-9):
    """Stored vs. now: numbers within a relative tolerance, errors by name."""
    if a is None or b is None:
        return a is b
    if a[0] == "value" and b[0] == "value":
        return abs(a[1] - b[1]) <= rel * max(1.0, abs(a[1]), abs(b[1]))
    if a[0] == "error" and b[0] == "error":
        return result_text(a) == result_text(b)
    return a[0] == b[0] and str(a[1]) == str(b[1])
