"""A small spreadsheet model that writes flat ODF (.fods) workbooks.

Used by make_templates.py. Each formula is built as an expression tree
(Ref, Rng, Fn, Op) so that the generator can both write it in ODF syntax
(`of:=KPI.CPL([.B5:.B16];[.C5:.C16])`) and evaluate it here, in plain Python,
from the documented definitions (docs/functions.md). The evaluated value is
written as the cell's cached value (office:value): reviewers see every figure
in the diff, and the Calc tests compare what the add-in computes with these
values, which were computed without it.

Output is deterministic: same input, byte-identical file (no dates, no ids).
Pure standard library: runs with any python3.
"""
import math
from xml.sax.saxutils import escape, quoteattr

from kpitools.sheet.addresses import col_name, parse_addr


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
        return FUNCTIONS[self.name](*[_eval(a, book, here) for a in self.args])


class Op:
    def __init__(self, op, a, b):
        self.op, self.a, self.b = op, a, b

    def odf(self, here):
        def side(x):
            s = _odf(x, here)
            return f"({s})" if isinstance(x, Op) else s
        return f"{side(self.a)}{self.op}{side(self.b)}"

    def eval(self, book, here):
        a, b = _num(_eval(self.a, book, here)), _num(_eval(self.b, book, here))
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[self.op]


TRUE = Fn("TRUE")


def _odf(x, here):
    if isinstance(x, (Ref, Rng, Fn, Op)):
        return x.odf(here)
    if isinstance(x, str):
        return '"' + x.replace('"', '""') + '"'
    return repr(x) if isinstance(x, float) else str(x)


def _eval(x, book, here):
    if isinstance(x, (Ref, Rng, Fn, Op)):
        return x.eval(book, here)
    return x


def _num(v):
    if isinstance(v, list):
        raise ValueError("a range where a single value belongs")
    return 0.0 if v is None else float(v)


# ------------------------------------------- the KPIs, as documented (Python)
def _amount(v):
    """Amount/count convention: a range is summed, blanks and text skipped."""
    if isinstance(v, list):
        return float(sum(x for x in v if isinstance(x, (int, float)) and not isinstance(x, bool)))
    return _num(v)


def _ratio(a, b, scale=1.0):
    a, b = _amount(a), _amount(b)
    if b == 0:
        raise ZeroDivisionError("a template cell would show #DIV/0!")
    return scale * a / b


def _nps(scores):
    s = [x for x in scores if isinstance(x, (int, float))]
    p = sum(1 for x in s if x >= 9)
    d = sum(1 for x in s if x <= 6)
    return 100.0 * (p - d) / len(s)


def _clvret(m, r, d, first_now=False):
    m, r, d = _num(m), _num(r), _num(d)
    return m * (1 + d) / (1 + d - r) if first_now else m * r / (1 + d - r)


def _crit_ok(v, crit):
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


FUNCTIONS = {
    "SUM": lambda *a: sum(_amount(x) for x in a),
    "SUMIFS": _sumifs,
    "COUNTIFS": _countifs,
    "TRUE": lambda: True,
    "KPI.CPL": _ratio, "KPI.CPA": _ratio, "KPI.CAC": _ratio, "KPI.CPC": _ratio,
    "KPI.CPM": lambda c, i: _ratio(c, i, 1000.0),
    "KPI.CTR": _ratio, "KPI.CONVRATE": _ratio, "KPI.ROAS": _ratio, "KPI.SHARE": _ratio,
    "KPI.OPENRATE": _ratio, "KPI.CTOR": _ratio, "KPI.UNSUBRATE": _ratio, "KPI.BOUNCERATE": _ratio,
    "KPI.MQL2SQL": _ratio, "KPI.AOV": _ratio, "KPI.ARPU": _ratio, "KPI.CHURN": _ratio,
    "KPI.ROI": lambda r, i: (_amount(r) - _amount(i)) / _amount(i),
    "KPI.GROWTH": lambda c, p: (_amount(c) - _amount(p)) / _amount(p),
    "KPI.RETENTION": lambda e, n, s: (_amount(e) - _amount(n)) / _amount(s),
    "KPI.CLV": lambda aov, f, l, m=1.0: _num(aov) * _num(f) * _num(l) * _num(m),
    "KPI.CLVRET": _clvret,
    "KPI.LTV2CAC": lambda clv, cac: _num(clv) / _num(cac),
    "KPI.PAYBACK": lambda cac, rev, m=1.0: _num(cac) / (_num(rev) * _num(m)),
    "KPI.NPS": _nps,
    "KPI.NPSCOUNT": lambda p, pa, d: 100.0 * (_amount(p) - _amount(d)) / (_amount(p) + _amount(pa) + _amount(d)),
}


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
        f'<number:number-style style:name="N_dec1" {loc}>{num(1)}</number:number-style>',
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
FORMATS = ["int", "dec1", "ratio", "money", "money2", "pct1", "pct2"]
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
    def __init__(self, name, widths_cm):
        self.name = name
        self.widths = widths_cm
        self.cells = {}        # (col, row) -> (kind, payload, style)
        self.heights = {}      # row -> cm
        self.spans = {}        # (col, row) -> number of columns merged
        self.charts = []

    def text(self, addr, s, style="label"):
        self.cells[parse_addr(addr)] = ("text", s, style)

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

    def chart(self, **spec):
        self.charts.append(spec)


class Book:
    def __init__(self, lang, title, description):
        self.lang = lang
        self.title = title
        self.description = description
        self.sheets = []
        self._cache = {}

    def sheet(self, name, widths_cm):
        s = Sheet(name, widths_cm)
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
        L.append(f"<dc:language>{'fr-FR' if self.lang == 'fr' else 'en-GB'}</dc:language>")
        L.append("</office:meta>")
        L.append("<office:automatic-styles>")
        L += _number_styles(self.lang)
        L += _cell_styles()
        widths = sorted({w for s in self.sheets for w in s.widths})
        for w in widths:
            L.append(f'<style:style style:name="co{_wname(w)}" style:family="table-column">'
                     f'<style:table-column-properties style:column-width="{w}cm"/></style:style>')
        heights = sorted({h for s in self.sheets for h in s.heights.values()})
        for h in heights:
            L.append(f'<style:style style:name="ro{_wname(h)}" style:family="table-row">'
                     f'<style:table-row-properties style:row-height="{h}cm" style:use-optimal-row-height="false"/>'
                     '</style:style>')
        L.append('<style:style style:name="chartframe" style:family="graphic"/>')
        L.append("</office:automatic-styles>")
        L.append("<office:body><office:spreadsheet>")
        for s in self.sheets:
            L += self._table(s)
        L.append("</office:spreadsheet></office:body></office:document>")
        return "\n".join(L) + "\n"

    def _table(self, s):
        L = [f"<table:table table:name={quoteattr(s.name)}>"]
        for w in s.widths:
            L.append(f'<table:table-column table:style-name="co{_wname(w)}"/>')
        anchors = {}
        for i, ch in enumerate(s.charts):
            anchors.setdefault(parse_addr(ch["anchor"]), []).append((i, ch))
        last_row = max(r for _, r in list(s.cells) + list(anchors))
        for r in range(last_row + 1):
            h = s.heights.get(r)
            L.append(f'<table:table-row table:style-name="ro{_wname(h)}">' if h else "<table:table-row>")
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
        elif kind == "num":
            attrs += f' office:value-type="float" office:value="{_fmt(payload)}"'
        elif kind == "formula":
            # No array formulas: Calc recalculates them on load, so without the
            # extension they would show #NAME? instead of their cached values.
            v = self.value(s.name, c, r)
            attrs += f' table:formula={quoteattr("of:=" + payload.odf(s.name))}'
            if isinstance(v, bool):
                attrs += f' office:value-type="boolean" office:boolean-value="{str(v).lower()}"'
            else:
                attrs += f' office:value-type="float" office:value="{_fmt(v)}"'
        for _, ch in charts:
            inner += self._chart(s, ch)
        return f"<table:table-cell{attrs}>{inner}</table:table-cell>" if inner else f"<table:table-cell{attrs}/>"

    def _chart(self, s, ch):
        return chart_xml(s.name, ch)


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
