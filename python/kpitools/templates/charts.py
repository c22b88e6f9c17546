"""Charts of the templates, as flat ODF keeps them inline in a sheet."""
from xml.sax.saxutils import escape, quoteattr

from kpitools.sheet.xmlns import declarations
from kpitools.templates.styles import NAVY

NAMESPACES = declarations()


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
    L.append('<chart:plot-area chart:style-name="plot" chart:data-source-has-labels="both">')
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
