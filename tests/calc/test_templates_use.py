"""The templates used as marketers use them (issue 13), in real Calc.

1. Partial periods. Each template with periods is started as File > New >
   Templates does (AsTemplate), the inputs of the last half of its periods are
   blanked (July to December, the last six campaigns, the last two survey
   quarters) and the document recalculated: no cell of any sheet shows an
   error (the predictive template: its cohort's last four years); the periods without figures show nothing (an empty string, not 0,
   not an error); totals equal the sums over the filled periods and the rates
   and the total growth equal what this test computes from the inputs it read
   in the sheet before blanking them.
2. Polish: the document title is the template's title (the template dialog
   lists it), the document language is the template's (French for -fr), the
   amounts and rates are written as the language writes them (French
   `1 234,56 €`, `12,3 %` with a no-break space), no English is left in a
   French workbook, the last sheet is "About" / "À propos" with every KPI
   function the formulas use, its definition (the catalogue's, in the
   workbook's language) and a link to its entry in the reference
   (org.kpifunctions:reference?fn=KPI.CPL: the first link of each
   workbook, dispatched, opens the reference's page of that function), and the
   version of extension/description.xml; no column is narrower than Calc's
   optimal width for the cells that may not run over (clipped text or ###).
3. Print-ready. Each template is exported to PDF as File > Export as PDF
   does: every sheet is one page wide (Calc's column breaks, and the PDF's
   page count equals the sum of each sheet's row pages), wide sheets print
   landscape (page size read by pdfinfo), no chart crosses a page break, and
   every page's header names the report (the document title) and the date
   (pdftotext), and its footer its number, counted through the sheets ("Page 3
   of 3"); with the locale setting French, the date is printed 02/12/2026.
"""
import datetime
import math
import os
import re
import subprocess
import sys
from urllib.parse import parse_qs

from harness import args_from_argv, Checker
from kpitools.catalogue import load_catalogue
from kpitools.office.session import error_cells, Office, props, used_area
from kpitools.paths import source_path
from kpitools.sheet.addresses import col_name
from test_templates import close, listed_templates, read_source

MONTHS = [col_name(1 + m) for m in range(12)]  # B..M: month columns of the monthly templates


def cell(sh, addr):
    return sh.getCellRangeByName(addr)


def val(sh, addr):
    return sh.getCellRangeByName(addr).getValue()


def nums(sh, addrs):
    return [val(sh, a) for a in addrs]


def blank(sh, rng):
    from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE
    sh.getCellRangeByName(rng).clearContents(VALUE | DATETIME | STRING | FORMULA)


def shows_nothing(sh, addrs):
    """The cells among addrs that show something (text or a number) although their period is empty."""
    return [a for a in addrs if cell(sh, a).getString() != "" or cell(sh, a).getError()]


def growth(cur, prev):
    return (cur - prev) / prev


# ------------------------------------------------ partial periods, per template
def partial_dashboard(doc, filled=6):
    dash, data = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    months = [cell(dash, f"A{17 + m}").getString() for m in range(12)]
    rows = []
    for r in range(5, 53):
        m = months.index(cell(data, f"A{r}").getString())
        rows.append((r, m, cell(data, f"B{r}").getString(), nums(data, [f"{c}{r}" for c in "CDEFGH"])))
    for r, m, _, _ in rows:
        if m >= filled:
            blank(data, f"C{r}:H{r}")
    doc.calculateAll()
    kept = [x for x in rows if x[1] < filled]
    tot = [sum(x[3][j] for x in kept) for j in range(6)]
    cost, imp, clk, leads, cust, rev = tot
    rev_m = [sum(x[3][5] for x in kept if x[1] == m) for m in range(filled)]
    k = filled // 2
    out = [(f"month total {c}", val(dash, f"{c}29"), tot[j]) for j, c in enumerate("BCDEFG")]
    out += [(f"channel total {c}", val(dash, f"{c}13"), tot[j]) for j, c in enumerate("BCDEFG")]
    li = [x for x in kept if x[2] == "LinkedIn Ads"]
    out += [
        ("total CPC", val(dash, "H29"), cost / clk), ("total CPM", val(dash, "I29"), 1000 * cost / imp),
        ("total CTR", val(dash, "J29"), clk / imp), ("total CPL", val(dash, "K29"), cost / leads),
        ("total CPA", val(dash, "L29"), cost / cust), ("total ROAS", val(dash, "M29"), rev / cost),
        # ROMI on the margin typed in C6 (issue 24), not revenue / cost - 1.
        ("channel ROMI", val(dash, "N13"), rev * val(dash, "C6") / cost - 1), ("revenue tile", val(dash, "D5"), rev),
        ("LinkedIn CPA", val(dash, "L11"), sum(x[3][0] for x in li) / sum(x[3][4] for x in li)),
        (f"{months[filled - 1]} growth", val(dash, f"N{16 + filled}"),
         growth(rev_m[filled - 1], rev_m[filled - 2])),
        ("months with figures", val(dash, "C31"), filled),
    ]
    if k:
        out.append(("total growth", val(dash, "N29"),
                    growth(sum(rev_m[filled - k:]), sum(rev_m[filled - 2 * k:filled - k]))))
    said = cell(dash, "A30").getString()
    span = lambda a, b: months[a] if a == b else f"{months[a]}–{months[b]}"  # noqa: E731
    empty = [f"{c}{17 + m}" for m in range(filled, 12) for c in "BCDEFGHIJKLMN"]
    return out, empty_cells(dash, empty), [
        (k == 0 or (span(filled - k, filled - 1) in said and span(filled - 2 * k, filled - k - 1) in said),
         f"the sheet says what the total growth compares: {said!r}"),
        (k > 0 or cell(dash, "N29").getString() == "", "no total growth with a single month"),
    ]


def empty_cells(sh, addrs):
    return (f"{sh.Name}: empty periods show nothing", shows_nothing(sh, addrs))


def partial_email(doc):
    # The report (sheet 0) lists the campaigns typed in the Campaigns sheet (sheet 1) when no export is
    # pasted: the last six typed campaigns are blanked there.
    s, typed = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    rows = [nums(s, [f"{c}{r}" for c in "BCDEFG"]) for r in range(5, 11)]
    blank(typed, "A11:G16")
    doc.calculateAll()
    sent, deliv, opens, clicks, unsub, bounces = (sum(x[j] for x in rows) for j in range(6))
    out = [(f"total {c}", val(s, f"{c}17"), sum(x[j] for x in rows)) for j, c in enumerate("BCDEFG")]
    out += [("open rate", val(s, "H17"), opens / deliv), ("CTR", val(s, "I17"), clicks / deliv),
            ("CTOR", val(s, "J17"), clicks / opens), ("unsubscribe rate", val(s, "K17"), unsub / deliv),
            ("bounce rate", val(s, "L17"), bounces / sent)]
    return out, empty_cells(s, [f"{c}{r}" for r in range(11, 17) for c in "HIJKL"]), []


def partial_b2b(doc):
    s = doc.Sheets.getByIndex(0)
    kept = MONTHS[:6]
    row = {r: nums(s, [f"{c}{r}" for c in kept]) for r in range(5, 16)}
    blank(s, "H5:M15")
    doc.calculateAll()
    S = {r: sum(v) for r, v in row.items()}
    clv = val(s, "N33")
    out = [(f"year of input row {r}", val(s, f"N{r}"), S[r]) for r in range(5, 16)]
    out += [("traffic", val(s, "N24"), S[5]), ("organic share", val(s, "N25"), S[6] / S[5]),
            ("CPC", val(s, "N27"), S[10] / S[9]), ("CTR", val(s, "N28"), S[9] / S[8]),
            ("conversion rate", val(s, "N29"), S[11] / S[5]), ("CPL", val(s, "N30"), S[15] / S[11]),
            ("MQL to SQL", val(s, "N31"), S[13] / S[12]), ("CAC", val(s, "N32"), S[15] / S[14]),
            ("LTV:CAC", val(s, "N34"), clv / (S[15] / S[14])),
            ("funnel leads / visits", val(s, "C38"), S[11] / S[5]),
            ("June CPL", val(s, "G30"), row[15][5] / row[11][5])]
    return out, empty_cells(s, [f"{c}{r}" for r in range(24, 33) for c in MONTHS[6:]]), []


def partial_aarrr(doc):
    s, sv = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    row = {r: nums(s, [f"{c}{r}" for c in MONTHS[:6]]) for r in range(5, 14)}
    scores = nums(sv, [f"C{r}" for r in range(4, 124)])  # Q1 and Q2
    blank(s, "H5:M13")
    blank(sv, "C124:C243")
    doc.calculateAll()
    S = {r: sum(v) for r, v in row.items()}
    nps = 100 * (sum(x >= 9 for x in scores) - sum(x <= 6 for x in scores)) / len(scores)
    out = [(f"year of input row {r}", val(s, f"N{r}"), S[r]) for r in (5, 6, 7, 9, 10, 12, 13)]
    out += [("customers at start of the year", val(s, "N8"), row[8][0]),
            ("customers at the end of the last month filled", val(s, "N11"), row[11][5]),
            ("retention", val(s, "N19"), (S[11] - S[9]) / S[8]), ("churn", val(s, "N20"), S[10] / S[8]),
            ("ARPU per customer-month", val(s, "N21"), S[12] / S[11]),
            ("customer growth", val(s, "N23"), growth(row[11][5], row[8][0])),
            ("NPS of the answers there are", val(s, "F31"), nps), ("NPS from counts", val(s, "F32"), nps),
            ("answers", val(s, "J31"), len(scores))]
    empty = [f"{c}{r}" for r in range(17, 24) for c in MONTHS[6:]] + ["F29", "F30"]
    return out, empty_cells(s, empty), []


def sbg_loglik(alpha, beta, survivors):
    """Log-likelihood of a cohort's survivors under the sBG model (Fader & Hardie 2007, eq. 5-7)."""
    lb = lambda a, b: math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)  # noqa: E731
    ll = 0.0
    for t in range(1, len(survivors)):
        ll += (survivors[t - 1] - survivors[t]) * (lb(alpha + 1, beta + t - 1) - lb(alpha, beta))
    return ll + survivors[-1] * (lb(alpha, beta + len(survivors) - 1) - lb(alpha, beta))


def partial_predictive(doc):
    s = doc.Sheets.getByIndex(1)  # Cohort / Cohorte
    kept = nums(s, [f"B{r}" for r in range(9, 13)])  # years 0-3 of 0-7
    blank(s, "B13:B16")
    doc.calculateAll()
    a, b, ll = nums(s, ["B5", "C5", "D5"])
    best = max(sbg_loglik(a * (1 + da), b * (1 + db), kept) for da in (-0.02, 0, 0.02) for db in (-0.02, 0, 0.02))
    out = [("sBG log-likelihood of the years observed", ll, sbg_loglik(a, b, kept)),
           ("no better fit nearby", best, sbg_loglik(a, b, kept)),
           ("year 3 retention", val(s, "D12"), kept[3] / kept[2])]
    return out, empty_cells(s, [f"D{r}" for r in range(13, 17)]), []


PARTIAL = {
    "predictive-clv": partial_predictive, "predictive-clv-fr": partial_predictive,
    "campaign-dashboard-en": partial_dashboard, "campaign-dashboard-fr": partial_dashboard,
    "email-programme": partial_email, "email-programme-fr": partial_email,
    "b2b-kpis": partial_b2b, "b2b-kpis-fr": partial_b2b, "aarrr-funnel": partial_aarrr, "aarrr-funnel-fr": partial_aarrr,
}


# ------------------------------------------------ printing
def pdf_pages(pdf):
    """[(width, height) in points] of every page, from pdfinfo."""
    n = int(next(ln.split()[-1] for ln in subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                                                          check=True).stdout.splitlines() if ln.startswith("Pages:")))
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", str(n), pdf], capture_output=True, text=True, check=True).stdout
    sizes = []
    for ln in out.splitlines():
        if ln.startswith("Page") and "size:" in ln:
            w, _, h = ln.split("size:")[1].split()[:3]
            sizes.append((float(w), float(h)))
    return sizes


def covered_cells(sh, shape, end):
    """The non-empty cells under a shape (a chart drawn over a table hides its figures)."""
    x0, y0 = shape.Position.X, shape.Position.Y
    x1, y1 = x0 + shape.Size.Width, y0 + shape.Size.Height
    cols = [c for c in range(end.EndColumn + 1)
            if sh.getCellByPosition(c, 0).Position.X < x1 and sh.getCellByPosition(c + 1, 0).Position.X > x0]
    rows = [r for r in range(end.EndRow + 1)
            if sh.getCellByPosition(0, r).Position.Y < y1 and sh.getCellByPosition(0, r + 1).Position.Y > y0]
    if not cols or not rows:
        return []
    # The formulas and contents themselves: queryContentCells on the empty cells right of a table returns
    # that table's last column (LibreOffice 7.4.7).
    under = sh.getCellRangeByPosition(cols[0], rows[0], cols[-1], rows[-1]).getFormulaArray()
    return [f"{col_name(cols[0] + j)}{rows[0] + i + 1}" for i, row in enumerate(under) for j, v in enumerate(row) if v]


def not_printed(src):
    """The sheets a template marks not to print (table:print="false": its import sheets, issue 23 item 12)."""
    with open(src, encoding="utf-8") as f:
        return set(re.findall(r'<table:table table:name="([^"]+)"[^>]*table:print="false"', f.read()))


def check_print(chk, name, doc, pdf, title, skipped=frozenset()):
    import uno
    uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(pdf), props(FilterName="calc_pdf_Export")))
    sizes = pdf_pages(pdf)
    expected, page = 0, 0
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        if sh.Name in skipped:
            continue  # no page of its own in the PDF of all sheets
        style = doc.StyleFamilies.getByName("PageStyles").getByName(sh.PageStyle)
        end = used_area(sh).getRangeAddress()
        shapes = [sh.DrawPage.getByIndex(k) for k in range(sh.DrawPage.Count)]
        bottom = max([s.Position.Y + s.Size.Height for s in shapes] + [0])
        while sh.getCellByPosition(0, end.EndRow + 1).Position.Y < bottom:
            end.EndRow += 1  # the rows a chart covers print too
        right = max([s.Position.X + s.Size.Width for s in shapes] + [0])
        while sh.getCellByPosition(end.EndColumn + 1, 0).Position.X < right:
            end.EndColumn += 1
        wide = [b.Position for b in sh.getColumnPageBreaks() if 0 < b.Position <= end.EndColumn]
        chk.check(not wide, f"{name} {sh.Name}: one page wide (column breaks at {wide})")
        breaks = [b.Position for b in sh.getRowPageBreaks() if 0 < b.Position <= end.EndRow]
        for s in shapes:
            under = covered_cells(sh, s, end)
            chk.check(not under, f"{name} {sh.Name}: chart {s.Name!r} hides no cell ({under[:4]})")
            top, bot = s.Position.Y, s.Position.Y + s.Size.Height
            cut = [b for b in breaks if top < sh.getCellByPosition(0, b).Position.Y < bot]
            chk.check(not cut, f"{name} {sh.Name}: chart {s.Name!r} crosses the page break before row(s) "
                               f"{[b + 1 for b in cut]}")
        n = len(breaks) + 1
        mine = sizes[page:page + n]
        chk.check(len(mine) == n and all((w > h) == bool(style.IsLandscape) for w, h in mine),
                  f"{name} {sh.Name}: {n} page(s), {'landscape' if style.IsLandscape else 'portrait'} "
                  f"in the PDF: {mine}")
        chk.check(i > 0 or style.IsLandscape, f"{name} {sh.Name}: the main sheet prints landscape")
        expected += n
        page += n
    chk.check(len(sizes) == expected, f"{name}: the PDF has {len(sizes)} pages, the sheets {expected}")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    today = datetime.date.today()
    day = [str(today.day), str(today.year)]
    bad = [k + 1 for k, p in enumerate(pages) if " ".join(title.split()) not in " ".join(p.split())
           or not all(d in p for d in day)]
    chk.check(pages and not bad, f"{name}: every page's header names the report and the date (not on {bad})")
    numbers = [re.search(r"Page (\d+) (?:of|sur) (\d+)", p) for p in pages]
    bad = [k + 1 for k, m in enumerate(numbers) if not m or (int(m.group(1)), int(m.group(2))) != (k + 1, len(pages))]
    chk.check(not bad, f"{name}: the footers number the pages 1 to {len(pages)} through the sheets (not: {bad[:6]})")


# The KPI menu's command that opens a function's entry in the reference (extension/python/kpimenu_handler.py).
REFERENCE_LINK = "org.kpifunctions:reference?fn="
# English left in a French sheet: whole cells naming a month or the year the English way, and sentences
# with English words that French never uses.
ENGLISH_CELLS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Year",
                 "Month", "Inputs", "Customers", "Revenue", "Cost"}
ENGLISH_WORDS = re.compile(r"(?<![\w-])(the|of|and|per|by|with|from|is|are|to|in)(?![\w-])")


def export_headers():
    """The column headers the import sheets recognise (import_headers.py): platforms' English
    headers belong in a French template's Imports sheet, since French users get English exports too."""
    from kpitools.templates import import_headers as h
    return {n for p in h.DASHBOARD + [h.EMAIL] for fig in p.headers for n in h.names(p, fig)}


def english_left(doc):
    """Cells of a French workbook that read English (the export headers the import sheets recognise aside).
    The About sheet's definitions are the catalogue's French ones, checked like any other cell."""
    headers = export_headers()
    out = []
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        for r, row in enumerate(used_area(sh).getDataArray()):
            for c, v in enumerate(row):
                if not isinstance(v, str) or v in headers:
                    continue
                if v in ENGLISH_CELLS or ENGLISH_WORDS.search(v):
                    out.append(f"{sh.Name}.{col_name(c)}{r + 1}: {v[:60]!r}")
    return out


# Shown numbers: French "1 234,56 €" and "12,3 %" (a no-break space before € and %, U+00A0 or the narrow
# U+202F, and a no-break space between thousands), English "€1,234.56" and "12.3%".
NUMBER_SHOWN = {"fr": re.compile("^-?\\d{1,3}([\u00a0\u202f]\\d{3})*(,\\d+)?[\u00a0\u202f][€%]$"),
                "en": re.compile(r"^-?€?\d{1,3}(,\d{3})*(\.\d+)?%?$")}


def shown_numbers(doc, lang, rows=60):
    """(how many number cells show an amount in € or a rate in %, those not written as the language writes
    them), over the first rows of every sheet before the About sheet."""
    from com.sun.star.sheet.FormulaResult import VALUE as NUMBER_RESULT
    from com.sun.star.table.CellContentType import FORMULA, VALUE
    n, bad = 0, []
    for i in range(doc.Sheets.Count - 1):
        sh = doc.Sheets.getByIndex(i)
        end = used_area(sh).getRangeAddress()
        for r in range(min(end.EndRow, rows) + 1):
            for c in range(end.EndColumn + 1):
                cell = sh.getCellByPosition(c, r)
                kind = cell.getType()
                if kind == VALUE or (kind == FORMULA and cell.FormulaResultType2 == NUMBER_RESULT):
                    text = cell.getString()
                    if "€" in text or "%" in text:
                        n += 1
                        if not NUMBER_SHOWN[lang].match(text):
                            bad.append(f"{sh.Name}.{col_name(c)}{r + 1}: {text!r}")
    return n, bad


# Calc's optimal width adds about 2 mm to the text (STD_EXTRA_WIDTH, 113 twips; measured: a wrapped word breaks
# 1.96 mm below its optimal width). Headless Calc sets text about 3 % wider than a Calc window does (measured
# with 7.4.7: "Customers" in bold breaks below 2.27 cm headless and fits 2.20 cm in a window), so a wrapped
# word is reported when it needs more than 5 % beyond its column.
OPTIMAL_EXTRA = 196
HEADLESS_SLACK = 1.05


def clipped(doc, sh):
    """(columns too narrow for their content at 100 % zoom, wrapped cells with a word broken in two,
    wrapped cells whose text is cut at the bottom).
    Columns: on a copy of the sheet without the cells allowed to run over (text with an empty cell on
    its right) or wrapped, Calc's optimal width (Format > Columns > Optimal Width) is wider than the
    column; merged cells do not count there. Broken words: Calc breaks a word too long for its column
    (or merged columns) in two ("Promoteur / s"): the longest word of each wrapped cell (a hyphen ends a
    word: "log-" / "vraisemblance"), alone in an
    empty column of the copy with the cell's style, unwrapped, must fit. Cut texts: the whole text of
    each wrapped cell, there at the cell's width, must not need more height than its row (or merged rows)
    has; a text of a coloured cell that runs over may only run over cells of its colour."""
    from com.sun.star.table import CellAddress
    area = used_area(sh)
    end = area.getRangeAddress()
    data, forms = area.getDataArray(), area.getFormulaArray()
    skip = set()
    fr = sh.getCellFormatRanges()
    for k in range(fr.Count):
        rg = fr.getByIndex(k)
        if rg.IsTextWrapped:
            a = rg.getRangeAddress()
            skip |= {(r, c) for r in range(a.StartRow, a.EndRow + 1)
                     for c in range(a.StartColumn, a.EndColumn + 1)}
    name = "clipcheck"
    # The copy holds the values shown, not formulas: nothing to recalculate (the predictive fits).
    doc.enableAutomaticCalculation(False)
    doc.Sheets.copyByName(sh.Name, name, doc.Sheets.Count)
    cp = doc.Sheets.getByName(name)
    keep = []
    for r, row in enumerate(data):
        new = []
        for c, v in enumerate(row):
            right_empty = c + 1 >= len(row) or (row[c + 1] == "" and forms[r][c + 1] == "")
            new.append("" if (r, c) in skip or (isinstance(v, str) and right_empty) else v)
        keep.append(tuple(new))
    cp.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).setDataArray(tuple(keep))
    columns = []
    for c in range(end.EndColumn + 1):
        col, old = cp.Columns.getByIndex(c), sh.Columns.getByIndex(c).Width
        col.OptimalWidth = True
        if col.Width > old + 10:
            columns.append((c, old, col.Width))
    broken, cut = [], []
    # A scratch cell right of and below everything: its row holds nothing else.
    spare, spare_row = end.EndColumn + 2, end.EndRow + 2
    scratch = cp.getCellByPosition(spare, spare_row)
    for r, c in sorted(skip):
        v = data[r][c] if r < len(data) and c < len(data[r]) else ""
        if not isinstance(v, str) or not v.split():
            continue
        cur = sh.createCursorByRange(sh.getCellByPosition(c, r))
        cur.collapseToMergedArea()
        a = cur.getRangeAddress()
        width = sum(sh.Columns.getByIndex(i).Width for i in range(a.StartColumn, a.EndColumn + 1))
        word = max(re.split(r"\s+|(?<=-)", v), key=len)  # Calc breaks a line after a hyphen too
        cp.copyRange(CellAddress(Sheet=cp.RangeAddress.Sheet, Column=spare, Row=spare_row),
                     sh.getCellByPosition(c, r).getRangeAddress())
        scratch.setString(word)
        scratch.IsTextWrapped = False
        cp.Columns.getByIndex(spare).OptimalWidth = True
        need = cp.Columns.getByIndex(spare).Width - OPTIMAL_EXTRA
        if need > width * HEADLESS_SLACK:
            broken.append(f"{col_name(c)}{r + 1}: {word!r} needs {need}, has {width}")
        # The whole text, wrapped at the cell's (or merged cells') width: the height it needs.
        cp.Columns.getByIndex(spare).Width = width
        scratch.setString(v)
        scratch.IsTextWrapped = True
        row = cp.Rows.getByIndex(spare_row)
        row.OptimalHeight = True
        height = sum(sh.Rows.getByIndex(i).Height for i in range(a.StartRow, a.EndRow + 1))
        if row.Height > height * HEADLESS_SLACK + 20:
            cut.append(f"{col_name(c)}{r + 1}: {v[:30]!r}… needs {row.Height}, has {height}")
    # A text on a coloured cell that runs over must run over cells of the same colour: a heading's white
    # letters beyond its band are invisible.
    for r, row in enumerate(data):
        for c, v in enumerate(row):
            right_empty = c + 1 >= len(row) or (row[c + 1] == "" and forms[r][c + 1] == "")
            if (r, c) in skip or not isinstance(v, str) or not v or not right_empty:
                continue
            colour = sh.getCellByPosition(c, r).CellBackColor
            if colour == -1:
                continue
            cp.copyRange(CellAddress(Sheet=cp.RangeAddress.Sheet, Column=spare, Row=spare_row),
                         sh.getCellByPosition(c, r).getRangeAddress())
            scratch.setString(v)
            scratch.IsTextWrapped = False
            cp.Columns.getByIndex(spare).OptimalWidth = True
            need, k, room = cp.Columns.getByIndex(spare).Width - OPTIMAL_EXTRA, c, 0
            while room < need and sh.getCellByPosition(k, r).CellBackColor == colour:
                room += sh.Columns.getByIndex(k).Width
                k += 1
            if room < need:
                cut.append(f"{col_name(c)}{r + 1}: {v[:30]!r}… runs out of its coloured cells at {col_name(k)}")
    doc.Sheets.removeByName(name)
    doc.enableAutomaticCalculation(True)
    return columns, broken, cut


def check_polish(chk, name, doc, title, formulas_by_sheet, catalogue):
    """Title, document language, About sheet, no clipped column."""
    import re
    lang = "fr" if name.endswith("-fr") else "en"
    chk.check(doc.DocumentProperties.Title == title and title != name, f"{name}: document title {title!r}")
    chk.check(doc.CharLocale.Language == lang, f"{name}: document language {doc.CharLocale.Language}, "
                                               f"expected {lang}")
    n, bad = shown_numbers(doc, lang)
    chk.check(n and not bad, f"{name}: amounts and rates shown as {lang} writes them ({n} cells; not: {bad[:4]})")
    if lang == "fr":
        left = english_left(doc)
        chk.check(not left, f"{name}: no English left ({left[:6]})")
    about = doc.Sheets.getByIndex(doc.Sheets.Count - 1)
    chk.check(about.Name == {"en": "About", "fr": "À propos"}[lang], f"{name}: last sheet {about.Name!r}")
    area = used_area(about)
    end = area.getRangeAddress()
    text = "\n".join("\t".join(str(x) for x in row) for row in area.getDataArray())
    # Formulas show the stored names (KPI.SBGFIT for KPI.SBG.FIT): compare without the dots.
    used = sorted({f for forms in formulas_by_sheet for f in re.findall(r"KPI\.[A-Z0-9]+(?=\()",
                                                                        forms.upper().replace(".", "").replace("KPI", "KPI."))})
    flat = text.upper().replace(".", "").replace("KPI", "KPI.")
    with open(source_path("extension", "description.xml"), encoding="utf-8") as f:
        version = re.search(r'<version value="([^"]+)"', f.read()).group(1)
    links, not_its_definition = [], []
    for r in range(end.EndRow + 1):
        fields = about.getCellByPosition(3, r).getTextFields().createEnumeration()
        while fields.hasMoreElements():
            links.append(fields.nextElement().URL)
            # The row's definition (column C) is the catalogue's in the workbook's language.
            entry = catalogue.get(parse_qs(links[-1].partition("?")[2]).get("fn", [""])[0])
            shown = about.getCellByPosition(2, r).getString()
            if entry is None or shown != entry["definition"][lang]:
                not_its_definition.append(f"C{r + 1}: {shown[:40]!r}")
    chk.check(not not_its_definition, f"{name}: each function's definition in {lang}, as the catalogue writes it "
                                      f"({not_its_definition[:3]})")
    # Each link is the KPI menu's command for one function's entry in the reference (the display name:
    # fn=KPI.SBG.FIT); compared without the dots, as above.
    linked = {parse_qs(ln.partition("?")[2]).get("fn", [""])[0].upper().replace(".", "").replace("KPI", "KPI.", 1)
              for ln in links}
    missing = [u for u in used if u not in flat or u not in linked]
    chk.check(used and not missing, f"{name}: the About sheet defines and links every KPI function used "
                                    f"({len(used)}; missing {missing})")
    other = [ln for ln in links if not ln.startswith(REFERENCE_LINK)]
    chk.check(links and not other, f"{name}: every link of the About sheet opens the reference ({other[:3]})")
    chk.check(version in text, f"{name}: the About sheet gives the version {version}")
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        bad, broken, cut = clipped(doc, sh)
        chk.check(not bad, f"{name} {sh.Name}: no clipped column at 100 % (column, width, needed: {bad})")
        chk.check(not broken, f"{name} {sh.Name}: no word broken in two in a wrapped cell ({broken[:6]})")
        chk.check(not cut, f"{name} {sh.Name}: no text cut (wrapped text short of height, coloured text "
                           f"running out of its colour) ({cut[:6]})")


def formulas(doc):
    """Every formula of the sheets before the About sheet."""
    return [f for i in range(doc.Sheets.Count - 1) for row in used_area(doc.Sheets.getByIndex(i)).getFormulaArray()
            for f in row if f.startswith("=")]


def main():
    a = args_from_argv()
    import glob
    sources = sorted(glob.glob(os.path.join(a.source_dir, "examples", "templates", "*.fods")))
    chk = Checker("calc.templates_use")
    catalogue = load_catalogue(a.catalogue)
    # LibreOffice opens the reference with xdg-open: a stand-in on PATH records what it is given.
    fake_bin = os.path.join(a.workdir, "templates-fake-bin")
    os.makedirs(fake_bin, exist_ok=True)
    opened = os.path.join(fake_bin, "opened.log")
    with open(os.path.join(fake_bin, "xdg-open"), "w") as f:
        f.write(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    os.chmod(os.path.join(fake_bin, "xdg-open"), 0o755)
    os.environ["PATH"] = fake_bin + os.pathsep + os.environ["PATH"]
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        listed = listed_templates(office)
        for src in sources:
            name = os.path.splitext(os.path.basename(src))[0]
            title, _ = read_source(src)
            url = listed.get(title, "")
            chk.check(bool(url), f"{name}: in the template dialog as {title!r}")
            if not url:
                continue
            doc = office.desktop.loadComponentFromURL(url, "_blank", 0, props(Hidden=True, AsTemplate=True))
            doc.calculateAll()
            check_polish(chk, name, doc, title, formulas(doc), catalogue)
            check_link(chk, name, office, doc, opened)
            check_print(chk, name, doc, office.scratch(name + ".pdf"), title, not_printed(src))
            if name in PARTIAL:
                figures, (what, shown), claims = PARTIAL[name](doc)
                bad = error_cells(doc)
                chk.check(not bad, f"{name} half filled: no error cell ({sorted(bad)[:8]})")
                chk.check(not shown, f"{name} half filled: {what} ({shown[:6]})")
                for label, actual, expected in figures:
                    chk.check(close(actual, expected), f"{name} half filled: {label} {actual}, computed here {expected}")
                for ok, what in claims:
                    chk.check(ok, f"{name} half filled: {what}")
            doc.close(True)
            if name == "campaign-dashboard-en":  # a single month filled: no growth, no error
                doc = office.desktop.loadComponentFromURL(url, "_blank", 0, props(Hidden=True, AsTemplate=True))
                figures, (what, shown), claims = partial_dashboard(doc, filled=1)
                bad = error_cells(doc)
                chk.check(not bad and not shown, f"{name} January only: no error ({sorted(bad)[:5]}), {what} "
                                                 f"({shown[:6]})")
                for label, actual, expected in figures:
                    if "growth" not in label:
                        chk.check(close(actual, expected), f"{name} January only: {label} {actual} vs {expected}")
                for ok, what in claims:
                    chk.check(ok, f"{name} January only: {what}")
                doc.close(True)
    # The date of the page headers follows the office's locale setting (README): a French LibreOffice
    # prints today as 02/12/2026 (day/month/year), in the French templates as in the others.
    with Office(oxt=a.oxt, workdir=a.workdir, locale="fr-FR") as office:
        doc = office.load(os.path.join(a.source_dir, "examples", "templates", "b2b-kpis-fr.fods"))
        doc.calculateAll()
        pdf = office.scratch("fr-date.pdf")
        import uno
        uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(pdf), props(FilterName="calc_pdf_Export")))
        head = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", pdf, "-"], capture_output=True,
                              text=True, check=True).stdout.strip().splitlines()[0]
        chk.check(datetime.date.today().strftime("%d/%m/%Y") in head,
                  f"b2b-kpis-fr with the locale setting French: the header prints the date as 02/12/2026 ({head!r})")
        doc.close(True)
    return chk.finish()


def check_link(chk, name, office, doc, opened):
    """The first link of the About sheet, dispatched as Calc does when it is Ctrl+clicked (the click itself:
    gui.menu), opens the reference's page of that function, which forwards to its entry in the reference."""
    import time
    import uno
    about = doc.Sheets.getByIndex(doc.Sheets.Count - 1)
    link = next((f.URL for r in range(60) for f in _fields(about.getCellByPosition(3, r))), "")
    fn = parse_qs(link.partition("?")[2]).get("fn", [""])[0]
    if os.path.exists(opened):
        os.remove(opened)
    helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", office.ctx)
    res = helper.executeDispatch(doc.getCurrentController().getFrame(), link, "", 0, ())
    deadline = time.monotonic() + 40  # xdg-open runs in the background: on a loaded machine, seconds

    def recorded():  # the whole line: the stand-in's `>>` creates the file before it writes to it
        return open(opened).read() if os.path.exists(opened) else ""
    while not recorded().endswith("\n") and time.monotonic() < deadline:
        time.sleep(0.2)
    url = recorded().strip()
    anchor = fn.lower().replace(".", "")
    chk.check(res is not None and res.State == 1 and url.endswith(f"/reference/en/{anchor}.html"),
              f"{name}: the About link {link!r} opens the page of {fn} in the reference ({url!r}; dispatch "
              f"{(res.State, res.Result) if res is not None else None})")
    page = open(uno.fileUrlToSystemPath(url), encoding="utf-8").read() if url.startswith("file:") else ""
    target = re.search(r'url=([^"]+)"', page)
    target = target.group(1) if target else ""
    ref = os.path.join(os.path.dirname(uno.fileUrlToSystemPath(url)), target.partition("#")[0]) if target else ""
    chk.check(target == f"../functions-en.html#{anchor}" and os.path.isfile(ref)
              and f'id="{anchor}"' in open(ref, encoding="utf-8").read(),
              f"{name}: that page forwards to the entry of {fn} in the reference ({target!r})")


def _fields(cell):
    out, fields = [], cell.getTextFields().createEnumeration()
    while fields.hasMoreElements():
        out.append(fields.nextElement())
    return out


if __name__ == "__main__":
    sys.exit(main())
