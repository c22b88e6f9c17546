"""The templates' look, as flat ODF styles: number formats per language
(French: `1 234,56 €`, a narrow no-break space before % and €), cell roles (input,
output, total, key figure), text styles, and the printed page (A4, one page
wide, a header naming the report and the date, numbered pages). Used by
engine.Book when it writes a workbook."""

# Number formats per language: (ODF data style body). "money" amounts,
# "money2" unit costs, "pct1"/"pct2" rates, "ratio" multiples, "dec1" points
# or months, "int" counts.
LOCALES = {
    "en": ("en", "IE"),
    "fr": ("fr", "FR"),
}
NNBSP = "\u202f"  # narrow no-break space, before € and % in French


def _number_styles(lang):
    la, co = LOCALES[lang]
    loc = f'number:language="{la}" number:country="{co}"'

    def num(dec, grouping=True):
        g = ' number:grouping="true"' if grouping else ""
        return (f'<number:number number:decimal-places="{dec}" number:min-decimal-places="{dec}" '
                f'number:min-integer-digits="1"{g}/>')

    sym = f'<number:currency-symbol {loc}>€</number:currency-symbol>'

    # French typography: a no-break space before € and %, so "12,3 %" never breaks. The narrow one
    # (U+202F): LibreOffice reads a U+00A0 in a French number format as a plain space (U+00A0 is
    # fr-FR's thousands separator; measured with 7.4.7, test calc.templates_use).
    def money(dec):
        if lang == "fr":
            return num(dec) + f'<number:text>{NNBSP}</number:text>' + sym
        return sym + num(dec)

    pct_sep = f'<number:text>{NNBSP}%</number:text>' if lang == "fr" else '<number:text>%</number:text>'
    return [
        f'<number:number-style style:name="N_int" {loc}>{num(0)}</number:number-style>',
        f'<number:number-style style:name="N_dec1" {loc}>{num(1)}</number:number-style>',
        f'<number:number-style style:name="N_dec3" {loc}>{num(3, grouping=False)}</number:number-style>',
        f'<number:number-style style:name="N_year" {loc}>{num(0, grouping=False)}</number:number-style>',
        f'<number:date-style style:name="N_day" {loc}><number:year number:style="long"/><number:text>-</number:text>'
        '<number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/>'
        '</number:date-style>',
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
FORMATS = ["int", "dec1", "dec3", "ratio", "money", "money2", "pct1", "pct2", "year", "day"]
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
    # An input that wraps (the header names of the Imports sheets), and a warning (an import not read).
    "in_wrap": f'<style:table-cell-properties fo:background-color="{INPUT_BG}" fo:wrap-option="wrap" '
               f'style:vertical-align="top"/><style:text-properties fo:font-size="9pt" fo:color="{INPUT_BLUE}"/>',
    "wrap_small": '<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
                  '<style:text-properties fo:font-size="9pt"/>',
    "warn": '<style:text-properties fo:font-weight="bold" fo:color="#c00000"/>',
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
                 # Page numbers run on through the sheets ("Page 3 of 3" on the About sheet, not 1).
                 'style:first-page-number="continue" '
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
    # Calc prints the date field in the office's locale setting (Tools > Options > Language Settings >
    # Languages), whatever the document's language or a data style on the field: a French LibreOffice
    # prints 02/12/2026, an English (USA) one 12/02/2026 (measured with 7.4.7, test calc.templates_use).
    head = (region.format("left", "<text:title/>")
            + region.format("right", '<text:sheet-name/> · <text:date/>'))
    foot = region.format("center", f"{page} <text:page-number/> {of} <text:page-count/>")
    L = ["<office:master-styles>"]
    for name in ("land", "port"):
        L.append(f'<style:master-page style:name="MP_{name}" style:page-layout-name="pl_{name}">'
                 f'<style:header>{head}</style:header><style:footer>{foot}</style:footer></style:master-page>')
    L.append("</office:master-styles>")
    return L
