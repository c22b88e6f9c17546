"""The AARRR funnel workbook."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng
from kpitools.templates.parts import B2B_MONTHS, GREEN, RED, K, wiggle, month_header, monthly_kpis


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
