"""The customer value workbook, in English and in French from one function and
a table of labels (French: valeur vie client, panier moyen, délai de
récupération du CAC, as the catalogue's French texts say)."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Op, Ref, TRUE
from kpitools.templates.parts import BLUE, GREEN, GREY, TEAL, K, one_sheet_book

TEXT = {
    "en": dict(
        title="Customer value: CLV, LTV:CAC and payback",
        description="Customer lifetime value by segment with four definitions (revenue, margin, retention-based "
                    "with the first margin at the end or at the start of the period), LTV:CAC and CAC payback.",
        sheet="Customer value", heading="Customer value — which CLV are you quoting?",
        note1="Blue cells are inputs per segment. The same customers give four different lifetime values",
        note2="depending on the definition: compare them before you quote an LTV:CAC.",
        segments=["SMB", "Mid-market", "Enterprise"], inputs_head="Inputs", notes_head="Notes",
        inputs=[("Average order value", "per order (invoice)"), ("Orders per customer per year", ""),
                ("Customer lifespan (years)", "≈ 1 / yearly churn"), ("Gross margin", ""),
                ("Yearly retention rate", "share of customers still there a year later"),
                ("Discount rate per year", "cost of capital"), ("Sales & marketing cost", "last 12 months"),
                ("New customers", "last 12 months")],
        per_customer="Per customer", definition="Definition",
        out=[("Revenue per year", "average order value × orders per year"),
             ("Margin per year", "revenue per year × gross margin"),
             ("Revenue per month", "for the payback period"), ("CAC", "=KPI.CAC(cost; new customers)")],
        lifetime="Lifetime value: four definitions", formula="Formula",
        defs=[("A. Lifetime revenue (no margin)", "=KPI.CLV(order value; orders; lifespan): revenue, not value"),
              ("B. Lifetime margin (simple CLV)", "=KPI.CLV(…; gross margin): margin over a fixed lifespan"),
              ("C. Retention CLV, margin at year end", "=KPI.CLVRET(margin; r; d) = m·r/(1+d−r)"),
              ("D. Retention CLV, first margin now", "=KPI.CLVRET(margin; r; d; TRUE) = m·(1+d)/(1+d−r)")],
        ratio_head="LTV : CAC by definition", rule="Rule of thumb: above 3 with B, C or D",
        ratio_with="LTV:CAC with ", on_revenue="on revenue: flatters the ratio",
        payback="CAC payback (months)", payback_note="=KPI.PAYBACK(CAC; revenue per month; gross margin)",
        chart="LTV:CAC by segment and CLV definition",
        widths=[7.0, 2.8, 2.8, 2.8, 9.5],
        fill=["Blue cells: per segment (columns B to D), the inputs of rows 5 to 12: order value, orders per year, "
              "lifespan, gross margin, retention and discount rates, sales & marketing cost, new customers."],
    ),
    "fr": dict(
        title="Valeur client : CLV, LTV:CAC et délai de récupération",
        description="Valeur vie client par segment selon quatre définitions (chiffre d'affaires, marge, par la "
                    "rétention avec la première marge en fin ou en début de période), ratio LTV:CAC et délai de "
                    "récupération du CAC.",
        sheet="Valeur client", heading="Valeur client — de quelle CLV parlez-vous ?",
        note1="Les cellules bleues sont à saisir par segment. Les mêmes clients donnent quatre valeurs vie client",
        note2="différentes selon la définition : comparez-les avant de citer un ratio LTV:CAC.",
        segments=["PME", "ETI", "Grands comptes"], inputs_head="Saisie", notes_head="Remarques",
        inputs=[("Panier moyen", "par commande (facture)"), ("Commandes par client et par an", ""),
                ("Durée de vie client (ans)", "≈ 1 / attrition annuelle"), ("Marge brute", ""),
                ("Taux de rétention annuel", "part des clients encore là un an plus tard"),
                ("Taux d'actualisation annuel", "coût du capital"),
                ("Coûts commerciaux et marketing", "12 derniers mois"), ("Nouveaux clients", "12 derniers mois")],
        per_customer="Par client", definition="Définition",
        out=[("Chiffre d'affaires par an", "panier moyen × commandes par an"),
             ("Marge par an", "chiffre d'affaires par an × marge brute"),
             ("Chiffre d'affaires par mois", "pour le délai de récupération"),
             ("CAC", "=KPI.CAC(coût; nouveaux clients)")],
        lifetime="Valeur vie client : quatre définitions", formula="Formule",
        defs=[("A. CA sur la durée de vie (sans marge)", "=KPI.CLV(panier; commandes; durée) : du CA, pas une valeur"),
              ("B. Marge sur la durée de vie (CLV simple)", "=KPI.CLV(… ; marge brute) : la marge sur une durée fixe"),
              ("C. CLV par la rétention, marge en fin d'année", "=KPI.CLVRET(marge; r; d) = m·r/(1+d−r)"),
              ("D. CLV par la rétention, 1re marge tout de suite", "=KPI.CLVRET(marge; r; d; VRAI) = m·(1+d)/(1+d−r)")],
        ratio_head="LTV : CAC selon la définition", rule="Repère : au-dessus de 3 avec B, C ou D (marge)",
        ratio_with="LTV:CAC avec ", on_revenue="sur le CA : flatte le ratio",
        payback="Délai de récupération du CAC (mois)",
        payback_note="=KPI.PAYBACK(CAC; CA par mois; marge brute)",
        chart="LTV:CAC par segment et par définition de la CLV",
        widths=[8.8, 2.8, 2.8, 3.1, 10.6],
        fill=["Cellules bleues : par segment (colonnes B à D), la saisie des lignes 5 à 12 : panier moyen, commandes "
              "par an, durée de vie, marge brute, taux de rétention et d'actualisation, coûts commerciaux et "
              "marketing, nouveaux clients."],
    ),
}

INPUTS = [([180, 1250, 9800], "in_money"), ([6, 4, 2], "in_dec1"), ([2.5, 4, 6], "in_dec1"),
          ([0.62, 0.70, 0.74], "in_pct1"), ([0.60, 0.75, 0.83], "in_pct1"), ([0.10, 0.10, 0.10], "in_pct1"),
          ([186000, 412000, 690000], "in_money"), ([620, 180, 41], "in_int")]


def customer_value(lang="en"):
    t = TEXT[lang]
    b, s = one_sheet_book(lang, t)

    def segment_header(row, title, last):
        s.text(f"A{row}", title, "head_l")
        for i, sg in enumerate(t["segments"]):
            s.text(f"{col_name(1 + i)}{row}", sg, "head")
        s.text(f"E{row}", last, "head_l")

    segment_header(4, t["inputs_head"], t["notes_head"])
    for i, ((label, note), (vals, st)) in enumerate(zip(t["inputs"], INPUTS)):
        r = 5 + i
        s.text(f"A{r}", label, "label_in")
        for j, v in enumerate(vals):
            s.num(f"{col_name(1 + j)}{r}", v, st)
        if note:
            s.text(f"E{r}", note, "small")
    segment_header(14, t["per_customer"], t["definition"])
    out = [
        (lambda c: Op("*", Ref(f"{c}5"), Ref(f"{c}6")), "out_money"),
        (lambda c: Op("*", Ref(f"{c}15"), Ref(f"{c}8")), "out_money"),
        (lambda c: Op("/", Ref(f"{c}15"), 12), "out_money2"),
        (lambda c: K("CAC", Ref(f"{c}11"), Ref(f"{c}12")), "out_money"),
    ]
    for i, ((label, note), (make, st)) in enumerate(zip(t["out"], out)):
        r = 15 + i
        s.text(f"A{r}", label)
        for j in range(3):
            s.formula(f"{col_name(1 + j)}{r}", make(col_name(1 + j)), st)
        s.text(f"E{r}", note, "small")
    segment_header(20, t["lifetime"], t["formula"])
    defs = [
        lambda c: K("CLV", Ref(f"{c}5"), Ref(f"{c}6"), Ref(f"{c}7")),
        lambda c: K("CLV", Ref(f"{c}5"), Ref(f"{c}6"), Ref(f"{c}7"), Ref(f"{c}8")),
        lambda c: K("CLVRET", Ref(f"{c}16"), Ref(f"{c}9"), Ref(f"{c}10")),
        lambda c: K("CLVRET", Ref(f"{c}16"), Ref(f"{c}9"), Ref(f"{c}10"), TRUE),
    ]
    for i, ((label, note), make) in enumerate(zip(t["defs"], defs)):
        r = 21 + i
        s.text(f"A{r}", label)
        for j in range(3):
            s.formula(f"{col_name(1 + j)}{r}", make(col_name(1 + j)), "out_money")
        s.text(f"E{r}", note, "small")
    segment_header(26, t["ratio_head"], t["rule"])
    for i in range(4):
        r = 27 + i
        s.text(f"A{r}", t["ratio_with"] + "ABCD"[i])
        for j in range(3):
            c = col_name(1 + j)
            s.formula(f"{c}{r}", K("LTV2CAC", Ref(f"{c}{21 + i}"), Ref(f"{c}18")), "tot_ratio" if i == 2 else "out_ratio")
    s.text("E27", t["on_revenue"], "small")
    s.text("A32", t["payback"], "label_key")
    for j in range(3):
        c = col_name(1 + j)
        s.formula(f"{c}32", K("PAYBACK", Ref(f"{c}18"), Ref(f"{c}17"), Ref(f"{c}8")), "key_dec1")
    s.text("E32", t["payback_note"], "small")
    s.page_break(35)
    s.chart(name="chart_clv", anchor="A35", width=19.0, height=8.5, kind="bar",
            title=t["chart"], categories=("B26", "D26"),
            series=[("A27", ("B27", "D27"), GREY), ("A28", ("B28", "D28"), BLUE), ("A29", ("B29", "D29"), TEAL),
                    ("A30", ("B30", "D30"), GREEN)])
    write_about(b, t["fill"])
    return b
