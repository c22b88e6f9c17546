"""A workbook as read from LibreOffice after recalculation: sheets of values,
formulas and error codes, and how results are shown and compared."""
import math
from array import array
from collections.abc import Mapping, MutableMapping
from bisect import bisect_left
from itertools import accumulate

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


# Distinct texts a sheet stores once each (a column of channel or country
# names holds a few words 100,000 times), up to this many; past it a text is
# kept as it comes.
SHARED_TEXTS = 65_536
# What a cell of Cells holds (its byte in Cells.kinds): NONE is how
# getDataArray gives an error cell (a million of them in an array formula's
# block, issue 27 item 6: no entry of their own), OTHER anything else.
FLOAT, BLANK, TEXT, NONE, OTHER = 0, 1, 2, 3, 4


class _Rows:
    """A sheet's rows as a sequence of tuples, each built when asked for (row(r))."""

    def __len__(self):
        return self.rows

    def __getitem__(self, r):
        if not 0 <= r < self.rows:
            raise IndexError(r)
        return self.row(r)

    def __iter__(self):
        for r in range(self.rows):
            yield self.row(r)


class Cells(_Rows):
    """The values of a sheet's used area as getDataArray gives them (a
    float, a text, "" for a blank), row by row, held compactly: a byte per
    cell says what it holds and a double holds the number, or the index of
    its text among the sheet's distinct texts. 9 bytes a cell, where rows
    of Python objects took 28 (a float object and a tuple's pointer): the
    1.1M-cell workbook's values went from 31 MB to 10 (issue 26, item 6).
    cells[r] is row r as a tuple (built on demand); cell(r, c) one value."""

    def __init__(self, cols):
        self.rows, self.cols = 0, cols
        self.kinds = bytearray()
        self.vals = array("d")
        self.texts = []
        self.other = {}     # {cell index: value} of what is neither a float, a text nor None
        self._ids = {}      # text -> its index, while rows are appended

    @classmethod
    def of_rows(cls, rows):
        cells = cls(len(rows[0]) if rows else 0)
        for line in rows:
            cells.append(line)
        return cells.done()

    def append(self, line):
        """Appends a row (cols values)."""
        kinds, vals, texts, ids = self.kinds, self.vals, self.texts, self._ids
        if len(line) != self.cols:
            raise ValueError(f"a row of {len(line)} cells in a sheet of {self.cols} columns")
        # A row of numbers only, or of error cells only (a million-cell #N/A
        # block), at C speed: the menu's audit runs inside soffice, where
        # this loop cell by cell was 2-3 s of a million-cell array's audit.
        held = set(map(type, line))
        if len(held) == 1 and (float in held or type(None) in held):
            number = float in held
            kinds.extend(bytes((FLOAT if number else NONE,)) * self.cols)
            vals.extend(line if number else array("d", bytes(8 * self.cols)))
            self.rows += 1
            return
        for x in line:
            t = type(x)
            if t is float:
                kinds.append(FLOAT)
                vals.append(x)
            elif t is str:
                if not x:
                    kinds.append(BLANK)
                    vals.append(0.0)
                    continue
                i = ids.get(x)
                if i is None:
                    i = len(texts)
                    texts.append(x)
                    if len(ids) < SHARED_TEXTS:
                        ids[x] = i
                kinds.append(TEXT)
                vals.append(i)
            elif x is None:
                kinds.append(NONE)
                vals.append(0.0)
            else:
                self.other[len(kinds)] = x
                kinds.append(OTHER)
                vals.append(0.0)
        self.rows += 1

    def done(self):
        """No more rows: the table of distinct texts is no longer needed."""
        self._ids = {}
        return self

    def cell(self, r, c):
        if not (0 <= r < self.rows and 0 <= c < self.cols):
            raise IndexError((r, c))
        i = r * self.cols + c
        k = self.kinds[i]
        if k == FLOAT:
            return self.vals[i]
        if k == TEXT:
            return self.texts[int(self.vals[i])]
        return "" if k == BLANK else self.other.get(i)  # None for NONE

    def row(self, r):
        i = r * self.cols
        kinds, vals, texts = self.kinds, self.vals, self.texts
        return tuple([vals[j] if kinds[j] == FLOAT else texts[int(vals[j])] if kinds[j] == TEXT else
                      "" if kinds[j] == BLANK else self.other.get(j) for j in range(i, i + self.cols)])

    def text_cells(self):
        """(row, col, text) of every text cell, row by row."""
        cols, vals, texts = self.cols, self.vals, self.texts
        i = self.kinds.find(TEXT)
        while i >= 0:
            yield i // cols, i % cols, texts[int(vals[i])]
            i = self.kinds.find(TEXT, i + 1)


class Formulas(_Rows):
    """The formula of each formula cell of a sheet, in a few long strings:
    the cells' indices (row * cols + col, rising) and where each formula
    ends in its string (CHUNK formulas a string). 100,000 formulas took 20
    MB as rows of Python lists and strings, 2 MB here (issue 26, item 6).
    formulas[r] is row r as a tuple (None where no formula); get(r, c) one
    formula or None."""
    CHUNK = 4096

    def __init__(self, cols):
        self.cols = cols
        self.index = array("q")   # cell index of each formula, rising
        self.ends = array("l")    # where each formula ends in its chunk
        self.chunks = []          # formulas k * CHUNK ... (k + 1) * CHUNK - 1, joined
        self._parts = []          # the formulas of the chunk being filled
        self._length = 0
        self.rows = 0

    @classmethod
    def of_rows(cls, rows):
        cols = len(rows[0]) if rows else 0
        forms = cls(cols)
        forms.add_indexed([(r * cols + c, f) for r, line in enumerate(rows) for c, f in enumerate(line)
                           if f is not None])
        return forms.done(len(rows))

    def add_indexed(self, items):
        """Adds (cell index, formula) pairs (index = row * cols + col), their
        indices rising and above those added before: a whole block of rows
        at once, its appends done by the arrays themselves (one call per
        cell was a second of a million-cell array formula's audit, read
        from the menu inside soffice)."""
        if not items:
            return
        if self.index and items[0][0] <= self.index[-1]:
            raise ValueError("formulas must be added row by row")
        pos = 0
        while pos < len(items):
            take = items[pos:pos + self.CHUNK - len(self._parts)]
            cells, formulas = zip(*take)
            self.index.extend(cells)
            ends = list(accumulate(map(len, formulas), initial=self._length))
            self.ends.extend(ends[1:])
            self._length = ends[-1]
            self._parts.extend(formulas)
            pos += len(take)
            if len(self._parts) == self.CHUNK:
                self._close_chunk()

    def _close_chunk(self):
        self.chunks.append("".join(self._parts))
        self._parts, self._length = [], 0

    def done(self, rows):
        if self._parts:
            self._close_chunk()
        self.rows = rows
        return self

    def _at(self, k):
        return self.chunks[k // self.CHUNK][self.ends[k - 1] if k % self.CHUNK else 0:self.ends[k]]

    def get(self, r, c):
        i = r * self.cols + c
        k = bisect_left(self.index, i)
        return self._at(k) if k < len(self.index) and self.index[k] == i else None

    def cells(self):
        """(row, col, formula) of every formula, row by row."""
        cols, index = self.cols, self.index
        for k in range(len(index)):
            yield index[k] // cols, index[k] % cols, self._at(k)

    def row(self, r):
        line = [None] * self.cols
        i = r * self.cols
        k = bisect_left(self.index, i)
        while k < len(self.index) and self.index[k] < i + self.cols:
            line[self.index[k] - i] = self._at(k)
            k += 1
        return tuple(line)


class SheetData:
    """A sheet: its values (Cells), its formulas (Formulas) and Calc's error
    number of its cells showing one ({(row, col): code}). data and forms
    may also be given as rows of values and of formulas (None where none):
    they are then made compact."""

    def __init__(self, name, index, data, forms, errors):
        self.name, self.index = name, index
        if not isinstance(data, Cells):
            data = Cells.of_rows(data)
        if not isinstance(forms, Formulas):
            forms = Formulas.of_rows(forms)
        self.data, self.forms, self.errors = data, forms, errors
        self.rows = data.rows
        self.cols = data.cols

    def value(self, r, c):
        """The cell's value as getDataArray gives it: a float, a text, "" (blank)."""
        return self.data.cell(r, c)

    def result(self, r, c):
        if (r, c) in self.errors:
            return ("error", self.errors[(r, c)])
        if r >= self.rows or c >= self.cols:
            return ("blank", None)
        v = self.data.cell(r, c)
        if isinstance(v, float):
            return ("value", v)
        if v == "":
            return ("blank", None)
        return ("text", v)

    def formula(self, r, c):
        if r < self.rows and c < self.cols:
            f = self.forms.get(r, c)
            if isinstance(f, str) and f.startswith("="):
                return f
        return None

    def formula_cells(self):
        """(row, col, formula) of every formula cell, row by row."""
        for r, c, f in self.forms.cells():
            if r < self.rows and c < self.cols and f.startswith("="):
                yield r, c, f

    def typed_numbers(self):
        """(row, col, value, label above) of every number typed in (no formula, no error)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        data, errors, up, cols = self.data, self.errors, self._up_row, self.cols
        kinds, vals, texts = data.kinds, data.vals, data.texts
        fidx, forms, nf = self.forms.index, self.forms, len(self.forms.index)
        k = 0  # the next formula
        i = kinds.find(FLOAT)
        while i >= 0:
            while k < nf and fidx[k] < i:
                k += 1
            r, c = divmod(i, cols)
            if not (k < nf and fidx[k] == i and forms._at(k).startswith("=")) and (r, c) not in errors:
                rr = up[i]
                yield r, c, vals[i], texts[int(vals[rr * cols + c])] if rr >= 0 else None
            i = kinds.find(FLOAT, i + 1)

    def typed_inputs(self):
        """(row, col, value, label above, label left) of every number typed in."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        data = self.data
        for r, c, v, above in self.typed_numbers():
            cc = self._left_col[r][c]
            yield r, c, v, above, data.cell(r, cc) if cc >= 0 else None

    def texts(self):
        """The distinct texts of the sheet's cells (a rule can tell at once
        whether a header it looks for is there at all)."""
        if not hasattr(self, "_texts"):
            self._texts = set(self.data.texts)
            if self.data.kinds.find(BLANK) >= 0:
                self._texts.add("")
        return self._texts

    def text_cells(self, wanted):
        """(row, col) of the cells whose text is in wanted, row by row."""
        return [(r, c) for r, c, t in self.data.text_cells() if t in wanted]

    def is_text(self, r, c):
        v = self.data.cell(r, c)
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
        kinds, vals, texts = self.data.kinds, self.data.vals, self.data.texts
        blank = [not t.strip() for t in texts]  # texts of spaces only are no labels
        for r in range(self.rows):
            self._up_row.extend(last_up)
            i = r * cols
            texts_at = tuple(c for c in range(cols) if kinds[i + c] == TEXT and not blank[int(vals[i + c])] and
                             (r, c) not in errors)  # is_text(r, c)
            left = shared.get(texts_at)
            if left is None:
                left = [-1] * cols
                for n, t in enumerate(texts_at):
                    end = texts_at[n + 1] + 1 if n + 1 < len(texts_at) else cols
                    left[t + 1:end] = [t] * (end - t - 1)
                shared[texts_at] = left
            self._left_col.append(left)
            for t in texts_at:
                last_up[t] = r

    def label_above(self, r, c):
        """(text, distance) of the nearest text cell above (r, c): the header of a table however long."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        rr = self._up_row[r * self.cols + c] if r < self.rows and c < self.cols else -1
        return (self.data.cell(rr, c), r - rr) if rr >= 0 else (None, None)

    def label_left(self, r, c):
        """(text, distance) of the nearest text cell left of (r, c)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        cc = self._left_col[r][c] if r < self.rows and c < self.cols else -1
        return (self.data.cell(r, cc), c - cc) if cc >= 0 else (None, None)

    def labels(self, r, c):
        """Both labels of a cell, nearest first (the one above on a tie)."""
        above, left = self.label_above(r, c), self.label_left(r, c)
        if above[0] and left[0]:
            return [above, left] if above[1] <= left[1] else [left, above]
        return [above] if above[0] else [left] if left[0] else []


class _StoredPart:
    """One sheet's stored values: cells as rising keys (row << 32 | col),
    each a double (a stored number) or an entry of `other` (anything else);
    `aside` the cells whose row or column does not fit a key (a hostile
    file's)."""
    __slots__ = ("keys", "vals", "other", "rising", "aside")

    def __init__(self):
        self.keys, self.vals, self.other, self.rising, self.aside = array("q"), array("d"), {}, True, {}

    def put(self, pos, value):
        if type(value) is tuple and len(value) == 2 and value[0] == "value" and type(value[1]) is float:
            self.vals[pos] = value[1]
            self.other.pop(pos, None)
        else:
            self.other[pos] = value

    def ready(self):
        """Sorts the cells and keeps the last value of a cell written twice
        (only when they did not come in rising order); returns how many
        cells were dropped."""
        if self.rising:
            return 0
        keys, vals, other = self.keys, self.vals, self.other
        order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: a later write stays after
        nk, nv, no = array("q"), array("d"), {}
        for j, pos in enumerate(order):
            if j + 1 < len(order) and keys[order[j + 1]] == keys[pos]:
                continue  # written again later: the later one wins
            if pos in other:
                no[len(nk)] = other[pos]
            nk.append(keys[pos])
            nv.append(vals[pos])
        dropped = len(keys) - len(nk)
        self.keys, self.vals, self.other, self.rising = nk, nv, no, True
        return dropped


_MISSING = object()


class StoredValues(MutableMapping):
    """{(sheet, row, col): stored result} of the formula cells, as read from
    the file (readers.read_stored), held compactly (_StoredPart): a number,
    ("value", x), nearly every cell, is a double. 100,000 stored values took
    21 MB as a dict of tuples, 1.6 MB here (issue 26, item 6). Cells may
    come in any order; a cell written twice keeps its last value."""

    def __init__(self, items=()):
        self._sheets = {}   # sheet -> _StoredPart
        self._n = 0
        for k, v in (items.items() if isinstance(items, Mapping) else items):
            self[k] = v

    @staticmethod
    def _key(r, c):
        if type(r) is int and type(c) is int and 0 <= r < 1 << 31 and 0 <= c < 1 << 32:
            return r << 32 | c
        return None

    def __setitem__(self, key, value):
        sheet, r, c = key
        part = self._sheets.get(sheet)
        if part is None:
            part = self._sheets[sheet] = _StoredPart()
        k = self._key(r, c)
        if k is None:
            self._n += (r, c) not in part.aside
            part.aside[(r, c)] = value
            return
        keys = part.keys
        if keys and k <= keys[-1]:
            if part.rising:
                pos = bisect_left(keys, k)
                if keys[pos] == k:  # written again
                    part.put(pos, value)
                    return
            part.rising = False  # sorted when next read (ready)
        keys.append(k)
        part.vals.append(0.0)
        part.put(len(keys) - 1, value)
        self._n += 1

    def _part(self, sheet):
        part = self._sheets.get(sheet)
        if part is not None:
            self._n -= part.ready()
        return part

    def get(self, key, default=None):
        # Written out (not Mapping.get through __getitem__ and KeyError):
        # the rules ask once per KPI cell, a million times for a
        # million-cell array formula.
        sheet, r, c = key
        part = self._part(sheet)
        if part is None:
            return default
        k = self._key(r, c)
        if k is not None:
            keys = part.keys
            pos = bisect_left(keys, k)
            if pos == len(keys) or keys[pos] != k:
                return default
            other = part.other
            return other[pos] if pos in other else ("value", part.vals[pos])
        return part.aside.get((r, c), default)

    def __getitem__(self, key):
        v = self.get(key, _MISSING)
        if v is _MISSING:
            raise KeyError(key)
        return v

    def __contains__(self, key):
        return self.get(key, _MISSING) is not _MISSING

    def __delitem__(self, key):
        raise TypeError("stored values are not removed")

    def __iter__(self):
        for sheet in list(self._sheets):
            part = self._part(sheet)
            for k in part.keys:
                yield (sheet, k >> 32, k & 0xFFFFFFFF)
            for r, c in part.aside:
                yield (sheet, r, c)

    def __len__(self):
        for sheet in self._sheets:
            self._part(sheet)
        return self._n

    def __repr__(self):
        return f"StoredValues({dict(self.items())!r})"


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
