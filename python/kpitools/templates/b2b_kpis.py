"""The B2B KPIs workbook."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Book, Fn, Ref, Rng
from kpitools.templates.parts import B2B_MONTHS, BLUE, ORANGE, GREEN, GREY, K, wiggle, month_header, monthly_kpis


B2B_SEASON = [0.92, 0.97, 1.05, 1.02, 1.04, 0.95, 0.78, 0.70, 1.06, 1.12, 1.10, 0.88]


def b2b():
    b = Book("en", "B2B marketing: the ten KPIs",
             "The ten most-followed B2B marketing KPIs over twelve months (traffic, organic and paid traffic, "
             "CPC, CTR, conversion rate, CPL, MQL to SQL, CAC, CLV) and the funnel from visits to customers.")
    s = b.sheet("B2B KPIs", [5.6] + [2.15] * 12 + [3.2], landscape=True)
    s.text("A1", "B2B marketing — the ten KPIs, 2025", "title")
    s.row_height(1, 0.9)
    s.text("A2", "Blue cells are inputs (web analytics, ad platforms, CRM, finance); everything else is computed "
                 "by the KPI functions.", "note")
    s.text("A3", "The year column divides totals (sum over sum), never averages monthly ratios.", "note")
    # Inputs: rows 5..15, months in columns B..M, year in N.
    month_header(s, 4, "Inputs", B2B_MONTHS)
    inputs = [
        ("Sessions (all)", "int"), ("Organic sessions", "int"), ("Paid sessions", "int"),
        ("Ad impressions", "int"), ("Ad clicks", "int"), ("Ad spend", "money"),
        ("Leads (form fills)", "int"), ("MQLs", "int"), ("SQLs", "int"), ("New customers", "int"),
        ("Sales & marketing cost", "money"),
    ]
    data = {}
    for m in range(12):
        f = B2B_SEASON[m] * (1 + 0.012 * m)  # slow growth over the year
        sessions = round(46000 * f * wiggle(m, 1, 0.04))
        organic = round(sessions * 0.51 * wiggle(m, 2, 0.03))
        paid = round(sessions * 0.27 * wiggle(m, 3, 0.05))
        clicks = round(paid * 1.09)
        impressions = round(clicks / (0.021 * wiggle(m, 4, 0.08)))
        spend = round(clicks * 3.40 * wiggle(m, 5, 0.06))
        leads = round(sessions * 0.016 * wiggle(m, 6, 0.07))
        mqls = round(leads * 0.44 * wiggle(m, 7, 0.06))
        sqls = round(mqls * 0.34 * wiggle(m, 8, 0.09))
        cust = round(sqls * 0.27 * wiggle(m, 9, 0.15))
        smcost = round(62000 + spend, -2)
        data[m] = [sessions, organic, paid, impressions, clicks, spend, leads, mqls, sqls, cust, smcost]
    for i, (label, fmt) in enumerate(inputs):
        r = 5 + i
        s.text(f"A{r}", label, "label_in")
        for m in range(12):
            s.num(f"{col_name(1 + m)}{r}", data[m][i], f"in_{fmt}")
        s.formula(f"N{r}", Fn("SUM", Rng(f"B{r}", f"M{r}")), f"tot_{fmt}")
    # Customer value inputs.
    s.text("A17", "Customer value inputs", "head_l")
    s.text("B17", "", "head")
    cv = [("Annual contract value", 14400, "in_money"), ("Contracts per year", 1, "in_int"),
          ("Customer lifespan (years)", 4.2, "in_dec1"), ("Gross margin", 0.78, "in_pct1")]
    for i, (label, v, st) in enumerate(cv):
        s.text(f"A{18 + i}", label, "label_in")
        s.num(f"B{18 + i}", v, st)

    # KPIs by month: rows 24..33, year in N.
    month_header(s, 23, "KPIs", B2B_MONTHS)
    monthly_kpis(s, 24, [
        ("1. Site traffic (sessions)", lambda R: Fn("SUM", R(5)), "int"),
        ("2. Organic share of traffic", lambda R: K("SHARE", R(6), R(5)), "pct1"),
        ("3. Paid share of traffic", lambda R: K("SHARE", R(7), R(5)), "pct1"),
        ("4. CPC", lambda R: K("CPC", R(10), R(9)), "money2"),
        ("5. CTR", lambda R: K("CTR", R(9), R(8)), "pct2"),
        ("6. Conversion rate", lambda R: K("CONVRATE", R(11), R(5)), "pct2"),
        ("7. CPL", lambda R: K("CPL", R(15), R(11)), "money"),
        ("8. MQL → SQL", lambda R: K("MQL2SQL", R(13), R(12)), "pct1"),
        ("9. CAC", lambda R: K("CAC", R(15), R(14)), "money"),
    ], inputs=(5, 15))
    s.text("A33", "10. Customer lifetime value")
    s.formula("N33", K("CLV", Ref("B18"), Ref("B19"), Ref("B20"), Ref("B21")), "tot_money")
    s.text("A34", "LTV : CAC")
    s.formula("N34", K("LTV2CAC", Ref("N33"), Ref("N32")), "tot_ratio")
    s.text("B33", "annual contract value × contracts per year × lifespan × gross margin", "note")

    # Funnel: rows 37..41.
    s.text("A36", "Funnel 2025", "head_l")
    for col, h in zip("BCD", ("Count", "Step", "From visits")):
        s.text(f"{col}36", h, "head")
    stages = [("Visits (sessions)", 5), ("Leads", 11), ("MQLs", 12), ("SQLs", 13), ("Customers", 14)]
    for i, (label, src) in enumerate(stages):
        r = 37 + i
        s.text(f"A{r}", label)
        s.formula(f"B{r}", Ref(f"N{src}"), "out_int")
        s.formula(f"D{r}", K("CONVRATE", Ref(f"B{r}"), Ref("B37")), "out_pct2")
    # Step conversion, one formula per cell. =KPI.FUNNEL(B37:B41) gives the same column as one array
    # formula, but Calc recalculates array formulas on load: without the extension they show #NAME?.
    for i in range(1, 5):
        s.formula(f"C{37 + i}", K("MQL2SQL" if i == 3 else "CONVRATE", Ref(f"B{37 + i}"), Ref(f"B{36 + i}")),
                  "out_pct1")
    s.text("E37", "Step: each stage ÷ the stage before; From visits: each stage ÷ visits.", "note")
    s.page_break(44)
    s.chart(name="chart_traffic", anchor="A44", width=17.0, height=8.0, kind="bar",
            title="Organic and paid sessions by month", categories=("B4", "M4"),
            series=[("A6", ("B6", "M6"), GREEN), ("A7", ("B7", "M7"), BLUE)])
    s.chart(name="chart_leads", anchor="I44", width=15.0, height=8.0, kind="line",
            title="Leads, MQLs and SQLs by month", categories=("B4", "M4"),
            series=[("A11", ("B11", "M11"), GREY), ("A12", ("B12", "M12"), BLUE), ("A13", ("B13", "M13"), ORANGE)])
    write_about(b, ["Blue cells: the monthly inputs (rows 5 to 15) and the customer value inputs (B18:B21).",
                    "Fill the months from January on: a month without inputs shows no KPI, and the year column "
                    "uses the months filled."])
    return b
