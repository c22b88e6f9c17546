"""A large campaign workbook for kpi-audit's benchmark (issue 17): one "Data"
sheet of ROWS rows × 11 columns (Date, Cost, Leads, CPL, Channel, Campaign,
Impressions, Clicks, Conversions, Revenue, Country) whose CPL column holds a
hand-written =B/C in every row, and a small "Summary" sheet of KPI calls over
the whole columns. 100,000 rows make the 1.1M-cell workbook of the issue.

Some rows carry a known mistake, at fixed positions (ROW_KINDS), so that the
findings the audit must give follow from the rules' documentation alone
(tests/audit/test_bigbook.py works them out on a small copy):

  zero-leads       Leads 0: the CPL shows #DIV/0! (not judged: no value to compare)
  negative-leads   Leads −3: negative-input (error) on Leads; the CPL differs
                   from KPI.CPL, which gives #NUM! (handwritten-kpi-differs, warning)
  clicks-above     Clicks above Impressions: count-above-total (error) on Clicks
  conv-above       Conversions above Clicks: count-above-total (warning) on Conversions
  inverted         =C/B (leads ÷ cost) under CPL: inverted-ratio (error)
  times-100        =B/C*100 under CPL: percent-scale (warning)
  plain            =B/C: agrees with KPI.CPL (handwritten-kpi, info)

The file is written as Calc saves one (.ods, stored values included:
the formula results computed here), streamed: 100,000 rows take a few
seconds and little memory.

  python3 -m kpitools.bench.auditbook OUT.ods [--rows 100000]
"""
import argparse
import datetime
import random
import zipfile
from xml.sax.saxutils import escape

from kpitools.sheet.xmlns import declarations

COLUMNS = ("Date", "Cost", "Leads", "CPL", "Channel", "Campaign", "Impressions", "Clicks", "Conversions",
           "Revenue", "Country")
CHANNELS = ("Search", "Social", "Display", "E-mail", "Video", "Affiliates")
COUNTRIES = ("FR", "DE", "ES", "IT", "BE", "NL", "UK", "US")
ROWS_PER_DAY = 40
# (kind, modulus, remainder): data row i (0-based) has the first kind whose i % modulus == remainder.
KINDS = (("zero-leads", 997, 5), ("negative-leads", 1009, 7), ("clicks-above", 1013, 11),
         ("conv-above", 1019, 13), ("inverted", 1021, 17), ("times-100", 1031, 19))


def row_kind(i):
    for kind, m, k in KINDS:
        if i % m == k:
            return kind
    return "plain"


NS = declarations(["office", "style", "text", "table", "number", "of", "calcext", "manifest"])
MIME = "application/vnd.oasis.opendocument.spreadsheet"


def _text(s):
    return f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{escape(s)}</text:p>' \
           "</table:table-cell>"


def _num(x):
    return f'<table:table-cell office:value-type="float" office:value="{x!r}" calcext:value-type="float">' \
           f"<text:p>{x!r}</text:p></table:table-cell>"


def _formula(f, value):
    if value is None:  # #DIV/0!, saved as Calc saves an error
        return (f'<table:table-cell table:formula="{f}" office:value-type="string" office:string-value="" '
                'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')
    return (f'<table:table-cell table:formula="{f}" office:value-type="float" office:value="{value!r}" '
            f'calcext:value-type="float"><text:p>{value!r}</text:p></table:table-cell>')


def data_rows(rows, seed=20261123):
    """Yields (cells' XML, values) per data row; values: (cost, leads, clicks, impressions)."""
    rng = random.Random(seed)
    day0 = datetime.date(2021, 1, 4)
    for i in range(rows):
        r = i + 2  # the sheet's row number
        kind = row_kind(i)
        day = (day0 + datetime.timedelta(days=i // ROWS_PER_DAY)).isoformat()
        cost = round(rng.uniform(20, 5000), 2)
        leads = rng.randint(1, 250)
        impressions = rng.randint(2000, 400000)
        clicks = rng.randint(10, impressions // 25)
        conversions = rng.randint(0, max(1, clicks // 8))
        revenue = round(conversions * rng.uniform(30, 300), 2)
        if kind == "zero-leads":
            leads = 0
        elif kind == "negative-leads":
            leads = -3
        elif kind == "clicks-above":
            clicks = impressions + rng.randint(1, 500)
        elif kind == "conv-above":
            conversions = clicks + rng.randint(1, 20)
        if kind == "inverted":
            cpl = _formula(f"of:=[.C{r}]/[.B{r}]", leads / cost)
        elif kind == "times-100":
            cpl = _formula(f"of:=[.B{r}]/[.C{r}]*100", cost / leads * 100)
        else:
            cpl = _formula(f"of:=[.B{r}]/[.C{r}]", cost / leads if leads else None)
        cells = (f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{day}" '
                 f'calcext:value-type="date"><text:p>{day}</text:p></table:table-cell>'
                 + _num(cost) + _num(float(leads)) + cpl + _text(CHANNELS[i % len(CHANNELS)])
                 + _text(f"C-{1000 + (i // 7) % 400}") + _num(float(impressions)) + _num(float(clicks))
                 + _num(float(conversions)) + _num(revenue) + _text(COUNTRIES[(i // 3) % len(COUNTRIES)]))
        yield cells, (cost, leads, clicks, impressions)


def write(path, rows=100_000, seed=20261123):
    """Writes the workbook; returns ({kind: [sheet row numbers (1-based)]} of
    its data rows, the column totals (cost, leads, clicks, impressions))."""
    kinds = {}
    total = [0.0, 0.0, 0.0, 0.0]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), MIME, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest {NS} manifest:version="1.3">'
                   f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIME}"/>'
                   '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   "</manifest:manifest>")
        with z.open("content.xml", "w", force_zip64=True) as f:
            out = []

            def put(s):
                out.append(s)
                if len(out) > 2000:
                    f.write("".join(out).encode("utf-8"))
                    out.clear()
            put(f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS} office:version="1.3">'
                "<office:automatic-styles>"
                '<number:date-style style:name="N_date"><number:year number:style="long"/><number:text>-'
                '</number:text><number:month number:style="long"/><number:text>-</number:text>'
                '<number:day number:style="long"/></number:date-style>'
                '<style:style style:name="date" style:family="table-cell" style:parent-style-name="Default" '
                'style:data-style-name="N_date"/></office:automatic-styles><office:body><office:spreadsheet>'
                '<table:table table:name="Data"><table:table-column table:number-columns-repeated="11"/>'
                "<table:table-row>" + "".join(_text(c) for c in COLUMNS) + "</table:table-row>")
            for i, (cells, values) in enumerate(data_rows(rows, seed)):
                kinds.setdefault(row_kind(i), []).append(i + 2)
                for k, v in enumerate(values):
                    total[k] += v
                put("<table:table-row>" + cells + "</table:table-row>")
            last = rows + 1
            cost, leads, clicks, impressions = total
            # KPI calls over the whole columns, with the values Calc would store.
            put('</table:table><table:table table:name="Summary"><table:table-column table:number-columns-repeated="2"/>'
                "<table:table-row>" + _text("Total cost")
                + _formula(f"of:=SUM([$Data.B2:.B{last}])", cost) + "</table:table-row>"
                "<table:table-row>" + _text("CPL")
                + _formula(f"of:=KPI.CPL(SUM([$Data.B2:.B{last}]);SUM([$Data.C2:.C{last}]))",
                           cost / leads) + "</table:table-row>"
                "<table:table-row>" + _text("CTR")
                + _formula(f"of:=KPI.CTR([$Data.H2:.H{last}];[$Data.G2:.G{last}])",
                           clicks / impressions) + "</table:table-row>"
                "</table:table></office:spreadsheet></office:body></office:document-content>")
            f.write("".join(out).encode("utf-8"))
    return kinds, tuple(total)


def main():
    ap = argparse.ArgumentParser(description="Writes the large workbook of kpi-audit's benchmark.")
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    a = ap.parse_args()
    kinds, _totals = write(a.out, a.rows)
    print(f"wrote {a.out}: {a.rows:,} rows × {len(COLUMNS)} columns; "
          + ", ".join(f"{k} {len(v)}" for k, v in sorted(kinds.items())))


if __name__ == "__main__":
    main()
