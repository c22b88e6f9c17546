"""A small spreadsheet model that writes flat ODF (.fods) workbooks.

Used by make_templates.py. Each formula is built as an expression tree
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
from kpitools.templates.core_functions import core_functions


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

    def eval(self, book, here):
        sh = self.sheet or here
        return [book.value(sh, c, r) for c, r in self.cells()]


class Fn:
    def __init__(self, name, *args):
        self.name, self.args = name, args

    def odf(self, here):
        return f"{self.name}({';'.join(_odf(a, here) for a in self.args)})"

    def eval(self, book, here):
        if self.name == "IF":  # lazy, as in Calc: the branch not taken is not computed
            cond, yes, no = self.args
            return _eval(yes if _truth(_eval(cond, book, here)) else no, book, here)
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
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[self.op]


COMPARE = {"=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
           ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def _text(v):
    if v is None:
        return ""
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def _truth(v):
    return bool(v) if not isinstance(v, str) else v != ""


class Span:
    """INDEX(rng; first):INDEX(rng; last), the cells first..last (1-based) of a one-column or one-row
    range: a reference that moves with the figures, without OFFSET (volatile: recalculated on every
    load, so a colleague without the extension would see #NAME? instead of the last value)."""

    def __init__(self, rng, first, last):
        self.rng, self.first, self.last = rng, first, last

    def odf(self, here):
        r = self.rng.odf(here)
        return f"INDEX({r};{_odf(self.first, here)}):INDEX({r};{_odf(self.last, here)})"

    def eval(self, book, here):
        i, j = (int(_num(_eval(x, book, here))) for x in (self.first, self.last))
        cells = self.rng.eval(book, here)
        if not 1 <= i <= j <= len(cells):
            raise ValueError("INDEX out of the range (Calc shows an error)")
        return cells[i - 1:j]


TRUE = Fn("TRUE")


def _odf(x, here):
    if isinstance(x, (Ref, Rng, Fn, Op, Span)):
        return x.odf(here)
    if isinstance(x, str):
        return '"' + x.replace('"', '""') + '"'
    return repr(x) if isinstance(x, float) else str(x)


def _eval(x, book, here):
    if isinstance(x, (Ref, Rng, Fn, Op, Span)):
        return x.eval(book, here)
    return x


def _num(v):
    if isinstance(v, list):
        raise ValueError("a range where a single value belongs")
    return 0.0 if v is None else float(v)


# ------------------------------------------- cells as the spreadsheet functions read them
def _amount(v):
    """Amount/count convention: a range is summed, blanks and text skipped."""
    if isinstance(v, list):
        return float(sum(x for x in v if isinstance(x, (int, float)) and not isinstance(x, bool)))
    return _num(v)


def _crit_ok(v, crit):
    if crit == "<>":  # non-empty
        return v is not None and v != ""
    if isinstance(crit, str) and crit[:2] in (">=", "<="):
        if not isinstance(v, (int, float)):
            return False
        x = float(crit[2:])
        return v >= x if crit[:2] == ">=" else v <= x
    return v == crit


def _sumifs(sum_range, *pairs):
    tot = 0.0
    for i, v in enumerate(sum_range):
        if all(_crit_ok(pairs[k][i], pairs[k + 1]) for k in range(0, len(pairs), 2)):
            tot += v if isinstance(v, (int, float)) else 0.0
    return tot


def _countifs(*pairs):
    n = len(pairs[0])
    return float(sum(1 for i in range(n)
                     if all(_crit_ok(pairs[k][i], pairs[k + 1]) for k in range(0, len(pairs), 2))))


def _index(rng, i, j=None):
    """INDEX over a one-column range (i), or a one-row range (1; j): write the row 1 explicitly
    for a row, as Gnumeric reads a lone index as the row (#REF! on a one-row range)."""
    if j is not None:
        if int(_num(i)) != 1:
            raise ValueError("INDEX(row range; 1; column) only")
        i = j
    i = int(_num(i))
    if i < 1 or i > len(rng):
        raise ValueError("INDEX out of the range (Calc shows an error)")
    return rng[i - 1]


FUNCTIONS = {
    "SUM": lambda *a: sum(_amount(x) for x in a),
    "COUNT": lambda *a: float(sum(1 for x in a for y in (x if isinstance(x, list) else [x])
                                  if isinstance(y, (int, float)) and not isinstance(y, bool))),
    "INDEX": _index,
    "INT": lambda x: float(math.floor(_num(x))),
    "SUMIFS": _sumifs,
    "COUNTIFS": _countifs,
    "TRUE": lambda: True,
}
_KPI = {}  # the KPI functions: the core's own (the `kpi` module), loaded on first use, never re-typed here


def _function(name):
    if name.startswith("KPI."):
        if not _KPI:
            _KPI.update(core_functions())
        return _KPI[name]
    return FUNCTIONS[name]


# ---------------------------------------------------------------- styles
# Number formats per language: (ODF data style body). "money" amounts,
# "money2" unit costs, "pct1"/"pct2" rates, "ratio" multiples, "dec1" points
# or months, "int" counts.
LOCALES = {
    "en": ("en", "IE"),
    "fr": ("fr", "FR"),
}


def _number_styles(lang):
    la, co = LOCALES[lang]
    loc = f'number:language="{la}" number:country="{co}"'

    def num(dec, grouping=True):
        g = ' number:grouping="true"' if grouping else ""
        return (f'<number:number number:decimal-places="{dec}" number:min-decimal-places="{dec}" '
                f'number:min-integer-digits="1"{g}/>')

    sym = f'<number:currency-symbol {loc}>€</number:currency-symbol>'

    def money(dec):
        if lang == "fr":
            return num(dec) + '<number:text> </number:text>' + sym
        return sym + num(dec)

    pct_sep = '<number:text> %</number:text>' if lang == "fr" else '<number:text>%</number:text>'
    return [
        f'<number:number-style style:name="N_int" {loc}>{num(0)}</number:number-style>',
        f'<number:date-style style:name="N_date" {loc}><number:day/><number:text> </number:text>'
        '<number:month number:textual="true" number:style="long"/><number:text> </number:text>'
        '<number:year number:style="long"/></number:date-style>',
        f'<number:number-style style:name="N_dec1" {loc}>{num(1)}</number:number-style>',
        f'<number:number-style style:name="N_dec3" {loc}>{num(3, grouping=False)}</number:number-style>',
        f'<number:number-style style:name="N_ratio" {loc}>{num(2)}<number:text>×</number:text></number:number-style>',
        f'<number:currency-style style:name="N_money" {loc}>{money(0)}</number:currency-style>',
        f'<number:currency-style style:name="N_money2" {loc}>{money(2)}</number:currency-style>',
        f'<number:percentage-style style:name="N_pct1" {loc}>{num(1)}{pct_sep}</number:percentage-style>',
        f'<number:percentage-style style:name="N_pct2" {loc}>{num(2)}{pct_sep}</number:percentage-style>',
    ]


NAVY = "#1f3864"
INPUT_BLUE = "#1f4e9b"
INPUT_BG = "#eef3fb"
KPI_BG = "#f2f2f2"
FORMATS = ["int", "dec1", "dec3", "ratio", "money", "money2", "pct1", "pct2"]
# Roles: "in" input (blue on pale blue: type here), "out" computed,
# "tot" total row (bold, rule above), "key" headline figure.
ROLES = {
    "in": f'<style:table-cell-properties fo:background-color="{INPUT_BG}"/>'
          f'<style:text-properties fo:color="{INPUT_BLUE}"/>',
    "out": "",
    "tot": f'<style:table-cell-properties fo:border-top="0.5pt solid {NAVY}"/>'
           '<style:text-properties fo:font-weight="bold"/>',
    "key": f'<style:table-cell-properties fo:background-color="{KPI_BG}" fo:border="0.5pt solid #bfbfbf"/>'
           f'<style:text-properties fo:font-size="13pt" fo:font-weight="bold" fo:color="{NAVY}"/>',
}
TEXT_STYLES = {
    "title": f'<style:text-properties fo:font-size="18pt" fo:font-weight="bold" fo:color="{NAVY}"/>',
    "note": '<style:text-properties fo:font-style="italic" fo:color="#595959"/>',
    "section": f'<style:table-cell-properties fo:border-bottom="1pt solid {NAVY}"/>'
               f'<style:text-properties fo:font-size="12pt" fo:font-weight="bold" fo:color="{NAVY}"/>',
    "head": f'<style:table-cell-properties fo:background-color="{NAVY}" fo:wrap-option="wrap" style:vertical-align="middle"/>'
            '<style:paragraph-properties fo:text-align="end"/>'
            '<style:text-properties fo:font-weight="bold" fo:color="#ffffff"/>',
    "head_l": f'<style:table-cell-properties fo:background-color="{NAVY}" style:vertical-align="middle"/>'
              '<style:text-properties fo:font-weight="bold" fo:color="#ffffff"/>',
    "label": "",
    "label_in": f'<style:table-cell-properties fo:background-color="{INPUT_BG}"/>'
                f'<style:text-properties fo:color="{INPUT_BLUE}"/>',
    "label_tot": f'<style:table-cell-properties fo:border-top="0.5pt solid {NAVY}"/>'
                 '<style:text-properties fo:font-weight="bold"/>',
    "label_key": f'<style:table-cell-properties fo:background-color="{KPI_BG}" fo:border="0.5pt solid #bfbfbf"/>'
                 '<style:text-properties fo:font-weight="bold"/>',
    "small": '<style:text-properties fo:font-size="9pt" fo:color="#404040"/>',
    "wrap": '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>',
    "link": '<style:table-cell-properties style:vertical-align="top"/>',
    "legend_in": f'<style:table-cell-properties fo:background-color="{INPUT_BG}"/>'
                 f'<style:text-properties fo:font-size="9pt" fo:color="{INPUT_BLUE}"/>',
}


def _cell_styles():
    out = []
    for name, body in TEXT_STYLES.items():
        out.append(f'<style:style style:name="{name}" style:family="table-cell">{body}</style:style>')
    for role, body in ROLES.items():
        for f in FORMATS:
            out.append(f'<style:style style:name="{role}_{f}" style:family="table-cell" '
                       f'style:data-style-name="N_{f}">{body}</style:style>')
    return out


# ---------------------------------------------------------------- workbook
class Sheet:
    def __init__(self, name, widths_cm, landscape=False):
        self.name = name
        self.widths = widths_cm
        self.landscape = landscape
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

    def formula(self, addr, expr, style):
        self.cells[parse_addr(addr)] = ("formula", expr, style)

    def merge(self, addr, ncols):
        c, r = parse_addr(addr)
        self.spans[(c, r)] = ncols
        for i in range(1, ncols):
            self.cells[(c + i, r)] = ("covered", None, None)

    def row_height(self, row1, cm):
        self.heights[row1 - 1] = cm

    def page_break(self, row1):
        """Start a new printed page at row row1 (1-based): keeps a chart or a table whole."""
        self.breaks.add(row1 - 1)

    def chart(self, **spec):
        self.charts.append(spec)


class Book:
    def __init__(self, lang, title, description):
        self.lang = lang
        self.title = title
        self.description = description
        self.sheets = []
        self._cache = {}

    def sheet(self, name, widths_cm, landscape=False):
        s = Sheet(name, widths_cm, landscape)
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
        else:
            v = cell[1].eval(self, sheet)
        if isinstance(v, float) and not math.isfinite(v):
            raise ValueError(f"{sheet}.{col_name(col)}{row + 1} is not finite")
        self._cache[key] = v
        return v

    # -- writing -------------------------------------------------------------
    def fods(self):
        L = []
        L.append('<?xml version="1.0" encoding="UTF-8"?>')
        L.append("<!-- Generated by tools/make_templates.py: edit the generator, not this file. -->")
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
        for s in self.sheets:
            L += self._table(s)
        L.append("</office:spreadsheet></office:body></office:document>")
        return "\n".join(L) + "\n"

    def _table(self, s):
        L = [f"<table:table table:name={quoteattr(s.name)} "
             f'table:style-name="{"ta_land" if s.landscape else "ta_port"}">']
        for w in s.widths:
            L.append(f'<table:table-column table:style-name="co{_wname(w)}"/>')
        anchors = {}
        for i, ch in enumerate(s.charts):
            anchors.setdefault(parse_addr(ch["anchor"]), []).append((i, ch))
        last_row = max(r for _, r in list(s.cells) + list(anchors))
        for r in range(last_row + 1):
            h, brk = _row_key(s, r)
            L.append(f'<table:table-row table:style-name="{_row_style(h, brk)}">' if h or brk
                     else "<table:table-row>")
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


BREAK = ' fo:break-before="page"'
# Printing: A4, one page wide (scale-to-X 1, as many pages down as needed), landscape for the wide
# sheets; the header names the report (document title) and the sheet, with the date on the right;
# the footer numbers the pages.
PAGE_TEXT = {"en": ("Page", "of"), "fr": ("Page", "sur")}


def _page_styles(lang):
    L = []
    for name, (w, h, orient) in {"land": ("29.7", "21.0", "landscape"), "port": ("21.0", "29.7", "portrait")}.items():
        L.append(f'<style:page-layout style:name="pl_{name}"><style:page-layout-properties fo:page-width="{w}cm" '
                 f'fo:page-height="{h}cm" style:print-orientation="{orient}" fo:margin-top="1.0cm" '
                 'fo:margin-bottom="1.0cm" fo:margin-left="1.2cm" fo:margin-right="1.2cm" '
                 'style:scale-to-X="1" style:scale-to-Y="0" style:table-centering="horizontal" '
                 'style:print="charts drawings objects zero-values"/>'
                 '<style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.3cm"/>'
                 '</style:header-style><style:footer-style><style:header-footer-properties fo:min-height="0.6cm" '
                 'fo:margin-top="0.3cm"/></style:footer-style></style:page-layout>')
    for name in ("land", "port"):
        L.append(f'<style:style style:name="ta_{name}" style:family="table" style:master-page-name="MP_{name}">'
                 '<style:table-properties table:display="true"/></style:style>')
    return L


def _master_pages(lang):
    page, of = PAGE_TEXT[lang]
    region = '<style:region-{0}><text:p>{1}</text:p></style:region-{0}>'
    head = (region.format("left", "<text:title/>")
            + region.format("right", '<text:sheet-name/> · <text:date style:data-style-name="N_date"/>'))
    foot = region.format("center", f"{page} <text:page-number/> {of} <text:page-count/>")
    L = ["<office:master-styles>"]
    for name in ("land", "port"):
        L.append(f'<style:master-page style:name="MP_{name}" style:page-layout-name="pl_{name}">'
                 f'<style:header>{head}</style:header><style:footer>{foot}</style:footer></style:master-page>')
    L.append("</office:master-styles>")
    return L


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


NAMESPACES = " ".join([
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"',
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"',
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"',
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"',
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"',
    'xmlns:xlink="http://www.w3.org/1999/xlink"',
    'xmlns:dc="http://purl.org/dc/elements/1.1/"',
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"',
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"',
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"',
    'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0"',
    'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"',
])


# ---------------------------------------------------------------- charts
def _crange(sheet, a, b):
    q = "'" + sheet.replace("'", "''") + "'"
    return f"{q}.{a}:{q}.{b}"


def chart_xml(sheet, ch):
    """An embedded chart, inline as flat ODF keeps it (draw:object holding an
    office:document of the chart type). The data stay in the sheet's cells
    (cell-range addresses), so the chart follows what the user types.

    ch: anchor, width, height (cm), kind "bar"|"line", title, categories
    (a, b), series [(label_addr, (a, b), colour)], horizontal (bool),
    y_title (optional)."""
    kind = ch.get("kind", "bar")
    series = ch["series"]
    cat_a, cat_b = ch["categories"]
    all_ranges = [_crange(sheet, cat_a, cat_b)] + [_crange(sheet, *v) for _, v, _ in series]
    styles = [
        '<style:style style:name="ch" style:family="chart"><style:graphic-properties draw:stroke="none"/></style:style>',
        '<style:style style:name="title" style:family="chart"><style:text-properties fo:font-size="12pt" '
        f'fo:font-weight="bold" fo:color="{NAVY}"/></style:style>',
        '<style:style style:name="legend" style:family="chart"><style:text-properties fo:font-size="9pt"/></style:style>',
        '<style:style style:name="plot" style:family="chart"><style:chart-properties '
        f'chart:vertical="{"true" if ch.get("horizontal") else "false"}" chart:gap-width="60" chart:overlap="0" '
        'chart:auto-position="true" chart:auto-size="true"/></style:style>',
        '<style:style style:name="axis" style:family="chart"><style:chart-properties chart:display-label="true" '
        'chart:link-data-style-to-source="true"/><style:graphic-properties svg:stroke-color="#b3b3b3"/>'
        '<style:text-properties fo:font-size="8pt"/></style:style>',
        '<style:style style:name="grid" style:family="chart"><style:graphic-properties svg:stroke-color="#e0e0e0"/></style:style>',
        '<style:style style:name="wall" style:family="chart"><style:graphic-properties draw:fill="none" draw:stroke="none"/></style:style>',
    ]
    for i, (_, _, colour) in enumerate(series):
        if kind == "line":
            g = f'<style:graphic-properties svg:stroke-width="0.06cm" svg:stroke-color="{colour}" draw:fill-color="{colour}"/>'
            props = '<style:chart-properties chart:symbol-type="automatic" chart:link-data-style-to-source="true"/>'
        else:
            g = f'<style:graphic-properties draw:stroke="none" draw:fill-color="{colour}"/>'
            props = '<style:chart-properties chart:link-data-style-to-source="true"/>'
        styles.append(f'<style:style style:name="s{i}" style:family="chart">{props}{g}</style:style>')
    L = []
    L.append(f'<draw:frame draw:z-index="0" draw:style-name="chartframe" draw:name={quoteattr(ch["name"])} '
             f'svg:x="0.1cm" svg:y="0.1cm" svg:width="{ch["width"]}cm" svg:height="{ch["height"]}cm">')
    L.append(f'<draw:object draw:notify-on-update-of-ranges={quoteattr(" ".join(all_ranges))}>')
    L.append(f'<office:document {NAMESPACES} office:version="1.3" '
             'office:mimetype="application/vnd.oasis.opendocument.chart">')
    L.append("<office:automatic-styles>")
    L += styles
    L.append("</office:automatic-styles>")
    L.append("<office:body><office:chart>")
    L.append(f'<chart:chart svg:width="{ch["width"]}cm" svg:height="{ch["height"]}cm" '
             f'chart:class="chart:{kind}" chart:style-name="ch">')
    L.append(f'<chart:title chart:style-name="title"><text:p>{escape(ch["title"])}</text:p></chart:title>')
    L.append('<chart:legend chart:legend-position="bottom" style:legend-expansion="wide" chart:style-name="legend"/>')
    L.append(f'<chart:plot-area chart:style-name="plot" chart:data-source-has-labels="both">')
    L.append('<chart:axis chart:dimension="x" chart:name="primary-x" chart:style-name="axis">'
             f'<chart:categories table:cell-range-address={quoteattr(_crange(sheet, cat_a, cat_b))}/></chart:axis>')
    L.append('<chart:axis chart:dimension="y" chart:name="primary-y" chart:style-name="axis">'
             '<chart:grid chart:style-name="grid" chart:class="major"/></chart:axis>')
    for i, (label, (a, b), _) in enumerate(series):
        L.append(f'<chart:series chart:style-name="s{i}" chart:class="chart:{kind}" '
                 f'chart:values-cell-range-address={quoteattr(_crange(sheet, a, b))} '
                 f'chart:label-cell-address={quoteattr(_crange(sheet, label, label))}/>')
    L.append('<chart:wall chart:style-name="wall"/>')
    L.append("</chart:plot-area>")
    L.append("</chart:chart>")
    L.append("</office:chart></office:body>")
    L.append("</office:document>")
    L.append("</draw:object>")
    L.append("</draw:frame>")
    return "\n".join(L)
