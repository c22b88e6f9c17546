"""The B2B KPIs workbook, in English and in French from one function and a
table of labels (the French words are those of the catalogue's French texts:
part du trafic, taux de conversion, coût d'acquisition client…)."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Fn, Ref, Rng
from kpitools.templates.parts import (MONTHS, BLUE, ORANGE, GREEN, GREY, K, wiggle, month_header, monthly_kpis,
                                      one_sheet_book)


B2B_SEASON = [0.92, 0.97, 1.05, 1.02, 1.04, 0.95, 0.78, 0.70, 1.06, 1.12, 1.10, 0.88]

TEXT = {
    "en": dict(
        title="B2B marketing: the ten KPIs",
        description="The ten most-followed B2B marketing KPIs over twelve months (traffic, organic and paid "
                    "traffic, CPC, CTR, conversion rate, CPL, MQL to SQL, CAC, CLV) and the funnel from visits to "
                    "customers.",
        sheet="B2B KPIs", heading="B2B marketing — the ten KPIs, 2025",
        note1="Blue cells are inputs (web analytics, ad platforms, CRM, finance); everything else is computed by "
              "the KPI functions.",
        note2="The year column divides totals (sum over sum), never averages monthly ratios.",
        inputs_head="Inputs", kpis_head="KPIs", year="Year",
        inputs=["Sessions (all)", "Organic sessions", "Paid sessions", "Ad impressions", "Ad clicks", "Ad spend",
                "Leads (form fills)", "MQLs", "SQLs", "New customers", "Sales & marketing cost"],
        cv_head="Customer value inputs",
        cv=["Annual contract value", "Contracts per year", "Customer lifespan (years)", "Gross margin"],
        kpis=["1. Site traffic (sessions)", "2. Organic share of traffic", "3. Paid share of traffic", "4. CPC",
              "5. CTR", "6. Conversion rate", "7. CPL", "8. MQL → SQL", "9. CAC", "10. Customer lifetime value",
              "LTV : CAC"],
        clv_note="annual contract value × contracts per year × lifespan × gross margin",
        funnel="Funnel 2025", funnel_heads=("Count", "Step", "From visits"),
        stages=["Visits (sessions)", "Leads", "MQLs", "SQLs", "Customers"],
        funnel_note="Step: each stage ÷ the stage before; From visits: each stage ÷ visits.",
        chart_traffic="Organic and paid sessions by month", chart_leads="Leads, MQLs and SQLs by month",
        widths=[5.6] + [2.15] * 12 + [3.2],
        fill=["Blue cells: the monthly inputs (rows 5 to 15) and the customer value inputs (B18:B21).",
              "Fill the months from January on: a month without inputs shows no KPI, and the year column uses the "
              "months filled."],
    ),
    "fr": dict(
        title="Marketing B2B : les dix KPI",
        description="Les dix KPI du marketing B2B les plus suivis sur douze mois (trafic, trafic organique et "
                    "payant, CPC, taux de clics, taux de conversion, coût par lead, passage MQL en SQL, coût "
                    "d'acquisition client, valeur vie client) et l'entonnoir des visites aux clients.",
        sheet="KPI B2B", heading="Marketing B2B — les dix KPI, 2025",
        note1="Les cellules bleues sont à saisir (analytics web, régies publicitaires, CRM, finance) ; tout le "
              "reste est calculé par les fonctions KPI.",
        note2="La colonne Année divise des totaux (somme sur somme), elle ne fait jamais la moyenne des ratios "
              "mensuels.",
        inputs_head="Saisie", kpis_head="KPI", year="Année",
        inputs=["Sessions (toutes)", "Sessions organiques", "Sessions payantes", "Impressions publicitaires",
                "Clics publicitaires", "Dépenses publicitaires", "Leads (formulaires)", "MQL", "SQL",
                "Nouveaux clients", "Coûts commerciaux et marketing"],
        cv_head="Valeur client : saisie",
        cv=["Valeur annuelle du contrat", "Contrats par an", "Durée de vie client (ans)", "Marge brute"],
        kpis=["1. Trafic du site (sessions)", "2. Part du trafic organique", "3. Part du trafic payant",
              "4. CPC (coût par clic)", "5. Taux de clics (CTR)", "6. Taux de conversion", "7. Coût par lead (CPL)",
              "8. Passage MQL → SQL", "9. Coût d'acquisition client", "10. Valeur vie client (CLV)",
              "Ratio LTV : CAC"],
        clv_note="valeur annuelle du contrat × contrats par an × durée de vie × marge brute",
        funnel="Entonnoir 2025", funnel_heads=("Effectif", "Taux de passage", "Depuis les visites"),
        stages=["Visites (sessions)", "Leads", "MQL", "SQL", "Clients"],
        funnel_note="Taux de passage : chaque étape ÷ l'étape précédente ; depuis les visites : chaque étape ÷ "
                    "les visites.",
        chart_traffic="Sessions organiques et payantes par mois", chart_leads="Leads, MQL et SQL par mois",
        widths=[6.9] + [2.15] * 12 + [3.2],
        fill=["Cellules bleues : la saisie mensuelle (lignes 5 à 15) et la saisie de la valeur client (B18:B21).",
              "Saisissez les mois à partir de janvier : un mois sans données n'affiche aucun KPI, et la colonne "
              "Année porte sur les mois saisis."],
    ),
}


def b2b(lang="en"):
    t = TEXT[lang]
    months = MONTHS[lang]
    b, s = one_sheet_book(lang, t)
    # Inputs: rows 5..15, months in columns B..M, year in N.
    month_header(s, 4, t["inputs_head"], months, t["year"])
    formats = ["int", "int", "int", "int", "int", "money", "int", "int", "int", "int", "money"]
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
    for i, (label, fmt) in enumerate(zip(t["inputs"], formats)):
        r = 5 + i
        s.text(f"A{r}", label, "label_in")
        for m in range(12):
            s.num(f"{col_name(1 + m)}{r}", data[m][i], f"in_{fmt}")
        s.formula(f"N{r}", Fn("SUM", Rng(f"B{r}", f"M{r}")), f"tot_{fmt}")
    # Customer value inputs.
    s.text("A17", t["cv_head"], "head_l")
    s.text("B17", "", "head")
    cv = [(14400, "in_money"), (1, "in_int"), (4.2, "in_dec1"), (0.78, "in_pct1")]
    for i, (label, (v, st)) in enumerate(zip(t["cv"], cv)):
        s.text(f"A{18 + i}", label, "label_in")
        s.num(f"B{18 + i}", v, st)

    # KPIs by month: rows 24..33, year in N.
    k = t["kpis"]
    month_header(s, 23, t["kpis_head"], months, t["year"])
    monthly_kpis(s, 24, [
        (k[0], lambda R: Fn("SUM", R(5)), "int"),
        (k[1], lambda R: K("SHARE", R(6), R(5)), "pct1"),
        (k[2], lambda R: K("SHARE", R(7), R(5)), "pct1"),
        (k[3], lambda R: K("CPC", R(10), R(9)), "money2"),
        (k[4], lambda R: K("CTR", R(9), R(8)), "pct2"),
        (k[5], lambda R: K("CONVRATE", R(11), R(5)), "pct2"),
        (k[6], lambda R: K("CPL", R(15), R(11)), "money"),
        (k[7], lambda R: K("MQL2SQL", R(13), R(12)), "pct1"),
        (k[8], lambda R: K("CAC", R(15), R(14)), "money"),
    ], inputs=(5, 15))
    s.text("A33", k[9])
    s.formula("N33", K("CLV", Ref("B18"), Ref("B19"), Ref("B20"), Ref("B21")), "tot_money")
    s.text("A34", k[10])
    s.formula("N34", K("LTV2CAC", Ref("N33"), Ref("N32")), "tot_ratio")
    s.text("B33", t["clv_note"], "note")

    # Funnel: rows 37..41.
    s.text("A36", t["funnel"], "head_l")
    for col, h in zip("BCD", t["funnel_heads"]):
        s.text(f"{col}36", h, "head")
    for i, (label, src) in enumerate(zip(t["stages"], (5, 11, 12, 13, 14))):
        r = 37 + i
        s.text(f"A{r}", label)
        s.formula(f"B{r}", Ref(f"N{src}"), "out_int")
        s.formula(f"D{r}", K("CONVRATE", Ref(f"B{r}"), Ref("B37")), "out_pct2")
    # Step conversion, one formula per cell. =KPI.FUNNEL(B37:B41) gives the same column as one array
    # formula, but Calc recalculates array formulas on load: without the extension they show #NAME?.
    for i in range(1, 5):
        s.formula(f"C{37 + i}", K("MQL2SQL" if i == 3 else "CONVRATE", Ref(f"B{37 + i}"), Ref(f"B{36 + i}")),
                  "out_pct1")
    s.text("F37", t["funnel_note"], "note")  # a column clear of the percentages
    s.page_break(44)
    s.chart(name="chart_traffic", anchor="A44", width=17.0, height=8.0, kind="bar",
            title=t["chart_traffic"], categories=("B4", "M4"),
            series=[("A6", ("B6", "M6"), GREEN), ("A7", ("B7", "M7"), BLUE)])
    s.chart(name="chart_leads", anchor="I44", width=15.0, height=8.0, kind="line",
            title=t["chart_leads"], categories=("B4", "M4"),
            series=[("A11", ("B11", "M11"), GREY), ("A12", ("B12", "M12"), BLUE), ("A13", ("B13", "M13"), ORANGE)])
    write_about(b, t["fill"])
    return b
