"""ODF (content.xml, a flat .fods): the stored values of the formula cells,
read with expat's namespace processing, or without it where the bytes show
every namespace declared once on the root element (prefixes then stand for
their namespaces: a third faster on a million cells)."""
from kpitools.audit.model import StoredValues
from kpitools.audit.xmlpass import NAVIGATION, XLINK_HREF, Areas, ReadError, external, number

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
T_TABLE, T_ROW, T_NAME = TABLE + " table", TABLE + " table-row", TABLE + " name"
T_CELLS = (TABLE + " table-cell", TABLE + " covered-table-cell")
T_ROWS_REPEATED, T_COLS_REPEATED = TABLE + " number-rows-repeated", TABLE + " number-columns-repeated"
T_MATRIX_ROWS, T_MATRIX_COLS = TABLE + " number-matrix-rows-spanned", TABLE + " number-matrix-columns-spanned"
T_FORMULA, O_VALUE_TYPE = TABLE + " formula", OFFICE + " value-type"


class OdfReader:
    """content.xml (or a flat .fods): the stored result of every formula cell
    and of every other cell of an array formula's area; `links` tells
    whether the document has an external xlink:href (then the copy must be
    rewritten without them, else it can be the same bytes). prefixes: the
    document's {prefix: namespace} when it is read without namespace
    processing (XmlPass(namespaces=False)), names then as written."""

    def __init__(self, budget, prefixes=None):
        self.budget = budget
        self.out = StoredValues()  # compact: a value per formula cell (model.py)
        self.areas = Areas(budget)
        self.depth = 0
        self.sheet, self.row, self.col = None, 0, 0
        self.cell = None    # (attrs, [text] or None when its text is not needed) of the cell being read
        self.links = False
        self.parser = None  # when reading only (XmlPass): the text handler is on only inside the cells read
        self.prefixes = prefixes
        name = _written(prefixes) if prefixes is not None else (lambda key: key)
        self.k_table, self.k_row, self.k_name = name(T_TABLE), name(T_ROW), name(T_NAME)
        self.k_cells = tuple(name(k) for k in T_CELLS)
        self.k_rows_rep, self.k_cols_rep = name(T_ROWS_REPEATED), name(T_COLS_REPEATED)
        self.k_formula, self.k_href = name(T_FORMULA), name(XLINK_HREF)

    def _keys(self, a):
        """A cell's attributes keyed as namespace processing gives them ("uri local")."""
        if self.prefixes is None:
            return a
        out = {}
        for k, v in a.items():
            prefix, _, local = k.rpartition(":")
            uri = self.prefixes.get(prefix) if prefix else None
            out[f"{uri} {local}" if uri else k] = v
        return out

    # The deadline is checked by XmlPass.feed, at every chunk of 64 KB.
    def start(self, key, a):
        if self.k_href in a and key not in NAVIGATION and external(a[self.k_href]):
            self.links = True
        if key in self.k_cells:
            if self.depth == 1:
                # Only formula cells and the cells of array areas are kept
                # (with their text); the others are counted and passed.
                if self.k_formula in a or (self.areas.rows and self.areas.inside(self.sheet, self.row, self.col)):
                    self.cell = (self._keys(a), [])
                    if self.parser is not None:
                        self.parser.CharacterDataHandler = self.text
                else:
                    self.cell = (a, None)
        elif key == self.k_table:
            self.depth += 1
            if self.depth == 1:
                self.sheet, self.row = a.get(self.k_name), 0
        elif self.depth == 1 and key == self.k_row:
            self.col = 0
            self.row_repeat = _count(a.get(self.k_rows_rep))

    def text(self, data):
        if self.cell is not None and self.cell[1] is not None and sum(map(len, self.cell[1])) < 1000:
            self.cell[1].append(data)

    def end(self, key):
        if key in self.k_cells:
            if self.depth != 1 or self.cell is None:
                return
            a, text = self.cell
            self.cell = None
            if text is None:
                repeat = a.get(self.k_cols_rep)
                self.col += 1 if repeat is None else _count(repeat)
                return
            repeat = _count(a.get(T_COLS_REPEATED))
            if self.parser is not None:
                self.parser.CharacterDataHandler = None
            if a.get(T_FORMULA) is not None:
                stored = odf_value(a, "".join(text))
                self.budget.add_cells(repeat, "the formula cells")
                for i in range(min(repeat, 1024)):
                    self.out[(self.sheet, self.row, self.col + i)] = stored
                # An array formula is written once, in its first cell; the
                # other cells of its area hold only their stored values.
                self.areas.add(self.sheet, self.row, self.col,
                               _count(a.get(T_MATRIX_ROWS)), _count(a.get(T_MATRIX_COLS)))
            else:
                self.out[(self.sheet, self.row, self.col)] = odf_value(a, "".join(text))
            self.col += repeat
        elif key == self.k_table:
            self.depth -= 1
        elif self.depth == 1 and key == self.k_row:
            self.row += self.row_repeat


def _written(prefixes):
    """"uri local" -> the name as written with the document's one prefix for
    that namespace (a name no element has when the namespace is not declared)."""
    by_uri = {uri: prefix for prefix, uri in prefixes.items()}

    def name(key):
        uri, local = key.split(" ")
        prefix = by_uri.get(uri)
        return f"{prefix}:{local}" if prefix else "\0" + key
    return name


def _count(text):
    try:
        n = int(text) if text is not None else 1
    except ValueError:
        raise ReadError("damaged", f"damaged workbook: a repeat or span of '{text[:20]}'")
    if n < 1 or n > 1 << 24:
        raise ReadError("damaged", f"damaged workbook: a repeat or span of {n}")
    return n


def odf_value(a, text):
    """A stored result: ('value', x), ('error', '#DIV/0!'), ('text', s),
    ('date', iso), ('invalid', why) or None (no value stored)."""
    vtype = a.get(O_VALUE_TYPE)
    if a.get(CALCEXT + " value-type") == "error":
        return ("error", text.strip())
    if vtype in ("float", "percentage", "currency"):
        v = a.get(OFFICE + " value")
        return None if v is None else number(v)
    if vtype == "boolean":
        return ("value", 1.0 if a.get(OFFICE + " boolean-value") == "true" else 0.0)
    if vtype == "string":
        s = a.get(OFFICE + " string-value")
        return ("text", s if s is not None else text)
    if vtype in ("date", "time"):
        return ("date", a.get(OFFICE + " date-value") or a.get(OFFICE + " time-value"))
    return None
