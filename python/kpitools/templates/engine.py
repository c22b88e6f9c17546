"""A small spreadsheet model that writes flat ODF (.fods) workbooks.

Used by the workbook modules (make_templates.py lists them). Each formula is built as an expression tree
(Ref, Rng, Fn, Op) so that the generator can both write it in ODF syntax
(`of:=KPI.CPL([.B5:.B16];[.C5:.C16])`) and evaluate it here: the spreadsheet
functions in plain Python, the KPI functions by the core itself through the
`kpi` module (core_functions.py). The evaluated value is written as the
cell's cached value (office:value), so reviewers see every figure in the diff
and a colleague without the extension sees the figures; the Calc tests check
the key figures against values they compute themselves.

Output is deterministic: same input, byte-identical file (no dates, no ids).
Needs the build's `kpi` module (build/python) on PYTHONPATH.
"""
import math
from xml.sax.saxutils import escape, quoteattr

from kpitools.sheet.addresses import col_name, parse_addr
from kpitools.sheet.xmlns import declarations
from kpitools.templates.charts import chart_xml
from kpitools.templates.core_functions import core_functions
from kpitools.templates.sheetfuncs import FUNCTIONS, CalcError, num as _num, text as _text, truth as _truth
from kpitools.templates.styles import BREAK, LOCALES, _cell_styles, _master_pages, _number_styles, _page_styles


# ---------------------------------------------------------------- addresses
def _sheet_prefix(sheet, here):
    if sheet is None or sheet == here:
        return "."
    return "$'" + sheet.replace("'", "''") + "'."


# ---------------------------------------------------------------- expressions
class Ref:
    def __init__(self, addr, sheet=None):
        self.col, self.row = parse_addr(addr)
        self.sheet = sheet

    def odf(self, here):
        return f"[{_sheet_prefix(self.sheet, here)}{col_name(self.col)}{self.row + 1}]"

    def eval(self, book, here):
        return book.value(self.sheet or here, self.col, self.row)


class Rng:
    def __init__(self, a, b, sheet=None):
        self.c1, self.r1 = parse_addr(a)
        self.c2, self.r2 = parse_addr(b)
        self.sheet = sheet

    def odf(self, here):
        p = _sheet_prefix(self.sheet, here)
        return f"[{p}{col_name(self.c1)}{self.r1 + 1}:.{col_name(self.c2)}{self.r2 + 1}]"

    def cells(self):
        return [(c, r) for r in range(self.r1, self.r2 + 1) for c in range(self.c1, self.c2 + 1)]

    def cell(self, book, here, i, j=None):
        """INDEX(this; i[; j]) as Calc reads it: (row, column) of a block, the i-th of a column, and,
        as Gnumeric needs, INDEX(row; 1; j) for a one-row range (a lone index there is #REF!)."""
        i = int(_num(i))
        if j is None:
            if self.c1 != self.c2:
                raise CalcError("#REF!", "INDEX(range; i) of a range wider than one column")
            j = 1
        j = int(_num(j))
        if not (1 <= i <= self.r2 - self.r1 + 1 and 1 <= j <= self.c2 - self.c1 + 1):
            raise CalcError("#REF!", "INDEX out of the range")
        return book.value(self.sheet or here, self.c1 + j - 1, self.r1 + i - 1)

    def eval(self, book, here):
        return book.block(self.sheet or here, self.c1, self.r1, self.c2, self.r2)


class Fn:
    def __init__(self, name, *args):
        self.name, self.args = name, args

    def odf(self, here):
        return f"{self.name}({';'.join(_odf(a, here) for a in self.args)})"

    def eval(self, book, here):
        if self.name == "IF":  # lazy, as in Calc: the branch not taken is not computed
            cond, yes, no = self.args
            return _eval(yes if _truth(_eval(cond, book, here)) else no, book, here)
        if self.name == "IFERROR":
            try:
                return _eval(self.args[0], book, here)
            except CalcError:
                return _eval(self.args[1], book, here)
        if self.name == "ISNA":  # takes the error its argument gives
            try:
                _eval(self.args[0], book, here)
                return False
            except CalcError as e:
                if e.code == "#N/A":
                    return True
                raise
        if self.name == "INDEX" and isinstance(self.args[0], Rng):
            # One cell of a reference, without reading the whole range (an import sheet's is 2,000,000).
            return self.args[0].cell(book, here, *[_eval(a, book, here) for a in self.args[1:]])
        return _function(self.name)(*[_eval(a, book, here) for a in self.args])


class Op:
    def __init__(self, op, a, b):
        self.op, self.a, self.b = op, a, b

    def odf(self, here):
        def side(x):
            s = _odf(x, here)
            return f"({s})" if isinstance(x, Op) else s
        return f"{side(self.a)}{self.op}{side(self.b)}"

    def eval(self, book, here):
        a, b = _eval(self.a, book, here), _eval(self.b, book, here)
        if self.op == "&":
            return _text(a) + _text(b)
        if self.op in COMPARE:
            if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
                a, b = ("" if a is None else a), ("" if b is None else b)
                if isinstance(a, str) != isinstance(b, str):
                    a, b = str(a), str(b)
            return COMPARE[self.op](a, b)
        a, b = _num(a), _num(b)
        if self.op == "/" and b == 0:
            raise CalcError("#DIV/0!")
        return ARITHMETIC[self.op](a, b)


ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b}


def _fold(v):
    return v.casefold() if isinstance(v, str) else v


# Text comparisons ignore case, as Calc does with the templates' settings (Book.wildcards).
COMPARE = {"=": lambda a, b: _fold(a) == _fold(b), "<>": lambda a, b: _fold(a) != _fold(b),
           "<": lambda a, b: _fold(a) < _fold(b), ">": lambda a, b: _fold(a) > _fold(b),
           "<=": lambda a, b: _fold(a) <= _fold(b), ">=": lambda a, b: _fold(a) >= _fold(b)}


class Slice:
    """INDEX(rng; r1; c1):INDEX(rng; r2; c2), the cells r1..r2 x c1..c2 (1-based) of a block:
    a column of an import sheet found by its header (imports.py), without OFFSET (volatile:
    recalculated on every load, so a colleague without the extension would see #NAME? instead of
    the last value). Written in a named expression (Name): HyperFormula parses no range operator
    between two function calls."""

    def __init__(self, rng, r1, c1, r2, c2):
        self.rng, self.bounds = rng, (r1, c1, r2, c2)

    def fixed(self):
        """The plain range when every bound is a number (rows 1-10 of an import sheet), else None:
        HyperFormula parses no range operator between two function calls."""
        if not all(isinstance(b, int) for b in self.bounds):
            return None
        r1, c1, r2, c2 = self.bounds
        g = self.rng
        return Rng(f"{col_name(g.c1 + c1 - 1)}{g.r1 + r1}", f"{col_name(g.c1 + c2 - 1)}{g.r1 + r2}", g.sheet)

    def odf(self, here):
        if self.fixed():
            return self.fixed().odf(here)
        r = self.rng.odf(here)
        r1, c1, r2, c2 = (_odf(x, here) for x in self.bounds)
        return f"INDEX({r};{r1};{c1}):INDEX({r};{r2};{c2})"

    def eval(self, book, here):
        r1, c1, r2, c2 = (int(_num(_eval(x, book, here))) for x in self.bounds)
        g = self.rng
        if not (1 <= r1 <= r2 <= g.r2 - g.r1 + 1 and 1 <= c1 <= c2 <= g.c2 - g.c1 + 1):
            raise CalcError("#REF!", "INDEX out of the range")
        return book.block(g.sheet or here, g.c1 + c1 - 1, g.r1 + r1 - 1, g.c1 + c2 - 1, g.r1 + r2 - 1)


class Window:
    """The sum of the cells first..last (1-based) of a one-column range, as
    SUMPRODUCT(({1|2|..|n}>=first)*({1|2|..|n}<=last);rng): the same figure as SUM(INDEX(rng;first):INDEX(rng;last)), in
    a form every engine parses (HyperFormula reads no INDEX(..):INDEX(..), issue 25 item 5). Text
    and "" count as 0 in SUMPRODUCT's second array, as SUM skips them."""

    def __init__(self, rng, first, last):
        if rng.c1 != rng.c2:
            raise ValueError("Window: a one-column range")
        self.rng, self.first, self.last = rng, first, last

    def odf(self, here):
        months = "{" + "|".join(str(i) for i in range(1, self.rng.r2 - self.rng.r1 + 2)) + "}"
        return (f"SUMPRODUCT(({months}>={_odf(self.first, here)})*({months}<={_odf(self.last, here)});"
                f"{self.rng.odf(here)})")

    def eval(self, book, here):
        i, j = (_num(_eval(x, book, here)) for x in (self.first, self.last))
        cells = self.rng.eval(book, here)
        return float(sum(v for k, v in enumerate(cells, start=1)
                         if i <= k <= j and isinstance(v, (int, float)) and not isinstance(v, bool)))


class Name:
    """A named expression of the workbook (written once, read by name): an import sheet's column
    found by its header, INDEX(..):INDEX(..). Formulas that read it stay short (Excel's limit is
    8,192 characters, issue 25 item 3), and an engine that cannot parse the expression
    (HyperFormula) fails only the cells that do read it: the import formulas read it only once an
    export is pasted (IF(in use; ...; 0)), so a workbook without one computes there too.
    home: the sheet the expression's unqualified references belong to."""

    def __init__(self, name, expr, home):
        self.name, self.expr, self.home = name, expr, home

    def odf(self, here):
        return self.name

    def eval(self, book, here):
        return _eval(self.expr, book, self.home)

    def definition(self):
        """The expression as a named expression holds it: every reference absolute, with its sheet."""
        return _absolute(self.expr, self.home)


def _absolute(x, home):
    def sheet(s):
        return "$'" + (s or home).replace("'", "''") + "'."
    if isinstance(x, Ref):
        return f"[{sheet(x.sheet)}${col_name(x.col)}${x.row + 1}]"
    if isinstance(x, Rng):
        return f"[{sheet(x.sheet)}${col_name(x.c1)}${x.r1 + 1}:.${col_name(x.c2)}${x.r2 + 1}]"
    if isinstance(x, Fn):
        return f"{x.name}({';'.join(_absolute(a, home) for a in x.args)})"
    if isinstance(x, Op):
        def side(y):
            t = _absolute(y, home)
            return f"({t})" if isinstance(y, Op) else t
        return f"{side(x.a)}{x.op}{side(x.b)}"
    if isinstance(x, Slice):
        if x.fixed():
            return _absolute(x.fixed(), home)
        r = _absolute(x.rng, home)
        r1, c1, r2, c2 = (_absolute(b, home) for b in x.bounds)
        return f"INDEX({r};{r1};{c1}):INDEX({r};{r2};{c2})"
    return _odf(x, home)


def names_in(x, found):
    """Collects the Names an expression reads (into the dict found, by name)."""
    if isinstance(x, Name):
        found.setdefault(x.name, x)
    elif isinstance(x, Fn):
        for a in x.args:
            names_in(a, found)
    elif isinstance(x, Op):
        names_in(x.a, found)
        names_in(x.b, found)
    return found


TRUE = Fn("TRUE")
EXPRESSIONS = (Ref, Rng, Fn, Op, Slice, Window, Name)


def _odf(x, here):
    if isinstance(x, EXPRESSIONS):
        return x.odf(here)
    if isinstance(x, str):
        return '"' + x.replace('"', '""') + '"'
    return repr(x) if isinstance(x, float) else str(x)


def _eval(x, book, here):
    if isinstance(x, EXPRESSIONS):
        return x.eval(book, here)
    return x


_KPI = {}  # the KPI functions: the core's own (the `kpi` module), loaded on first use, never re-typed here


def _function(name):
    if name.startswith("KPI."):
        if not _KPI:
            _KPI.update(core_functions())
        return _KPI[name]
    return FUNCTIONS[name]


# ---------------------------------------------------------------- workbook
class Sheet:
    def __init__(self, name, widths_cm, landscape=False, printed=True):
        self.name = name
        self.widths = widths_cm
        self.landscape = landscape
        self.printed = printed  # False: left out of a print or a PDF of all sheets (table:print)
        self.hidden = set()     # rows (0-based) the reader does not see: helper figures of the formulas
        self.breaks = set()    # rows (0-based) printed at the top of a new page
        self.cells = {}        # (col, row) -> (kind, payload, style)
        self.heights = {}      # row -> cm
        self.spans = {}        # (col, row) -> number of columns merged
        self.charts = []

    def text(self, addr, s, style="label"):
        self.cells[parse_addr(addr)] = ("text", s, style)

    def link(self, addr, s, url, style="link"):
        self.cells[parse_addr(addr)] = ("link", (s, url), style)

    def num(self, addr, v, style):
        self.cells[parse_addr(addr)] = ("num", v, style)

    def blank(self, addr, style):
        """An empty cell with a style: an input to fill (the Imports sheets' spare header names)."""
        self.cells[parse_addr(addr)] = ("empty", None, style)

    def formula(self, addr, expr, style):
        self.cells[parse_addr(addr)] = ("formula", expr, style)

    def merge(self, addr, ncols):
        c, r = parse_addr(addr)
        self.spans[(c, r)] = ncols
        for i in range(1, ncols):
            self.cells[(c + i, r)] = ("covered", None, None)

    def row_height(self, row1, cm):
        self.heights[row1 - 1] = cm

    def hide_row(self, row1):
        """Hide row row1 (1-based): a helper figure the formulas read, not for the reader."""
        self.hidden.add(row1 - 1)

    def page_break(self, row1):
        """Start a new printed page at row row1 (1-based): keeps a chart or a table whole."""
        self.breaks.add(row1 - 1)

    def chart(self, **spec):
        self.charts.append(spec)


class Book:
    def __init__(self, lang, title, description, wildcards=False):
        self.lang = lang
        self.title = title
        self.description = description
        # wildcards: the document's calculation settings say so, with case-insensitive text and no
        # regular expressions (Calc's defaults for a new document). Without them a flat ODF file falls
        # back to ODF's defaults, regular expressions and case-sensitive: the import formulas need
        # wildcards, and a header such as "Amount spent (EUR)" would not match itself as a regex.
        self.wildcards = wildcards
        self.sheets = []
        self._cache = {}

    def sheet(self, name, widths_cm, landscape=False, printed=True):
        s = Sheet(name, widths_cm, landscape, printed)
        self.sheets.append(s)
        return s

    def _get(self, name):
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def value(self, sheet, col, row):
        key = (sheet, col, row)
        if key in self._cache:
            return self._cache[key]
        cell = self._get(sheet).cells.get((col, row))
        if cell is None:
            v = None
        elif cell[0] == "link":
            v = cell[1][0]
        elif cell[0] in ("num", "text"):
            v = cell[1]
        elif cell[0] in ("covered", "empty"):
            v = None
        else:
            v = cell[1].eval(self, sheet)
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{sheet}.{col_name(col)}{row + 1} is not finite")
        self._cache[key] = v
        return v

    def block(self, sheet, c1, r1, c2, r2):
        """The values of a rectangle, row by row; a large one mostly empty (an import sheet) is read
        from the cells the sheet has."""
        width, n = c2 - c1 + 1, (c2 - c1 + 1) * (r2 - r1 + 1)
        cells = self._get(sheet).cells
        if len(cells) >= n:
            return [self.value(sheet, c, r) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        out = [None] * n
        for c, r in cells:
            if c1 <= c <= c2 and r1 <= r <= r2:
                out[(r - r1) * width + c - c1] = self.value(sheet, c, r)
        return out

    # -- writing -------------------------------------------------------------
    def fods(self):
        L = []
        L.append('<?xml version="1.0" encoding="UTF-8"?>')
        L.append("<!-- Generated by python/kpitools/templates (pipeline generate): edit the generator, not this file. -->")
        L.append(f"<office:document {NAMESPACES} office:version=\"1.3\" "
                 'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">')
        L.append("<office:meta>")
        L.append(f"<dc:title>{escape(self.title)}</dc:title>")
        L.append(f"<dc:description>{escape(self.description)}</dc:description>")
        L.append(f"<dc:language>{'-'.join(LOCALES[self.lang])}</dc:language>")
        L.append("</office:meta>")
        # The document language (Tools > Options > Language Settings > Languages, "for the current
        # document only"): spelling, hyphenation and the language new cells get.
        la, co = LOCALES[self.lang]
        L.append('<office:styles><style:default-style style:family="table-cell">'
                 f'<style:text-properties fo:language="{la}" fo:country="{co}"/></style:default-style></office:styles>')
        L.append("<office:automatic-styles>")
        L += _number_styles(self.lang)
        L += _cell_styles()
        widths = sorted({w for s in self.sheets for w in s.widths})
        for w in widths:
            L.append(f'<style:style style:name="co{_wname(w)}" style:family="table-column">'
                     f'<style:table-column-properties style:column-width="{w}cm"/></style:style>')
        for h, brk in sorted({_row_key(s, r) for s in self.sheets for r in set(s.heights) | s.breaks}):
            size = (f'style:row-height="{h}cm" style:use-optimal-row-height="false"' if h
                    else 'style:use-optimal-row-height="true"')
            L.append(f'<style:style style:name="{_row_style(h, brk)}" style:family="table-row">'
                     f'<style:table-row-properties {size}{BREAK if brk else ""}/>'
                     '</style:style>')
        L.append('<style:style style:name="chartframe" style:family="graphic"/>')
        L += _page_styles(self.lang)
        L.append("</office:automatic-styles>")
        L += _master_pages(self.lang)
        L.append("<office:body><office:spreadsheet>")
        if self.wildcards:
            L.append('<table:calculation-settings table:case-sensitive="false" '
                     'table:use-regular-expressions="false" table:use-wildcards="true"/>')
        for s in self.sheets:
            L += self._table(s)
        names = {}
        for s in self.sheets:
            for cell in s.cells.values():
                if cell[0] == "formula":
                    names_in(cell[1], names)
        if names:
            L.append("<table:named-expressions>")
            for n in sorted(names):
                L.append(f"<table:named-expression table:name={quoteattr(n)} table:base-cell-address="
                         f"{quoteattr(_absolute(Ref('A1', names[n].home), names[n].home)[1:-1])} "
                         f"table:expression={quoteattr(names[n].definition())}/>")
            L.append("</table:named-expressions>")
        L.append("</office:spreadsheet></office:body></office:document>")
        return "\n".join(L) + "\n"

    def _table(self, s):
        L = [f"<table:table table:name={quoteattr(s.name)} "
             f'table:style-name="{"ta_land" if s.landscape else "ta_port"}"'
             + ('' if s.printed else ' table:print="false"') + '>']
        for w in s.widths:
            L.append(f'<table:table-column table:style-name="co{_wname(w)}"/>')
        anchors = {}
        for i, ch in enumerate(s.charts):
            anchors.setdefault(parse_addr(ch["anchor"]), []).append((i, ch))
        last_row = max(r for _, r in list(s.cells) + list(anchors))
        for r in range(last_row + 1):
            h, brk = _row_key(s, r)
            hide = ' table:visibility="collapse"' if r in s.hidden else ""
            L.append(f'<table:table-row table:style-name="{_row_style(h, brk)}"{hide}>' if h or brk
                     else f"<table:table-row{hide}>")
            cols = [c for c, rr in list(s.cells) + list(anchors) if rr == r]
            last_col = max(cols) if cols else -1
            empty = 0
            for c in range(last_col + 1):
                if (c, r) not in s.cells and (c, r) not in anchors:
                    empty += 1
                    continue
                if empty:
                    L.append(_empty(empty))
                    empty = 0
                L.append(self._cell(s, c, r, anchors.get((c, r), [])))
            if last_col < 0:
                L.append("<table:table-cell/>")
            L.append("</table:table-row>")
        L.append("</table:table>")
        return L

    def _cell(self, s, c, r, charts):
        kind, payload, style = s.cells.get((c, r), ("empty", None, None))
        if kind == "covered":
            return "<table:covered-table-cell/>"
        attrs = f' table:style-name="{style}"' if style else ""
        if (c, r) in s.spans:
            attrs += f' table:number-columns-spanned="{s.spans[(c, r)]}" table:number-rows-spanned="1"'

        inner = ""
        if kind == "text":
            attrs += ' office:value-type="string"'
            inner = f"<text:p>{escape(payload)}</text:p>"
        elif kind == "link":
            attrs += ' office:value-type="string"'
            inner = f"<text:p><text:a xlink:href={quoteattr(payload[1])}>{escape(payload[0])}</text:a></text:p>"
        elif kind == "num":
            attrs += f' office:value-type="float" office:value="{_fmt(payload)}"'
        elif kind == "formula":
            # No array formulas: Calc recalculates them on load, so without the
            # extension they would show #NAME? instead of their cached values.
            v = self.value(s.name, c, r)
            attrs += f' table:formula={quoteattr("of:=" + payload.odf(s.name))}'
            if isinstance(v, bool):
                attrs += f' office:value-type="boolean" office:boolean-value="{str(v).lower()}"'
            elif isinstance(v, str):
                attrs += f' office:value-type="string" office:string-value={quoteattr(v)}'
                inner = f"<text:p>{escape(v)}</text:p>" if v else ""
            else:
                attrs += f' office:value-type="float" office:value="{_fmt(v)}"'
        for _, ch in charts:
            inner += self._chart(s, ch)
        return f"<table:table-cell{attrs}>{inner}</table:table-cell>" if inner else f"<table:table-cell{attrs}/>"

    def _chart(self, s, ch):
        return chart_xml(s.name, ch)


def _row_key(s, r):
    return (s.heights.get(r, 0), r in s.breaks)


def _row_style(h, brk):
    return f"ro{_wname(h)}" + ("b" if brk else "")


def _empty(n):
    return "<table:table-cell/>" if n == 1 else f'<table:table-cell table:number-columns-repeated="{n}"/>'


def _wname(w):
    return str(w).replace(".", "_")


def _fmt(v):
    """Shortest text that reads back as the same double (repr), integers bare."""
    v = float(v)
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


NAMESPACES = declarations()
