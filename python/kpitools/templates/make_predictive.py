"""Builds examples/templates/predictive-clv.fods and predictive-clv-fr.fods,
the predictive-CLV template in English and in French (one function, the words
of predictive_texts.py), in headless Calc with the extension installed (so
that the saved file holds the computed values too):

  PYTHONPATH=python /usr/bin/python3 -m kpitools.templates.make_predictive --oxt build/kpi-functions-*.oxt

Sheets:
  - Transactions: the CDNOW sample's calibration-period purchases (one row per
    customer and purchase day; data/cdnow, MIT licence, see its README);
  - Customers: the customer table derived from the transactions with
    SUMPRODUCT/COUNTIFS/SUMIFS, the BG/NBD and Gamma-Gamma fits, and per
    customer the expected purchases, P(alive), expected spend and CLV;
  - Cohort: a cohort's survivors by year (Fader & Hardie 2007, "regular"
    cohort, years 0-7), the sBG fit, the projected retention curve and a chart.
"""
import argparse
import datetime
import os
import sys
import tempfile

from kpitools.office.session import Office, used_area  # imports uno, which the com.sun.star imports need
from kpitools.paths import source_path
from kpitools.templates import about as templates_about
from kpitools.templates import cdnow
from kpitools.templates.predictive_texts import TEXT
from kpitools.templates.styles import NNBSP

from com.sun.star.awt import Rectangle  # noqa: E402
from com.sun.star.table import CellRangeAddress  # noqa: E402

OUT_DIR = source_path("examples", "templates")
NAMES = {"en": "predictive-clv", "fr": "predictive-clv-fr"}  # the files' names, without .fods
LOCALES = {"en": ("en", "GB"), "fr": ("fr", "FR")}

# Fader & Hardie (2007), "How to project customer retention", table 1:
# customers of the "regular" cohort still active at the start of years 0-7.
COHORT = [1000, 631, 468, 382, 326, 289, 262, 241]
PROJECT_YEARS = 13  # projection for years 0..12
# The first customers of the sample (ids 1..CUSTOMERS), to keep the template
# small; the whole sample is fitted in tests/calc/test_predictive.py.
CUSTOMERS = 500

TX_FIRST_ROW = 5      # 1-based row of the first transaction
CUST_FIRST_ROW = 22   # 1-based row of the first customer

HEADER_BG = 0x1F4E79
HEADER_FG = 0xFFFFFF
INPUT_BG = 0xFFF2CC
RESULT_BG = 0xE2EFDA


def serial(day):
    return (day - datetime.date(1899, 12, 30)).days


def fmt(doc, code, lang="en"):
    """The key of a number format given as an en-US code; in French the same format converted to fr-FR
    (decimal comma, space between thousands) with a no-break space before %, as French typography has it
    (the narrow one, U+202F, as in the other templates: styles.py)."""
    from com.sun.star.lang import Locale
    nf = doc.NumberFormats
    en = Locale("en", "US", "")
    if lang == "en":
        key = nf.queryKey(code, en, False)
        return key if key != -1 else nf.addNew(code, en)
    return nf.addNewConverted(code.replace("%", f'"{NNBSP}"%'), en, Locale(*LOCALES[lang], ""))


def style_header(rng):
    rng.CellBackColor = HEADER_BG
    rng.CharColor = HEADER_FG
    rng.CharWeight = 150.0  # bold
    rng.IsTextWrapped = True
    rng.VertJustify = 2  # center


def title(sheet, text, subtitle):
    a1 = sheet.getCellRangeByName("A1")
    a1.setString(text)
    a1.CharHeight = 16.0
    a1.CharWeight = 150.0
    a1.CharColor = HEADER_BG
    a2 = sheet.getCellRangeByName("A2")
    a2.setString(subtitle)
    a2.CharPosture = 2  # italic
    a2.CharColor = 0x595959


def label_value(sheet, row, label, formula=None, value=None, number_format=None, kind="input", note=None):
    sheet.getCellRangeByName(f"A{row}").setString(label)
    cell = sheet.getCellRangeByName(f"B{row}")
    if formula is not None:
        cell.setFormula(formula)
    elif value is not None:
        cell.setValue(value)
    cell.CellBackColor = INPUT_BG if kind == "input" else RESULT_BG
    if number_format is not None:
        cell.NumberFormat = number_format
    if note:
        sheet.getCellRangeByName(f"C{row}").setString(note)
        sheet.getCellRangeByName(f"C{row}").CharColor = 0x595959


def build(doc, lang="en"):
    t = TEXT[lang]
    sheets = doc.Sheets
    while sheets.getCount() > 1:
        sheets.removeByName(sheets.getByIndex(1).Name)
    sheets.getByIndex(0).Name = t["customers"]
    sheets.insertNewByName(t["cohort"], 1)
    sheets.insertNewByName(t["transactions"], 2)
    cust, cohort, tx = (sheets.getByIndex(i) for i in range(3))

    f_date = fmt(doc, t["date"], lang)
    f_money = fmt(doc, "#,##0.00", lang)
    f_2 = fmt(doc, "0.00", lang)
    f_3 = fmt(doc, "0.000", lang)
    f_4 = fmt(doc, "0.0000", lang)
    f_ll = fmt(doc, "#,##0.0", lang)
    f_pct = fmt(doc, "0.0%", lang)
    f_int = fmt(doc, "#,##0", lang)

    # --- Transactions ---------------------------------------------------
    rows = [r for r in cdnow.transactions() if r[0] <= CUSTOMERS]
    days = cdnow.daily(rows)
    data = []
    for c in sorted(days):
        for d in sorted(days[c]):
            data.append((float(c), float(serial(d)), round(days[c][d], 2)))
    last_tx = TX_FIRST_ROW + len(data) - 1
    title(tx, t["tx_title"], t["tx_note"].format(n=CUSTOMERS))
    hdr = tx.getCellRangeByName(f"A{TX_FIRST_ROW - 1}:C{TX_FIRST_ROW - 1}")
    hdr.setDataArray((t["tx_heads"],))
    style_header(hdr)
    tx.getCellRangeByName(f"A{TX_FIRST_ROW}:C{last_tx}").setDataArray(tuple(data))
    tx.getCellRangeByName(f"B{TX_FIRST_ROW}:B{last_tx}").NumberFormat = f_date
    tx.getCellRangeByName(f"C{TX_FIRST_ROW}:C{last_tx}").NumberFormat = f_money
    for i, w in enumerate((2500, 3000, 3000)):
        tx.Columns.getByIndex(i).Width = w

    # Named ranges keep the customer formulas short and readable.
    from com.sun.star.table import CellAddress
    origin = CellAddress(Sheet=0, Column=0, Row=0)
    for name, c in (("TxCustomer", "A"), ("TxDate", "B"), ("TxValue", "C")):
        doc.NamedRanges.addNewByName(name, f"${sheet_ref(tx)}.${c}${TX_FIRST_ROW}:${c}${last_tx}", origin, 0)
    doc.NamedRanges.addNewByName("EndDate", f"${sheet_ref(cust)}.$B$4", origin, 0)
    doc.NamedRanges.addNewByName("DaysPerUnit", f"${sheet_ref(cust)}.$B$5", origin, 0)
    ids, dates, values = "TxCustomer", "TxDate", "TxValue"

    # --- Customers ------------------------------------------------------
    title(cust, t["cust_title"], t["cust_note"])
    inputs = [dict(value=serial(cdnow.CALIBRATION_END), number_format=f_date), dict(value=7, number_format=f_2),
              dict(value=52, number_format=f_2), dict(value=12, number_format=f_int),
              dict(value=0.01, number_format=f_pct),
              dict(formula="=365.25/12/B5", number_format=f_4, kind="result")]
    for row, ((label, note), how) in enumerate(zip(t["inputs"], inputs), start=4):
        label_value(cust, row, label, note=note, **how)

    cust.getCellRangeByName("A10").setString(t["bg_fit"])
    cust.getCellRangeByName("A10").CharWeight = 150.0
    h = cust.getCellRangeByName("B11:F11")
    h.setDataArray((("r", "alpha", "a", "b", t["loglik"]),))
    style_header(h)
    cust.getCellRangeByName("A13").setString(t["gg_fit"])
    cust.getCellRangeByName("A13").CharWeight = 150.0
    h = cust.getCellRangeByName("B14:E14")
    h.setDataArray((("p", "q", "gamma", t["loglik"]),))
    style_header(h)
    cust.getCellRangeByName("A17").setString(t["totals"])
    cust.getCellRangeByName("A17").CharWeight = 150.0

    ids_c = sorted(days)
    first, last = CUST_FIRST_ROW, CUST_FIRST_ROW + len(ids_c) - 1
    col = lambda c: f"{c}{first}:{c}{last}"  # noqa: E731
    h = cust.getCellRangeByName(f"A{first - 1}:L{first - 1}")
    h.setDataArray((t["cust_heads"],))
    style_header(h)
    cust.Rows.getByIndex(first - 2).OptimalHeight = True  # the headings wrap: as many lines as they need

    formulas = []
    for i, c in enumerate(ids_c):
        r = first + i
        when = '"<="&EndDate'
        formulas.append((
            float(c),
            # First and last purchase up to EndDate, as MINIFS/MAXIFS would give them (0 when
            # none) but with functions every Excel since 2007 has (MINIFS/MAXIFS need Excel
            # 2019, issue 25 item 4): dates are >= 0, so the largest of match*date is the last
            # one, and the largest of match*(last - date) is last - first. Blank dates never
            # match, as with MAXIFS. LARGE(...;1), not MAX: Gnumeric evaluates LARGE's argument
            # as an array inside SUMPRODUCT but gives MAX only its first element (measured).
            f"=C{r}-SUMPRODUCT(LARGE(({ids}=A{r})*({dates}<>\"\")*({dates}<=EndDate)*(C{r}-{dates});1))",
            f"=SUMPRODUCT(LARGE(({ids}=A{r})*({dates}<>\"\")*({dates}<=EndDate)*{dates};1))",
            f"=COUNTIFS({ids};A{r};{dates};{when})",
            f"=D{r}-1",
            f"=(C{r}-B{r})/DaysPerUnit",
            f"=(EndDate-B{r})/DaysPerUnit",
            f"=IF(E{r}>0;(SUMIFS({values};{ids};A{r};{dates};{when})-SUMIFS({values};{ids};A{r};{dates};B{r}))/E{r};0)",
            f"=KPI.BGNBD.EXPECTED($B$12:$F$12;$B$6;E{r};F{r};G{r})",
            f"=KPI.BGNBD.PALIVE($B$12:$F$12;E{r};F{r};G{r})",
            f"=KPI.GG.SPEND($B$15:$E$15;E{r};H{r})",
            f"=KPI.CLV.PREDICT($B$12:$F$12;$B$15:$E$15;E{r};F{r};G{r};H{r};$B$7;$B$8;$B$9)",
        ))
    cust.getCellRangeByName(f"A{first}:L{last}").setFormulaArray(tuple(formulas))
    # One ordinary formula per parameter (INDEX into the fitted row) rather
    # than an array formula: Calc recalculates array formulas when a file is
    # opened, so a colleague without the extension would see #NAME? in them
    # (and in everything that depends on them) instead of the last values.
    bg_fit = f"KPI.BGNBD.FIT({col('E')};{col('F')};{col('G')})"
    gg_fit = f"KPI.GG.FIT({col('E')};{col('H')})"
    for k, c in enumerate("BCDEF", start=1):
        cust.getCellRangeByName(f"{c}12").setFormula(f"=INDEX({bg_fit};1;{k})")
    for k, c in enumerate("BCDE", start=1):
        cust.getCellRangeByName(f"{c}15").setFormula(f"=INDEX({gg_fit};1;{k})")
    for rng, f in (("B12:E12", f_3), ("F12", f_ll), ("B15:D15", f_3), ("E15", f_ll)):
        cust.getCellRangeByName(rng).NumberFormat = f
    cust.getCellRangeByName("B12:F12").CellBackColor = RESULT_BG
    cust.getCellRangeByName("B15:E15").CellBackColor = RESULT_BG

    h = cust.getCellRangeByName("B18:E18")
    h.setDataArray((t["total_heads"],))
    style_header(h)
    cust.getCellRangeByName("B19").setFormula(f"=COUNT({col('A')})")
    cust.getCellRangeByName("C19").setFormula(f"=SUM({col('I')})")
    cust.getCellRangeByName("D19").setFormula(f"=SUM({col('J')})")
    cust.getCellRangeByName("E19").setFormula(f"=SUM({col('L')})")
    cust.getCellRangeByName("B19:D19").NumberFormat = f_int
    cust.getCellRangeByName("E19").NumberFormat = f_money
    cust.getCellRangeByName("B19:E19").CellBackColor = RESULT_BG

    for c, f in (("B", f_date), ("C", f_date), ("D", f_int), ("E", f_int), ("F", f_2), ("G", f_2), ("H", f_money),
                 ("I", f_3), ("J", f_pct), ("K", f_money), ("L", f_money)):
        cust.getCellRangeByName(col(c)).NumberFormat = f
    cust.Columns.getByIndex(0).Width = t["first_column"]["customers"]
    for i in range(1, 12):
        cust.Columns.getByIndex(i).Width = t["wider"].get(i, 2900)
    # Freeze the header rows of the table.
    doc.CurrentController.setActiveSheet(cust)
    doc.CurrentController.freezeAtPosition(1, first - 1)

    # --- Cohort ---------------------------------------------------------
    title(cohort, t["cohort_title"], t["cohort_note"])
    h = cohort.getCellRangeByName("A4:C4")
    h.setDataArray((t["sbg_heads"],))
    style_header(h)
    cohort.getCellRangeByName("D4").setString(t["loglik"])
    style_header(cohort.getCellRangeByName("D4"))
    cohort.getCellRangeByName("A5").setString(t["parameters"])
    n_obs = len(COHORT)
    first_c = 9
    obs = f"B{first_c}:B{first_c + n_obs - 1}"
    # The years observed so far (filled from year 0 on): KPI.SBG.FIT takes survivors without gaps.
    observed = f"INDEX({obs};1):INDEX({obs};COUNT({obs}))"
    for k, c in enumerate("BCD", start=1):
        cohort.getCellRangeByName(f"{c}5").setFormula(f"=INDEX(KPI.SBG.FIT({observed});1;{k})")
    cohort.getCellRangeByName("B5:C5").NumberFormat = f_3
    cohort.getCellRangeByName("D5").NumberFormat = f_ll
    cohort.getCellRangeByName("B5:D5").CellBackColor = RESULT_BG
    cohort.getCellRangeByName("A6").setString(t["years_active"])
    cohort.getCellRangeByName("B6").setFormula(f"=SUM(C{first_c + 1}:C{first_c + PROJECT_YEARS - 1})/B{first_c}")
    cohort.getCellRangeByName("B6").NumberFormat = f_2
    cohort.getCellRangeByName("B6").CellBackColor = RESULT_BG

    h = cohort.getCellRangeByName(f"A{first_c - 1}:E{first_c - 1}")
    h.setDataArray((t["cohort_heads"],))
    style_header(h)
    cohort.Rows.getByIndex(first_c - 2).OptimalHeight = True
    rows_c = []
    for year in range(PROJECT_YEARS):
        r = first_c + year
        actual = float(COHORT[year]) if year < n_obs else ""
        rows_c.append((
            float(year), actual,
            f"=$B${first_c}*KPI.SBG.SURVIVAL($B$5;$C$5;A{r})",
            # A year not observed yet (blank) shows no retention rather than 0 % or #DIV/0!.
            (f'=IF(COUNT(B{r - 1}:B{r})=2;B{r}/B{r - 1};"")' if 0 < year < n_obs else ""),
            (f"=KPI.SBG.RETENTION($B$5;$C$5;A{r})" if year > 0 else ""),
        ))
    cohort.getCellRangeByName(f"A{first_c}:E{first_c + PROJECT_YEARS - 1}").setFormulaArray(
        tuple(tuple(v if isinstance(v, str) else v for v in row) for row in rows_c))
    cohort.getCellRangeByName(obs).CellBackColor = INPUT_BG
    cohort.getCellRangeByName(f"B{first_c}:C{first_c + PROJECT_YEARS - 1}").NumberFormat = f_int
    cohort.getCellRangeByName(f"D{first_c}:E{first_c + PROJECT_YEARS - 1}").NumberFormat = f_pct
    cohort.Columns.getByIndex(0).Width = t["first_column"]["cohort"]
    for i in range(1, 5):
        cohort.Columns.getByIndex(i).Width = 3400

    # The retention curve: actual and projected active customers by year.
    # Right of the table (column F on), whatever the widths of its columns in this language.
    rect = Rectangle(X=cohort.getCellByPosition(5, 0).Position.X + 600, Y=1200, Width=16000, Height=9500)
    addr = CellRangeAddress(Sheet=1, StartColumn=0, StartRow=first_c - 2, EndColumn=2,
                            EndRow=first_c + PROJECT_YEARS - 2)
    cohort.Charts.addNewByName("RetentionCurve", rect, (addr,), True, True)
    chart = cohort.Charts.getByName("RetentionCurve").EmbeddedObject
    chart.setDiagram(chart.createInstance("com.sun.star.chart.LineDiagram"))
    chart.HasMainTitle = True
    chart.Title.String = t["chart"]
    diagram = chart.Diagram
    diagram.HasXAxisTitle = True
    diagram.XAxisTitle.String = t["chart_x"]
    diagram.HasYAxisTitle = True
    diagram.YAxisTitle.String = t["chart_y"]
    chart.HasLegend = True


def sheet_ref(sheet):
    """A sheet's name as a reference writes it (quoted when it is not letters and digits)."""
    name = sheet.Name
    return name if name.isalnum() else "'" + name.replace("'", "''") + "'"


def print_setup(doc, lang="en"):
    """The title the template dialog shows, the document language, and printing as the other templates
    (engine.py): A4, one page wide, landscape for the sheets
    meant to be read, a header naming the report, the sheet and the date."""
    from com.sun.star.lang import Locale
    t = TEXT[lang]
    dp = doc.DocumentProperties
    dp.Title = t["title"]
    dp.Description = t["description"]
    dp.Language = Locale(*LOCALES[lang], "")
    # The document language (Tools > Options > Language Settings > Languages, for this document).
    doc.CharLocale = Locale(*LOCALES[lang], "")
    styles = doc.StyleFamilies.getByName("PageStyles")
    for i, landscape in ((0, True), (1, True), (2, False)):
        style_name = "KPI " + ("landscape" if landscape else "portrait")
        if not styles.hasByName(style_name):
            st = doc.createInstance("com.sun.star.style.PageStyle")
            styles.insertByName(style_name, st)
            st.IsLandscape = landscape
            st.Width, st.Height = (29700, 21000) if landscape else (21000, 29700)
            st.TopMargin = st.BottomMargin = 1000
            st.LeftMargin = st.RightMargin = 1200
            st.CenterHorizontally = True
            st.ScaleToPagesX, st.ScaleToPagesY = 1, 0
            st.FirstPageNumber = 0  # page numbers run on through the sheets
            st.HeaderIsOn = st.FooterIsOn = True
            head = st.RightPageHeaderContent
            for text, service in ((head.LeftText, "DocInfo.Title"), (head.CenterText, "SheetName"),
                                  (head.RightText, "Date")):
                text.setString("")
                text.insertTextContent(text.createTextCursor(),
                                       doc.createInstance("com.sun.star.text.TextField." + service), False)
            st.RightPageHeaderContent = head
            foot = st.RightPageFooterContent
            text = foot.CenterText
            text.setString(t["page"][0])
            text.insertTextContent(text.getEnd(), doc.createInstance("com.sun.star.text.TextField.PageNumber"), False)
            text.insertString(text.getEnd(), t["page"][1], False)
            text.insertTextContent(text.getEnd(), doc.createInstance("com.sun.star.text.TextField.PageCount"), False)
            st.RightPageFooterContent = foot
        doc.Sheets.getByIndex(i).PageStyle = style_name


def about_sheet(doc, lang="en"):
    """The About sheet (about.py), last."""
    t = TEXT[lang]
    formulas = [f for i in range(doc.Sheets.Count) for row in used_area(doc.Sheets.getByIndex(i)).getFormulaArray()
                for f in row if f.startswith("=")]
    rows = templates_about.rows(lang, doc.DocumentProperties.Description, t["fill"],
                                templates_about.functions_in(formulas), formulas)
    doc.Sheets.insertNewByName(templates_about.LABELS[lang]["sheet"], doc.Sheets.Count)
    sh = doc.Sheets.getByName(templates_about.LABELS[lang]["sheet"])
    title(sh, t["title"], "")
    for i, w in enumerate((4600, 7500, 6500, 4200)):
        sh.Columns.getByIndex(i).Width = w
    r = 3
    for row in rows:
        if row[0] == "section":
            r += 1
            c = sh.getCellRangeByName(f"A{r}")
            c.setString(row[1])
            c.CharWeight = 150.0
            c.CharColor = HEADER_BG
        elif row[0] == "text":
            rng = sh.getCellRangeByName(f"A{r}:D{r}")
            rng.merge(True)
            rng.IsTextWrapped = True
            sh.getCellRangeByName(f"A{r}").setString(row[2])
            sh.Rows.getByIndex(r - 1).Height = round(1000 * templates_about.text_height(row[2]))
        elif row[0] == "table":
            hdr = sh.getCellRangeByName(f"A{r}:D{r}")
            hdr.setDataArray((row[1],))
            style_header(hdr)
        else:
            name, measures, definition, url, link = row[1:]
            sh.getCellRangeByName(f"A{r}:C{r}").setDataArray(((name, measures, definition),))
            sh.getCellRangeByName(f"B{r}:C{r}").IsTextWrapped = True
            sh.getCellRangeByName(f"A{r}:D{r}").VertJustify = 1  # top, as the other templates' About sheets
            cell = sh.getCellRangeByName(f"D{r}")
            field = doc.createInstance("com.sun.star.text.TextField.URL")
            field.URL = url
            field.Representation = link
            cell.insertTextContent(cell.getText().createTextCursor(), field, False)
        r += 1
    sh.PageStyle = "KPI portrait"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--out-dir", default=OUT_DIR, help="writes predictive-clv.fods and predictive-clv-fr.fods there")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    a = ap.parse_args(argv)
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for lang, name in NAMES.items():
            doc = office.new_calc()
            build(doc, lang)
            print_setup(doc, lang)
            about_sheet(doc, lang)
            doc.calculateAll()
            doc.CurrentController.setActiveSheet(doc.Sheets.getByIndex(0))
            out = os.path.abspath(os.path.join(a.out_dir, name + ".fods"))
            office.save_as(doc, out, "OpenDocument Spreadsheet Flat XML")
            doc.close(True)
            print(out)


if __name__ == "__main__":
    sys.exit(main())
