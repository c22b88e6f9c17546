"""Writes the template workbooks, examples/templates/*.fods (flat ODF).

  PYTHONPATH=python python3 -m kpitools.templates.make_templates            # (re)write the files
  PYTHONPATH=python python3 -m kpitools.templates.make_templates --check    # exit 1 if a committed file differs

The generator is the source: the datasets are invented but plausible, built
from a few rates per channel/month so the figures hang together. Both
dashboards (English, French) come from one function with a table of labels.
Every formula cell also carries the value the documented definition gives,
computed here in Python (kpitools/templates/engine.py), independently of the
add-in. The build converts these .fods into .ots templates (kpitools/templates/build.py).
"""
import argparse
import math
import os
import sys

from kpitools.paths import source_path
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.email_report import email_programme
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng, Span, TRUE

OUT_DIR = source_path("examples", "templates")

BLUE, ORANGE, GREEN, GREY, TEAL, RED = "#2f5597", "#ed7d31", "#70ad47", "#a5a5a5", "#4bacc6", "#c00000"


def K(name, *args):
    return Fn("KPI." + name, *args)


def wiggle(i, j, amp):
    """A deterministic month-to-month variation (no random numbers)."""
    return 1 + amp * math.sin(2.3 * i + 1.7 * j + 0.5)


def month_header(s, row, title, months):
    s.text(f"A{row}", title, "head_l")
    for m, name in enumerate(months):
        s.text(f"{col_name(1 + m)}{row}", name, "head")
    s.text(f"N{row}", "Year", "head")


def month_filled(c, r1, r2):
    """True when month column c has any input in rows r1..r2: the months to come show nothing."""
    return Op(">", Fn("COUNT", Rng(f"{c}{r1}", f"{c}{r2}")), 0)


def monthly_kpis(s, first_row, rows, inputs):
    """Rows of KPIs with months in columns B..M and the year in N. Each row:
    (label, make, format[, year formula]); make(R) builds the formula from
    R(input_row), a cell for a month and, by default, the B..M range for the
    year: the year is a sum over a sum (blank months are skipped). A month
    without any input in rows inputs=(r1, r2) shows nothing."""
    for i, (label, make, fmt, *year) in enumerate(rows):
        r = first_row + i
        s.text(f"A{r}", label)
        for m in range(12):
            c = col_name(1 + m)
            s.formula(f"{c}{r}", Fn("IF", month_filled(c, *inputs), make(lambda rr, c=c: Ref(f"{c}{rr}")), ""),
                      f"out_{fmt}")
        s.formula(f"N{r}", year[0] if year else make(lambda rr: Rng(f"B{rr}", f"M{rr}")), f"tot_{fmt}")


# ============================================================ 1. paid campaigns
DASH_TEXT = {
    "en": dict(
        title="Paid campaign dashboard 2025",
        description="Paid media by channel and month: cost, impressions, clicks, leads, customers and revenue; "
                    "CPC, CPM, CTR, CPL, CAC, ROAS, ROI and growth computed with the KPI functions.",
        dash="Dashboard", data="Data",
        subtitle="Type your figures in the Data sheet (blue cells). Every KPI below is computed by the KPI "
                 "functions; totals are a sum over a sum (e.g. total CPL = total cost / total leads).",
        by_channel="Results by channel", by_month="Results by month", channel="Channel", month="Month",
        cost="Cost", impressions="Impressions", clicks="Clicks", leads="Leads", customers="Customers",
        revenue="Revenue", cpc="CPC", cpm="CPM", ctr="CTR", cpl="CPL", cac="CAC", roas="ROAS", roi="ROI",
        growth_note="Revenue growth: each month against the month before. Months count once their cost is "
                    "filled in the Data sheet; fill them from January on.",
        growth_total="Total revenue growth: ", versus=" against ", growth_none="Total revenue growth: needs two "
                    "months with figures.", months_filled="Months with figures:", half="Half:",
        growth_short="Revenue growth", total="Total 2025",
        headline=["Spend", "Revenue", "ROAS", "CPL", "CAC", "ROI"],
        chart_month="Cost and revenue by month", chart_channel="ROAS by channel (revenue per € spent)",
        data_note="Inputs: one row per channel and month, as exported from the ad platforms and the CRM.",
        months=["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        channels=["Google Search", "Meta Ads", "LinkedIn Ads", "Display"],
        fill=["Data sheet, blue cells: cost, impressions, clicks, leads, customers and revenue, one row per channel "
              "and month (month and channel names as listed).",
              "Fill the months from January on: a month counts once its cost is filled. The months to come show "
              "nothing; totals, rates and the total growth use the months filled. The Dashboard is all formulas."],
    ),
    "fr": dict(
        title="Tableau de bord des campagnes payantes 2025",
        description="Médias payants par canal et par mois : coût, impressions, clics, leads, clients et chiffre "
                    "d'affaires ; CPC, CPM, CTR, CPL, CAC, ROAS, ROI et croissance calculés par les fonctions KPI.",
        dash="Synthèse", data="Données",
        subtitle="Saisissez vos chiffres dans la feuille Données (cellules bleues). Chaque KPI ci-dessous est "
                 "calculé par les fonctions KPI ; les totaux sont une somme sur une somme (CPL total = coût "
                 "total / leads totaux).",
        by_channel="Résultats par canal", by_month="Résultats par mois", channel="Canal", month="Mois",
        cost="Coût", impressions="Impressions", clicks="Clics", leads="Leads", customers="Clients",
        revenue="Chiffre d'affaires", cpc="CPC", cpm="CPM", ctr="CTR", cpl="CPL", cac="CAC", roas="ROAS",
        roi="ROI", growth_note="Croissance du CA : chaque mois par rapport au mois précédent. Un mois compte dès "
                    "que son coût est saisi dans la feuille Données ; saisissez les mois à partir de janvier.",
        growth_total="Croissance totale du CA : ", versus=" par rapport à ", growth_none="Croissance totale du CA : "
                    "il faut deux mois de chiffres.", months_filled="Mois renseignés :", half="Moitié :",
        growth_short="Croissance CA", total="Total 2025",
        headline=["Dépenses", "Chiffre d'affaires", "ROAS", "CPL", "CAC", "ROI"],
        chart_month="Coût et chiffre d'affaires par mois", chart_channel="ROAS par canal (CA par € dépensé)",
        data_note="Saisie : une ligne par canal et par mois, telle qu'exportée des régies et du CRM.",
        months=["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
        channels=["Google Search", "Meta Ads", "LinkedIn Ads", "Display"],
        fill=["Feuille Données, cellules bleues : coût, impressions, clics, leads, clients et chiffre d'affaires, une "
              "ligne par canal et par mois (noms des mois et des canaux tels qu'ils sont listés).",
              "Saisissez les mois à partir de janvier : un mois compte dès que son coût est saisi. Les mois à venir "
              "restent vides ; totaux, taux et croissance totale portent sur les mois saisis. La Synthèse n'est "
              "faite que de formules."],
    ),
}

# Per channel: monthly cost, CPM, CTR, leads per click, customers per lead, revenue per customer.
CHANNELS = [
    (9000, 38.0, 0.045, 0.060, 0.120, 420.0),
    (6500, 7.5, 0.011, 0.040, 0.080, 380.0),
    (4000, 33.0, 0.0055, 0.110, 0.090, 1900.0),
    (2500, 2.8, 0.0018, 0.020, 0.080, 400.0),
]
SEASON = [0.85, 0.90, 1.00, 1.00, 1.05, 0.95, 0.80, 0.75, 1.05, 1.10, 1.25, 1.30]


def campaign_rows():
    rows = []
    for m in range(12):
        for ch, (cost, cpm, ctr, lpc, cpl_rate, rpc) in enumerate(CHANNELS):
            c = round(cost * SEASON[m] * wiggle(m, ch, 0.05))
            imp = round(c / cpm * 1000 * wiggle(m, ch + 7, 0.04))
            clk = round(imp * ctr * wiggle(m, ch + 3, 0.08))
            lead = round(clk * lpc * wiggle(m, ch + 5, 0.10))
            cust = max(1, round(lead * cpl_rate * wiggle(m, ch + 11, 0.15)))
            rev = round(cust * rpc * wiggle(m, ch + 13, 0.07), -1)
            rows.append((m, ch, c, imp, clk, lead, cust, rev))
    return rows


def campaign_dashboard(lang):
    t = DASH_TEXT[lang]
    b = Book(lang, t["title"], t["description"])
    dash = b.sheet(t["dash"], [3.6, 2.45, 2.75] + [2.45] * 11, landscape=True)
    data = b.sheet(t["data"], [2.2, 3.4, 2.4, 2.6, 2.2, 2.0, 2.2, 2.6])

    # ---- Data sheet: long format, one row per month and channel.
    data.text("A1", t["title"] + " — " + t["data"], "title")
    data.text("A2", t["data_note"], "note")
    heads = [t["month"], t["channel"], t["cost"], t["impressions"], t["clicks"], t["leads"], t["customers"],
             t["revenue"]]
    for i, h in enumerate(heads):
        data.text(f"{col_name(i)}4", h, "head_l" if i < 2 else "head")
    rows = campaign_rows()
    first = 5
    last = first + len(rows) - 1
    fmts = ["in_money", "in_int", "in_int", "in_int", "in_int", "in_money"]
    for k, (m, ch, *vals) in enumerate(rows):
        r = first + k
        data.text(f"A{r}", t["months"][m], "label_in")
        data.text(f"B{r}", t["channels"][ch], "label_in")
        for j, v in enumerate(vals):
            data.num(f"{col_name(2 + j)}{r}", v, fmts[j])
    D = lambda col: Rng(f"{col}{first}", f"{col}{last}", t["data"])  # noqa: E731

    # ---- Dashboard
    dash.text("A1", t["title"], "title")
    dash.row_height(1, 0.9)
    dash.text("A2", t["subtitle"], "note")
    # Headline figures (row 4 labels, row 5 values), from the channel table's total row.
    dash.row_height(5, 0.8)
    # Channel table: rows 8..11, total 12.
    dash.text("A7", t["by_channel"], "section")
    cols = [t["channel"], t["cost"], t["impressions"], t["clicks"], t["leads"], t["customers"], t["revenue"],
            t["cpc"], t["cpm"], t["ctr"], t["cpl"], t["cac"], t["roas"], t["roi"]]
    for i, h in enumerate(cols):
        dash.text(f"{col_name(i)}8", h, "head_l" if i == 0 else "head")
    dash.row_height(8, 0.75)
    src = ["C", "D", "E", "F", "G", "H"]
    ch_first, ch_last = 9, 12
    for k, name in enumerate(t["channels"]):
        r = ch_first + k
        dash.text(f"A{r}", name)
        for j, col in enumerate(src):
            dash.formula(f"{col_name(1 + j)}{r}", Fn("SUMIFS", D(col), D("B"), Ref(f"A{r}")),
                         "out_money" if col in ("C", "H") else "out_int")
    tr = ch_last + 1
    dash.text(f"A{tr}", t["total"], "label_tot")
    for j in range(6):
        c = col_name(1 + j)
        dash.formula(f"{c}{tr}", Fn("SUM", Rng(f"{c}{ch_first}", f"{c}{ch_last}")),
                     "tot_money" if j in (0, 5) else "tot_int")

    def kpis(r, r1, r2, role, roi=True, when=None):
        """KPI columns H..N for rows r1..r2 (a single row, or a range for the total); with `when`,
        the row shows nothing unless that condition holds (a month without figures)."""
        R = (lambda c: Ref(f"{c}{r1}")) if r1 == r2 else (lambda c: Rng(f"{c}{r1}", f"{c}{r2}"))
        put = (lambda a, e, st: dash.formula(a, e, st)) if when is None else \
            (lambda a, e, st: dash.formula(a, Fn("IF", when, e, ""), st))
        put(f"H{r}", K("CPC", R("B"), R("D")), f"{role}_money2")
        put(f"I{r}", K("CPM", R("B"), R("C")), f"{role}_money2")
        put(f"J{r}", K("CTR", R("D"), R("C")), f"{role}_pct2")
        put(f"K{r}", K("CPL", R("B"), R("E")), f"{role}_money2")
        put(f"L{r}", K("CAC", R("B"), R("F")), f"{role}_money")
        put(f"M{r}", K("ROAS", R("G"), R("B")), f"{role}_ratio")
        if roi:
            put(f"N{r}", K("ROI", R("G"), R("B")), f"{role}_pct1")

    for r in range(ch_first, ch_last + 1):
        kpis(r, r, r, "out")
    kpis(tr, ch_first, ch_last, "tot")

    # Headline tiles: labels row 4, values row 5 (refer to the total row).
    tiles = [("B", f"B{tr}", "key_money"), ("D", f"G{tr}", "key_money"), ("F", f"M{tr}", "key_ratio"),
             ("H", f"K{tr}", "key_money2"), ("J", f"L{tr}", "key_money"), ("L", f"N{tr}", "key_pct1")]
    for (col, src_addr, style), label in zip(tiles, t["headline"]):
        dash.text(f"{col}4", label, "label_key")
        dash.merge(f"{col}4", 2)
        dash.formula(f"{col}5", Ref(src_addr), style)
        dash.merge(f"{col}5", 2)

    # Month table: rows 17..28, total 29. A month shows figures once its cost cells have any: the
    # months still to come show nothing (not 0, not an error), and the totals add up the months there are.
    dash.text("A15", t["by_month"], "section")
    mcols = [t["month"], t["cost"], t["impressions"], t["clicks"], t["leads"], t["customers"], t["revenue"],
             t["cpc"], t["cpm"], t["ctr"], t["cpl"], t["cac"], t["roas"], t["growth_short"]]
    for i, h in enumerate(mcols):
        dash.text(f"{col_name(i)}16", h, "head_l" if i == 0 else "head")
    dash.row_height(16, 0.75)
    m_first, m_last = 17, 28
    for m in range(12):
        r = m_first + m
        dash.text(f"A{r}", t["months"][m])
        has_data = Op(">", Fn("COUNTIFS", D("A"), Ref(f"A{r}"), D("C"), "<>"), 0)
        for j, col in enumerate(src):
            dash.formula(f"{col_name(1 + j)}{r}",
                         Fn("IF", has_data, Fn("SUMIFS", D(col), D("A"), Ref(f"A{r}")), ""),
                         "out_money" if col in ("C", "H") else "out_int")
        kpis(r, r, r, "out", roi=False, when=Op("<>", Ref(f"B{r}"), ""))
        if m > 0:
            dash.formula(f"N{r}", Fn("IF", Op("=", Fn("COUNT", Rng(f"G{r - 1}", f"G{r}")), 2),
                                     K("GROWTH", Ref(f"G{r}"), Ref(f"G{r - 1}")), ""), "out_pct1")
    mt = m_last + 1
    dash.text(f"A{mt}", t["total"], "label_tot")
    for j in range(6):
        c = col_name(1 + j)
        dash.formula(f"{c}{mt}", Fn("SUM", Rng(f"{c}{m_first}", f"{c}{m_last}")),
                     "tot_money" if j in (0, 5) else "tot_int")
    kpis(mt, m_first, m_last, "tot", roi=False)
    # Total growth: the latest half of the months filled against the half before (with twelve
    # months, July-December against January-June); the months are filled from January on.
    n_addr, k_addr = f"C{mt + 2}", f"E{mt + 2}"
    dash.text(f"A{mt + 2}", t["months_filled"], "small")
    dash.formula(n_addr, Fn("COUNT", Rng(f"B{m_first}", f"B{m_last}")), "out_int")
    dash.text(f"D{mt + 2}", t["half"], "small")
    dash.formula(k_addr, Fn("INT", Op("/", Ref(n_addr), 2)), "out_int")
    n, k = Ref(n_addr), Ref(k_addr)
    G = Rng(f"G{m_first}", f"G{m_last}")
    A = Rng(f"A{m_first}", f"A{m_last}")
    recent = Span(G, Op("+", Op("-", n, k), 1), n)
    before = Span(G, Op("+", Op("-", n, Op("*", 2, k)), 1), Op("-", n, k))
    dash.formula(f"N{mt}", Fn("IF", Op(">", k, 0), K("GROWTH", recent, before), ""), "tot_pct1")

    def span(first, last):
        one = Fn("INDEX", A, first)
        return Fn("IF", Op("=", k, 1), one, Op("&", Op("&", one, "–"), Fn("INDEX", A, last)))
    compares = Op("&", Op("&", Op("&", Op("&", t["growth_total"], span(Op("+", Op("-", n, k), 1), n)),
                                      t["versus"]), span(Op("+", Op("-", n, Op("*", 2, k)), 1), Op("-", n, k))), ".")
    dash.formula(f"A{mt + 1}", Fn("IF", Op(">", k, 0), compares, t["growth_none"]), "note")
    dash.text(f"A{mt + 3}", t["growth_note"], "note")

    # Charts below the tables, on a page of their own when printed.
    dash.page_break(34)
    dash.chart(name="chart_month", anchor="A34", width=17.5, height=8.0, kind="bar", title=t["chart_month"],
               categories=(f"A{m_first}", f"A{m_last}"),
               series=[(f"B16", (f"B{m_first}", f"B{m_last}"), ORANGE), (f"G16", (f"G{m_first}", f"G{m_last}"), BLUE)])
    dash.chart(name="chart_channel", anchor="H34", width=16.3, height=8.0, kind="bar", title=t["chart_channel"],
               categories=(f"A{ch_first}", f"A{ch_last}"), horizontal=True,
               series=[("M8", (f"M{ch_first}", f"M{ch_last}"), GREEN)])
    write_about(b, t["fill"])
    return b


# ============================================================ 2. e-mail programme: email_report.py


# ============================================================ 3. B2B
B2B_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
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


# ============================================================ 4. AARRR
def aarrr():
    b = Book("en", "AARRR funnel, retention, churn and NPS",
             "Pirate metrics (acquisition, activation, retention, revenue, referral) by month for a subscription "
             "product, with retention, churn, ARPU and a Net Promoter Score computed from raw 0-10 survey answers.")
    s = b.sheet("AARRR", [5.2] + [2.2] * 12 + [2.7], landscape=True)
    sv = b.sheet("NPS survey", [2.9, 2.4, 2.0])
    s.text("A1", "AARRR funnel — subscription app, 2025", "title")
    s.row_height(1, 0.9)
    s.text("A2", "Blue cells are inputs. Customers at the end of a month = start + new − lost.", "note")
    s.text("A3", "The NPS comes from the raw 0-10 answers in the sheet NPS survey.", "note")
    months = B2B_MONTHS
    month_header(s, 4, "Inputs", months)
    labels = ["Visitors", "Sign-ups", "Activated users", "Customers at start", "New customers",
              "Customers lost", "Customers at end", "Revenue", "Sign-ups from referrals"]
    start = 2400
    for m in range(12):
        visitors = round(118000 * (1 + 0.02 * m) * wiggle(m, 1, 0.06))
        signups = round(visitors * 0.032 * wiggle(m, 2, 0.05))
        activated = round(signups * 0.46 * wiggle(m, 3, 0.05))
        new = round(activated * 0.19 * wiggle(m, 4, 0.08))
        lost = round(start * 0.034 * wiggle(m, 5, 0.12))
        end = start + new - lost
        revenue = round((start + end) / 2 * 39 * wiggle(m, 6, 0.02), -1)
        referred = round(signups * 0.12 * wiggle(m, 7, 0.10))
        for i, v in enumerate([visitors, signups, activated, start, new, lost, end, revenue, referred]):
            s.num(f"{col_name(1 + m)}{5 + i}", v, "in_money" if i == 7 else "in_int")
        start = end
    for i, label in enumerate(labels):
        r = 5 + i
        s.text(f"A{r}", label, "label_in")
        if i == 3:  # stocks, not flows: the year shows the first start and the last end filled
            s.formula(f"N{r}", Ref("B8"), "tot_int")
        elif i == 6:  # months are filled from January on: the last end is the COUNT-th
            ends = Rng("B11", "M11")
            s.formula(f"N{r}", Fn("IF", Op(">", Fn("COUNT", ends), 0), Fn("INDEX", ends, 1, Fn("COUNT", ends)), ""),
                      "tot_int")
        else:
            s.formula(f"N{r}", Fn("SUM", Rng(f"B{r}", f"M{r}")), "tot_money" if i == 7 else "tot_int")

    month_header(s, 16, "KPIs", months)
    monthly_kpis(s, 17, [
        ("Acquisition: sign-up rate", lambda R: K("CONVRATE", R(6), R(5)), "pct2"),
        ("Activation rate", lambda R: K("CONVRATE", R(7), R(6)), "pct1"),
        ("Retention", lambda R: K("RETENTION", R(11), R(9), R(8)), "pct1"),
        ("Churn", lambda R: K("CHURN", R(10), R(8)), "pct2"),
        # Year ARPU per customer-month: year revenue / the sum of the monthly customer counts.
        ("Revenue: ARPU", lambda R: K("ARPU", R(12), R(11)), "money2", K("ARPU", Ref("N12"), Rng("B11", "M11"))),
        ("Referral share of sign-ups", lambda R: K("SHARE", R(13), R(6)), "pct1"),
        ("Customer growth", lambda R: K("GROWTH", R(11), R(8)), "pct1", K("GROWTH", Ref("N11"), Ref("N8"))),
    ], inputs=(5, 13))
    s.text("A24", "Year column: retention, churn and ARPU are per month, weighted by customers (sum over sum).", "note")
    # Funnel of the year and NPS.
    s.text("A26", "Funnel 2025", "head_l")
    s.text("B26", "Count", "head")
    s.text("C26", "Step", "head")
    for i, (label, src) in enumerate([("Visitors", 5), ("Sign-ups", 6), ("Activated", 7), ("New customers", 9)]):
        s.text(f"A{27 + i}", label)
        s.formula(f"B{27 + i}", Ref(f"N{src}"), "out_int")
    for i in range(1, 4):
        s.formula(f"C{27 + i}", K("CONVRATE", Ref(f"B{27 + i}"), Ref(f"B{26 + i}")), "out_pct1")

    # Survey sheet: 240 answers, 60 per quarter, drifting upwards.
    sv.text("A1", "NPS survey — raw answers (0-10)", "title")
    sv.text("A3", "Respondent", "head_l")
    sv.text("B3", "Quarter", "head_l")
    sv.text("C3", "Score", "head")
    state = 12345
    n = 0
    for q in range(4):
        for k in range(60):
            state = (1103515245 * state + 12345) % 2 ** 31  # a fixed LCG: same scores on every machine
            u = state / 2 ** 31
            p_prom, p_pass = 0.40 + 0.03 * q, 0.32
            if u < p_prom:
                score = 9 + (k % 2)
            elif u < p_prom + p_pass:
                score = 7 + (k % 2)
            else:
                score = [6, 5, 3, 6, 4, 2, 6, 0][k % 8]
            r = 4 + n
            sv.num(f"A{r}", n + 1, "out_int")
            sv.text(f"B{r}", f"Q{q + 1}", "label_in")
            sv.num(f"C{r}", score, "in_int")
            n += 1
    last = 3 + n
    S = lambda a, b_: Rng(a, b_, "NPS survey")  # noqa: E731
    s.text("E26", "Quarter", "head_l")
    for col, h in zip("FGHIJ", ("NPS", "Promoters", "Passives", "Detractors", "Answers")):
        s.text(f"{col}26", h, "head")
    for i, q in enumerate(["Q1", "Q2", "Q3", "Q4"]):
        r = 27 + i
        r1, r2 = 4 + 60 * i, 3 + 60 * (i + 1)
        s.text(f"E{r}", q)
        s.formula(f"F{r}", Fn("IF", Op(">", Fn("COUNT", S(f"C{r1}", f"C{r2}")), 0), K("NPS", S(f"C{r1}", f"C{r2}")), ""),
                  "out_dec1")  # a quarter without answers yet shows nothing
        s.formula(f"G{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), ">=9"), "out_int")
        s.formula(f"H{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), ">=7", S(f"C{r1}", f"C{r2}"), "<=8"), "out_int")
        s.formula(f"I{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), "<=6"), "out_int")
        s.formula(f"J{r}", Fn("SUM", Rng(f"G{r}", f"I{r}")), "out_int")
    s.text("E31", "Year", "label_tot")
    s.formula("F31", K("NPS", S("C4", f"C{last}")), "tot_dec1")
    for col in "GHIJ":
        s.formula(f"{col}31", Fn("SUM", Rng(f"{col}27", f"{col}30")), "tot_int")
    s.text("E32", "Check", "label")
    s.text("G32", "=KPI.NPSCOUNT(promoters; passives; detractors) gives the same NPS", "note")
    s.formula("F32", K("NPSCOUNT", Rng("G27", "G30"), Rng("H27", "H30"), Rng("I27", "I30")), "out_dec1")
    s.page_break(34)
    s.chart(name="chart_retention", anchor="A34", width=16.5, height=8.0, kind="line",
            title="Monthly churn", categories=("B16", "M16"),
            series=[("A20", ("B20", "M20"), RED)])
    s.chart(name="chart_nps", anchor="H34", width=14.0, height=8.0, kind="bar",
            title="NPS by quarter", categories=("E27", "E30"), series=[("F26", ("F27", "F30"), GREEN)])
    write_about(b, ["Blue cells of the AARRR sheet: the monthly inputs (rows 5 to 13). NPS survey sheet: one 0-10 "
                    "answer per row, with its quarter.",
                    "A month or a quarter without figures shows nothing; the year column and the year NPS use what "
                    "is filled (the customers at the end of the year are those of the last month filled)."])
    return b


# ============================================================ 5. customer value
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


# ============================================================ main
TEMPLATES = {
    "campaign-dashboard-en": lambda: campaign_dashboard("en"),
    "campaign-dashboard-fr": lambda: campaign_dashboard("fr"),
    "email-programme": lambda: email_programme("en"),
    "email-programme-fr": lambda: email_programme("fr"),
    "b2b-kpis": b2b,
    "aarrr-funnel": aarrr,
    "customer-value": customer_value,
}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    ap.add_argument("--out-dir", default=OUT_DIR)
    a = ap.parse_args(argv)
    stale = []
    for name, make in TEMPLATES.items():
        text = make().fods()
        path = os.path.join(a.out_dir, name + ".fods")
        if a.check:
            try:
                with open(path, encoding="utf-8") as f:
                    if f.read() != text:
                        stale.append(path)
            except FileNotFoundError:
                stale.append(path)
        else:
            os.makedirs(a.out_dir, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"wrote {path}")
    if stale:
        print("out of date (run: PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.pipeline generate):\n  " + "\n  ".join(stale))
        return 1
    if a.check:
        print(f"templates: {len(TEMPLATES)} generated files are current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
