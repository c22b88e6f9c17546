"""Builds examples/templates/predictive-clv.fods, the predictive-CLV template,
in headless Calc with the extension installed (so that the saved file holds
the computed values too):

  PYTHONPATH=python /usr/bin/python3 -m kpitools.templates.make_predictive --oxt build/kpi-functions-*.oxt

Sheets:
  - Transactions: the CDNOW sample's calibration-period purchases (one row per
    customer and purchase day; data/cdnow, MIT licence, see its README);
  - Customers: the customer table derived from the transactions with
    MINIFS/MAXIFS/COUNTIFS/SUMIFS, the BG/NBD and Gamma-Gamma fits, and per
    customer the expected purchases, P(alive), expected spend and CLV;
  - Cohort: a cohort's survivors by year (Fader & Hardie 2007, "regular"
    cohort, years 0-7), the sBG fit, the projected retention curve and a chart.
"""
import argparse
import datetime
import os
import sys
import tempfile

from kpitools.office.session import Office  # imports uno, which the com.sun.star imports need
from kpitools.paths import source_path
from kpitools.templates import cdnow

from com.sun.star.awt import Rectangle  # noqa: E402
from com.sun.star.table import CellRangeAddress  # noqa: E402

OUT = source_path("examples", "templates", "predictive-clv.fods")

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


def fmt(doc, code):
    from com.sun.star.lang import Locale
    nf = doc.NumberFormats
    loc = Locale("en", "US", "")
    key = nf.queryKey(code, loc, False)
    return key if key != -1 else nf.addNew(code, loc)


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


def build(doc):
    sheets = doc.Sheets
    while sheets.getCount() > 1:
        sheets.removeByName(sheets.getByIndex(1).Name)
    sheets.getByIndex(0).Name = "Customers"
    sheets.insertNewByName("Cohort", 1)
    sheets.insertNewByName("Transactions", 2)
    cust, cohort, tx = (sheets.getByName(n) for n in ("Customers", "Cohort", "Transactions"))

    f_date = fmt(doc, "YYYY-MM-DD")
    f_money = fmt(doc, "#,##0.00")
    f_2 = fmt(doc, "0.00")
    f_3 = fmt(doc, "0.000")
    f_4 = fmt(doc, "0.0000")
    f_ll = fmt(doc, "#,##0.0")
    f_pct = fmt(doc, "0.0%")
    f_int = fmt(doc, "#,##0")

    # --- Transactions ---------------------------------------------------
    rows = [r for r in cdnow.transactions() if r[0] <= CUSTOMERS]
    days = cdnow.daily(rows)
    data = []
    for c in sorted(days):
        for d in sorted(days[c]):
            data.append((float(c), float(serial(d)), round(days[c][d], 2)))
    last_tx = TX_FIRST_ROW + len(data) - 1
    title(tx, "Transactions", "One row per customer and purchase day (purchases of the same day added). "
          f"CDNOW sample (its first {CUSTOMERS} customers), purchases up to 1997-09-30; "
          "data: B. Hardie, via the lifetimes package (MIT licence).")
    hdr = tx.getCellRangeByName(f"A{TX_FIRST_ROW - 1}:C{TX_FIRST_ROW - 1}")
    hdr.setDataArray((("Customer", "Date", "Value ($)"),))
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
        doc.NamedRanges.addNewByName(name, f"$Transactions.${c}${TX_FIRST_ROW}:${c}${last_tx}", origin, 0)
    doc.NamedRanges.addNewByName("EndDate", "$Customers.$B$4", origin, 0)
    doc.NamedRanges.addNewByName("DaysPerUnit", "$Customers.$B$5", origin, 0)
    ids, dates, values = "TxCustomer", "TxDate", "TxValue"

    # --- Customers ------------------------------------------------------
    title(cust, "Predictive customer lifetime value (BG/NBD + Gamma-Gamma)",
          "Yellow cells are inputs. The customer table is derived from the Transactions sheet; "
          "the models are fitted on it by maximum likelihood (Fader, Hardie & Lee 2005).")
    label_value(cust, 4, "End of observation", value=serial(cdnow.CALIBRATION_END), number_format=f_date,
                note="Purchases after this date are ignored.")
    label_value(cust, 5, "Days per time unit", value=7, number_format=f_2,
                note="7 = the models work in weeks. Every time below is in this unit.")
    label_value(cust, 6, "Forecast window (time units)", value=52, number_format=f_2,
                note="Expected purchases are counted over this many time units (52 weeks = 1 year).")
    label_value(cust, 7, "Discount periods (horizon)", value=12, number_format=f_int,
                note="CLV adds up this many periods (12 months).")
    label_value(cust, 8, "Discount rate per period", value=0.01, number_format=f_pct,
                note="1 % per month.")
    label_value(cust, 9, "Time units per period", formula="=365.25/12/B5", number_format=f_4, kind="result",
                note="Weeks in an average month (365.25 / 12 / 7): no 30-day month is assumed.")

    cust.getCellRangeByName("A10").setString("BG/NBD fit: purchases and dropout (KPI.BGNBD.FIT)")
    cust.getCellRangeByName("A10").CharWeight = 150.0
    h = cust.getCellRangeByName("B11:F11")
    h.setDataArray((("r", "alpha", "a", "b", "log-likelihood"),))
    style_header(h)
    cust.getCellRangeByName("A13").setString("Gamma-Gamma fit: spend per purchase (KPI.GG.FIT)")
    cust.getCellRangeByName("A13").CharWeight = 150.0
    h = cust.getCellRangeByName("B14:E14")
    h.setDataArray((("p", "q", "gamma", "log-likelihood"),))
    style_header(h)
    cust.getCellRangeByName("A17").setString("Totals")
    cust.getCellRangeByName("A17").CharWeight = 150.0

    ids_c = sorted(days)
    first, last = CUST_FIRST_ROW, CUST_FIRST_ROW + len(ids_c) - 1
    col = lambda c: f"{c}{first}:{c}{last}"  # noqa: E731
    heads = ("Customer", "First purchase", "Last purchase", "Purchase days", "Frequency (repeat purchases)",
             "Recency (time units)", "Age (time units)", "Average repeat value ($)",
             "Expected purchases in the window", "P(alive)", "Expected spend per purchase ($)", "CLV, discounted ($)")
    h = cust.getCellRangeByName(f"A{first - 1}:L{first - 1}")
    h.setDataArray((heads,))
    style_header(h)
    cust.Rows.getByIndex(first - 2).Height = 1400

    formulas = []
    for i, c in enumerate(ids_c):
        r = first + i
        when = '"<="&EndDate'
        formulas.append((
            float(c),
            f"=MINIFS({dates};{ids};A{r};{dates};{when})",
            f"=MAXIFS({dates};{ids};A{r};{dates};{when})",
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
    h.setDataArray((("Customers", "Expected purchases", "Expected active customers", "Total CLV ($)"),))
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
    cust.Columns.getByIndex(0).Width = 5600
    for i in range(1, 12):
        cust.Columns.getByIndex(i).Width = 2900
    # Freeze the header rows of the table.
    doc.CurrentController.setActiveSheet(cust)
    doc.CurrentController.freezeAtPosition(1, first - 1)

    # --- Cohort ---------------------------------------------------------
    title(cohort, "Cohort retention (shifted-beta-geometric)",
          "Active customers of a cohort at the start of each year (yellow: Fader & Hardie 2007, 'regular' cohort). "
          "The sBG model is fitted on them and projects the retention curve (Fader & Hardie 2007).")
    h = cohort.getCellRangeByName("A4:C4")
    h.setDataArray((("sBG fit", "alpha", "beta"),))
    style_header(h)
    cohort.getCellRangeByName("D4").setString("log-likelihood")
    style_header(cohort.getCellRangeByName("D4"))
    cohort.getCellRangeByName("A5").setString("Parameters")
    n_obs = len(COHORT)
    first_c = 9
    obs = f"B{first_c}:B{first_c + n_obs - 1}"
    for k, c in enumerate("BCD", start=1):
        cohort.getCellRangeByName(f"{c}5").setFormula(f"=INDEX(KPI.SBG.FIT({obs});1;{k})")
    cohort.getCellRangeByName("B5:C5").NumberFormat = f_3
    cohort.getCellRangeByName("D5").NumberFormat = f_ll
    cohort.getCellRangeByName("B5:D5").CellBackColor = RESULT_BG
    cohort.getCellRangeByName("A6").setString("Expected years active in years 1-12")
    cohort.getCellRangeByName("B6").setFormula(f"=SUM(C{first_c + 1}:C{first_c + PROJECT_YEARS - 1})/B{first_c}")
    cohort.getCellRangeByName("B6").NumberFormat = f_2
    cohort.getCellRangeByName("B6").CellBackColor = RESULT_BG

    h = cohort.getCellRangeByName(f"A{first_c - 1}:E{first_c - 1}")
    h.setDataArray((("Year", "Active (actual)", "Active (projected)", "Retention (actual)", "Retention (projected)"),))
    style_header(h)
    cohort.Rows.getByIndex(first_c - 2).Height = 1000
    rows_c = []
    for t in range(PROJECT_YEARS):
        r = first_c + t
        actual = float(COHORT[t]) if t < n_obs else ""
        rows_c.append((
            float(t), actual,
            f"=$B${first_c}*KPI.SBG.SURVIVAL($B$5;$C$5;A{r})",
            (f"=B{r}/B{r - 1}" if 0 < t < n_obs else ""),
            (f"=KPI.SBG.RETENTION($B$5;$C$5;A{r})" if t > 0 else ""),
        ))
    cohort.getCellRangeByName(f"A{first_c}:E{first_c + PROJECT_YEARS - 1}").setFormulaArray(
        tuple(tuple(v if isinstance(v, str) else v for v in row) for row in rows_c))
    cohort.getCellRangeByName(obs).CellBackColor = INPUT_BG
    cohort.getCellRangeByName(f"B{first_c}:C{first_c + PROJECT_YEARS - 1}").NumberFormat = f_int
    cohort.getCellRangeByName(f"D{first_c}:E{first_c + PROJECT_YEARS - 1}").NumberFormat = f_pct
    cohort.Columns.getByIndex(0).Width = 5600
    for i in range(1, 5):
        cohort.Columns.getByIndex(i).Width = 3400

    # The retention curve: actual and projected active customers by year.
    rect = Rectangle(X=19000, Y=1200, Width=16000, Height=9500)
    addr = CellRangeAddress(Sheet=1, StartColumn=0, StartRow=first_c - 2, EndColumn=2,
                            EndRow=first_c + PROJECT_YEARS - 2)
    cohort.Charts.addNewByName("RetentionCurve", rect, (addr,), True, True)
    chart = cohort.Charts.getByName("RetentionCurve").EmbeddedObject
    chart.setDiagram(chart.createInstance("com.sun.star.chart.LineDiagram"))
    chart.HasMainTitle = True
    chart.Title.String = "Active customers: actual and sBG projection"
    diagram = chart.Diagram
    diagram.HasXAxisTitle = True
    diagram.XAxisTitle.String = "Year"
    diagram.HasYAxisTitle = True
    diagram.YAxisTitle.String = "Active customers"
    chart.HasLegend = True


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    a = ap.parse_args(argv)
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        doc = office.new_calc()
        build(doc)
        doc.calculateAll()
        doc.CurrentController.setActiveSheet(doc.Sheets.getByName("Customers"))
        out = os.path.abspath(a.out)
        office.save_as(doc, out, "OpenDocument Spreadsheet Flat XML")
        doc.close(True)
    print(out)


if __name__ == "__main__":
    sys.exit(main())
