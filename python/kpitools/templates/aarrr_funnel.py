"""The AARRR funnel workbook, in English and in French from one function and
a table of labels (French: taux d'attrition, rétention, promoteurs, passifs,
détracteurs, as the catalogue's French texts say)."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng
from kpitools.templates.parts import MONTHS, GREEN, RED, K, wiggle, month_header, monthly_kpis

TEXT = {
    "en": dict(
        title="AARRR funnel, retention, churn and NPS",
        description="Pirate metrics (acquisition, activation, retention, revenue, referral) by month for a "
                    "subscription product, with retention, churn, ARPU and a Net Promoter Score computed from raw "
                    "0-10 survey answers.",
        sheet="AARRR", survey="NPS survey", heading="AARRR funnel — subscription app, 2025",
        note1="Blue cells are inputs. Customers at the end of a month = start + new − lost.",
        note2="The NPS comes from the raw 0-10 answers in the sheet NPS survey.",
        inputs_head="Inputs", kpis_head="KPIs", year="Year",
        inputs=["Visitors", "Sign-ups", "Activated users", "Customers at start", "New customers", "Customers lost",
                "Customers at end", "Revenue", "Sign-ups from referrals"],
        kpis=["Acquisition: sign-up rate", "Activation rate", "Retention", "Churn", "Revenue: ARPU",
              "Referral share of sign-ups", "Customer growth"],
        year_note="Year column: retention, churn and ARPU are per month, weighted by customers (sum over sum).",
        funnel="Funnel 2025", count="Count", step="Step",
        stages=["Visitors", "Sign-ups", "Activated", "New customers"],
        survey_title="NPS survey — raw answers (0-10)", survey_heads=("Respondent", "Quarter", "Score"),
        quarters=["Q1", "Q2", "Q3", "Q4"], quarter="Quarter",
        nps_heads=("NPS", "Promoters", "Passives", "Detractors", "Answers"), year_row="Year", check="Check",
        check_note="=KPI.NPSCOUNT(promoters; passives; detractors) gives the same NPS",
        chart_churn="Monthly churn", chart_nps="NPS by quarter",
        widths=[5.2] + [2.2] * 12 + [2.7], survey_widths=[2.9, 2.4, 2.0],
        fill=["Blue cells of the AARRR sheet: the monthly inputs (rows 5 to 13). NPS survey sheet: one 0-10 answer "
              "per row, with its quarter.",
              "A month or a quarter without figures shows nothing; the year column and the year NPS use what is "
              "filled (the customers at the end of the year are those of the last month filled)."],
    ),
    "fr": dict(
        title="Entonnoir AARRR, rétention, attrition et NPS",
        description="Les indicateurs AARRR (acquisition, activation, rétention, revenu, recommandation) par mois "
                    "pour un produit par abonnement, avec la rétention, l'attrition, l'ARPU et un Net Promoter Score "
                    "calculé à partir des réponses brutes de 0 à 10 d'une enquête.",
        sheet="AARRR", survey="Enquête NPS", heading="Entonnoir AARRR — application par abonnement, 2025",
        note1="Les cellules bleues sont à saisir. Clients en fin de mois = début + nouveaux − perdus.",
        note2="Le NPS est calculé à partir des réponses brutes de 0 à 10 de la feuille Enquête NPS.",
        inputs_head="Saisie", kpis_head="KPI", year="Année",
        inputs=["Visiteurs", "Inscriptions", "Utilisateurs activés", "Clients en début de mois", "Nouveaux clients",
                "Clients perdus", "Clients en fin de mois", "Chiffre d'affaires", "Inscriptions par parrainage"],
        kpis=["Acquisition : taux d'inscription", "Taux d'activation", "Taux de rétention", "Taux d'attrition",
              "Revenu : ARPU", "Part des inscriptions parrainées", "Croissance du nombre de clients"],
        year_note="Colonne Année : rétention, attrition et ARPU sont mensuels, pondérés par les clients (somme sur "
                  "somme).",
        funnel="Entonnoir 2025", count="Effectif", step="Taux de passage",
        stages=["Visiteurs", "Inscriptions", "Activés", "Nouveaux clients"],
        survey_title="Enquête NPS — réponses brutes (0 à 10)", survey_heads=("Répondant", "Trimestre", "Note"),
        quarters=["T1", "T2", "T3", "T4"], quarter="Trimestre",
        nps_heads=("NPS", "Promoteurs", "Passifs", "Détracteurs", "Réponses"), year_row="Année", check="Contrôle",
        check_note="=KPI.NPSCOUNT(promoteurs; passifs; détracteurs) donne le même NPS",
        chart_churn="Taux d'attrition mensuel", chart_nps="NPS par trimestre",
        # Months wide enough for the NPS table's headings below them ("Détracteurs").
        widths=[6.4] + [2.5] * 12 + [2.7], survey_widths=[2.9, 2.6, 2.0],
        fill=["Cellules bleues de la feuille AARRR : la saisie mensuelle (lignes 5 à 13). Feuille Enquête NPS : une "
              "réponse de 0 à 10 par ligne, avec son trimestre.",
              "Un mois ou un trimestre sans chiffres n'affiche rien ; la colonne Année et le NPS de l'année portent "
              "sur ce qui est saisi (les clients en fin d'année sont ceux du dernier mois saisi)."],
    ),
}


def aarrr(lang="en"):
    t = TEXT[lang]
    b = Book(lang, t["title"], t["description"])
    s = b.sheet(t["sheet"], t["widths"], landscape=True)
    sv = b.sheet(t["survey"], t["survey_widths"])
    s.text("A1", t["heading"], "title")
    s.row_height(1, 0.9)
    s.text("A2", t["note1"], "note")
    s.text("A3", t["note2"], "note")
    months = MONTHS[lang]
    month_header(s, 4, t["inputs_head"], months, t["year"])
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
    for i, label in enumerate(t["inputs"]):
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

    k = t["kpis"]
    month_header(s, 16, t["kpis_head"], months, t["year"])
    monthly_kpis(s, 17, [
        (k[0], lambda R: K("CONVRATE", R(6), R(5)), "pct2"),
        (k[1], lambda R: K("CONVRATE", R(7), R(6)), "pct1"),
        (k[2], lambda R: K("RETENTION", R(11), R(9), R(8)), "pct1"),
        (k[3], lambda R: K("CHURN", R(10), R(8)), "pct2"),
        # Year ARPU per customer-month: year revenue / the sum of the monthly customer counts.
        (k[4], lambda R: K("ARPU", R(12), R(11)), "money2", K("ARPU", Ref("N12"), Rng("B11", "M11"))),
        (k[5], lambda R: K("SHARE", R(13), R(6)), "pct1"),
        (k[6], lambda R: K("GROWTH", R(11), R(8)), "pct1", K("GROWTH", Ref("N11"), Ref("N8"))),
    ], inputs=(5, 13))
    s.text("A24", t["year_note"], "note")
    # Funnel of the year and NPS.
    s.text("A26", t["funnel"], "head_l")
    s.text("B26", t["count"], "head")
    s.text("C26", t["step"], "head")
    for i, (label, src) in enumerate(zip(t["stages"], (5, 6, 7, 9))):
        s.text(f"A{27 + i}", label)
        s.formula(f"B{27 + i}", Ref(f"N{src}"), "out_int")
    for i in range(1, 4):
        s.formula(f"C{27 + i}", K("CONVRATE", Ref(f"B{27 + i}"), Ref(f"B{26 + i}")), "out_pct1")

    # Survey sheet: 240 answers, 60 per quarter, drifting upwards.
    sv.text("A1", t["survey_title"], "title")
    for col, h in zip("ABC", t["survey_heads"]):
        sv.text(f"{col}3", h, "head" if col == "C" else "head_l")
    state = 12345
    n = 0
    for q in range(4):
        for j in range(60):
            state = (1103515245 * state + 12345) % 2 ** 31  # a fixed LCG: same scores on every machine
            u = state / 2 ** 31
            p_prom, p_pass = 0.40 + 0.03 * q, 0.32
            if u < p_prom:
                score = 9 + (j % 2)
            elif u < p_prom + p_pass:
                score = 7 + (j % 2)
            else:
                score = [6, 5, 3, 6, 4, 2, 6, 0][j % 8]
            r = 4 + n
            sv.num(f"A{r}", n + 1, "out_int")
            sv.text(f"B{r}", t["quarters"][q], "label_in")
            sv.num(f"C{r}", score, "in_int")
            n += 1
    last = 3 + n
    S = lambda a, b_: Rng(a, b_, t["survey"])  # noqa: E731
    s.text("E26", t["quarter"], "head_l")
    for col, h in zip("FGHIJ", t["nps_heads"]):
        s.text(f"{col}26", h, "head")
    for i, q in enumerate(t["quarters"]):
        r = 27 + i
        r1, r2 = 4 + 60 * i, 3 + 60 * (i + 1)
        s.text(f"E{r}", q)
        s.formula(f"F{r}", Fn("IF", Op(">", Fn("COUNT", S(f"C{r1}", f"C{r2}")), 0), K("NPS", S(f"C{r1}", f"C{r2}")), ""),
                  "out_dec1")  # a quarter without answers yet shows nothing
        s.formula(f"G{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), ">=9"), "out_int")
        s.formula(f"H{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), ">=7", S(f"C{r1}", f"C{r2}"), "<=8"), "out_int")
        s.formula(f"I{r}", Fn("COUNTIFS", S(f"C{r1}", f"C{r2}"), "<=6"), "out_int")
        s.formula(f"J{r}", Fn("SUM", Rng(f"G{r}", f"I{r}")), "out_int")
    s.text("E31", t["year_row"], "label_tot")
    s.formula("F31", K("NPS", S("C4", f"C{last}")), "tot_dec1")
    for col in "GHIJ":
        s.formula(f"{col}31", Fn("SUM", Rng(f"{col}27", f"{col}30")), "tot_int")
    s.text("E32", t["check"], "label")
    s.text("G32", t["check_note"], "note")
    s.formula("F32", K("NPSCOUNT", Rng("G27", "G30"), Rng("H27", "H30"), Rng("I27", "I30")), "out_dec1")
    s.page_break(34)
    s.chart(name="chart_retention", anchor="A34", width=16.5, height=8.0, kind="line",
            title=t["chart_churn"], categories=("B16", "M16"),
            series=[("A20", ("B20", "M20"), RED)])
    s.chart(name="chart_nps", anchor="H34", width=14.0, height=8.0, kind="bar",
            title=t["chart_nps"], categories=("E27", "E30"), series=[("F26", ("F27", "F30"), GREEN)])
    write_about(b, t["fill"])
    return b
