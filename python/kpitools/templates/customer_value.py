"""The customer value workbook."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Book, Op, Ref, TRUE
from kpitools.templates.parts import BLUE, GREEN, GREY, TEAL, K


def customer_value():
    b = Book("en", "Customer value: CLV, LTV:CAC and payback",
             "Customer lifetime value by segment with four definitions (revenue, margin, retention-based with "
             "the first margin at the end or at the start of the period), LTV:CAC and CAC payback.")
    s = b.sheet("Customer value", [7.0, 2.8, 2.8, 2.8, 9.5], landscape=True)
    s.text("A1", "Customer value — which CLV are you quoting?", "title")
    s.row_height(1, 0.9)
    s.text("A2", "Blue cells are inputs per segment. The same customers give four different lifetime values", "note")
    s.text("A3", "depending on the definition: compare them before you quote an LTV:CAC.", "note")
    segs = ["SMB", "Mid-market", "Enterprise"]
    s.text("A4", "Inputs", "head_l")
    for i, sg in enumerate(segs):
        s.text(f"{col_name(1 + i)}4", sg, "head")
    s.text("E4", "Notes", "head_l")
    inputs = [
        ("Average order value", [180, 1250, 9800], "in_money", "per order (invoice)"),
        ("Orders per customer per year", [6, 4, 2], "in_dec1", ""),
        ("Customer lifespan (years)", [2.5, 4, 6], "in_dec1", "≈ 1 / yearly churn"),
        ("Gross margin", [0.62, 0.70, 0.74], "in_pct1", ""),
        ("Yearly retention rate", [0.60, 0.75, 0.83], "in_pct1", "share of customers still there a year later"),
        ("Discount rate per year", [0.10, 0.10, 0.10], "in_pct1", "cost of capital"),
        ("Sales & marketing cost", [186000, 412000, 690000], "in_money", "last 12 months"),
        ("New customers", [620, 180, 41], "in_int", "last 12 months"),
    ]
    for i, (label, vals, st, note) in enumerate(inputs):
        r = 5 + i
        s.text(f"A{r}", label, "label_in")
        for j, v in enumerate(vals):
            s.num(f"{col_name(1 + j)}{r}", v, st)
        if note:
            s.text(f"E{r}", note, "small")
    s.text("A14", "Per customer", "head_l")
    for i, sg in enumerate(segs):
        s.text(f"{col_name(1 + i)}14", sg, "head")
    s.text("E14", "Definition", "head_l")
    out = [
        ("Revenue per year", lambda c: Op("*", Ref(f"{c}5"), Ref(f"{c}6")), "out_money",
         "average order value × orders per year"),
        ("Margin per year", lambda c: Op("*", Ref(f"{c}15"), Ref(f"{c}8")), "out_money", "revenue per year × gross margin"),
        ("Revenue per month", lambda c: Op("/", Ref(f"{c}15"), 12), "out_money2", "for the payback period"),
        ("CAC", lambda c: K("CAC", Ref(f"{c}11"), Ref(f"{c}12")), "out_money", "=KPI.CAC(cost; new customers)"),
    ]
    for i, (label, make, st, note) in enumerate(out):
        r = 15 + i
        s.text(f"A{r}", label)
        for j in range(3):
            s.formula(f"{col_name(1 + j)}{r}", make(col_name(1 + j)), st)
        s.text(f"E{r}", note, "small")
    s.text("A20", "Lifetime value: four definitions", "head_l")
    for i, sg in enumerate(segs):
        s.text(f"{col_name(1 + i)}20", sg, "head")
    s.text("E20", "Formula", "head_l")
    defs = [
        ("A. Lifetime revenue (no margin)", lambda c: K("CLV", Ref(f"{c}5"), Ref(f"{c}6"), Ref(f"{c}7")),
         "=KPI.CLV(order value; orders; lifespan): revenue, not value"),
        ("B. Lifetime margin (simple CLV)", lambda c: K("CLV", Ref(f"{c}5"), Ref(f"{c}6"), Ref(f"{c}7"), Ref(f"{c}8")),
         "=KPI.CLV(…; gross margin): margin over a fixed lifespan"),
        ("C. Retention CLV, margin at year end", lambda c: K("CLVRET", Ref(f"{c}16"), Ref(f"{c}9"), Ref(f"{c}10")),
         "=KPI.CLVRET(margin; r; d) = m·r/(1+d−r)"),
        ("D. Retention CLV, first margin now", lambda c: K("CLVRET", Ref(f"{c}16"), Ref(f"{c}9"), Ref(f"{c}10"), TRUE),
         "=KPI.CLVRET(margin; r; d; TRUE) = m·(1+d)/(1+d−r)"),
    ]
    for i, (label, make, note) in enumerate(defs):
        r = 21 + i
        s.text(f"A{r}", label)
        for j in range(3):
            s.formula(f"{col_name(1 + j)}{r}", make(col_name(1 + j)), "out_money")
        s.text(f"E{r}", note, "small")
    s.text("A26", "LTV : CAC by definition", "head_l")
    for i, sg in enumerate(segs):
        s.text(f"{col_name(1 + i)}26", sg, "head")
    s.text("E26", "Rule of thumb: above 3 on a margin definition (B, C, D)", "head_l")
    for i in range(4):
        r = 27 + i
        s.text(f"A{r}", "LTV:CAC with " + "ABCD"[i])
        for j in range(3):
            c = col_name(1 + j)
            s.formula(f"{c}{r}", K("LTV2CAC", Ref(f"{c}{21 + i}"), Ref(f"{c}18")), "tot_ratio" if i == 2 else "out_ratio")
    s.text("E27", "on revenue: flatters the ratio", "small")
    s.text("A32", "CAC payback (months)", "label_key")
    for j in range(3):
        c = col_name(1 + j)
        s.formula(f"{c}32", K("PAYBACK", Ref(f"{c}18"), Ref(f"{c}17"), Ref(f"{c}8")), "key_dec1")
    s.text("E32", "=KPI.PAYBACK(CAC; revenue per month; gross margin)", "small")
    s.page_break(35)
    s.chart(name="chart_clv", anchor="A35", width=19.0, height=8.5, kind="bar",
            title="LTV:CAC by segment and CLV definition", categories=("B26", "D26"),
            series=[("A27", ("B27", "D27"), GREY), ("A28", ("B28", "D28"), BLUE), ("A29", ("B29", "D29"), TEAL),
                    ("A30", ("B30", "D30"), GREEN)])
    write_about(b, ["Blue cells: per segment (columns B to D), the inputs of rows 5 to 12: order value, orders per "
                    "year, lifespan, gross margin, retention and discount rates, sales & marketing cost, new "
                    "customers."])
    return b
