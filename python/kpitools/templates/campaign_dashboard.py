"""The paid campaign dashboard, in English and in French from one function
and a table of labels."""
from kpitools.sheet.addresses import col_name
from kpitools.templates.about import write_about
from kpitools.templates import import_headers
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng, Window
from kpitools.templates.imports import DashboardImports, paste_sheet
from kpitools.templates.parts import BLUE, ORANGE, GREEN, K, wiggle


DASH_TEXT = {
    "en": dict(
        title="Paid campaign dashboard 2025",
        description="Paid media by channel and month: cost, impressions, clicks, leads, customers and revenue; "
                    "CPC, CPM, CTR, CPL, CPA, ROAS, ROMI (the return on the margin) and growth computed with the KPI functions.",
        dash="Dashboard", data="Data",
        subtitle="Type your figures in the Data sheet (blue cells), or paste your ad platforms' exports into "
                 "the Import sheets. Every KPI below is computed by the KPI functions; totals are a sum over a "
                 "sum (total CPL = total cost / total leads).",
        by_channel="Results by channel", by_month="Results by month", channel="Channel", month="Month",
        cost="Cost", impressions="Impressions", clicks="Clicks", leads="Leads", customers="Customers",
        revenue="Revenue", cpc="CPC", cpm="CPM", ctr="CTR", cpl="CPL", cac="CPA", roas="ROAS", roi="ROMI (margin)",
        margin="Gross margin (share of revenue):",
        growth_note="Revenue growth: each month against the month before. Months count once their cost is "
                    "filled in the Data sheet; fill them from January on.",
        growth_total="Total revenue growth: ", versus=" against ", stop=".", growth_none="Total revenue growth: needs two "
                    "months with figures.", months_filled="Months with figures:", half="Half:",
        growth_short="Revenue growth", total="Total 2025",
        headline=["Spend", "Revenue", "ROAS", "CPL", "CPA", "ROMI"],
        chart_month="Cost and revenue by month", chart_channel="ROAS by channel (revenue per € spent)",
        data_note="Inputs: one row per channel and month, as exported from the ad platforms and the CRM. A month "
                  "an Import sheet has replaces its channel's typed figures (columns I to O).",
        used="Used by the dashboard: typed, or read from an import", source="Source",
        months=["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        channels=["Google Search", "Meta Ads", "LinkedIn Ads", "Display"],
        fill=["Data sheet, blue cells: cost, impressions, clicks, leads, customers and revenue, one row per channel "
              "and month (month and channel names as listed).",
              "Fill the months from January on: a month counts once its cost is filled. The months to come show "
              "nothing; totals, rates and the total growth use the months filled. The Dashboard is all formulas.",
              "CPA is the media cost per new customer (KPI.CPA); a CAC would add every sales and marketing cost "
              "(salaries, tools, agencies: KPI.CAC).",
              "ROMI is the return the campaigns' margin brings: revenue × gross margin / cost − 1 (KPI.ROMI), with "
              "the gross margin typed in the Dashboard's cell C6. Revenue / cost − 1 would be ROAS − 1, not a return "
              "on the investment.",
              "Or paste a platform's CSV export into its Import sheet (Google Ads, Meta Ads, LinkedIn Ads): its "
              "columns are found by header name, its days, weeks or months add up into the months of the year set "
              "in the Imports sheet, and a month it has replaces that channel's typed figures (the figures it "
              "has: customers typed from the CRM stay). Channels without an export (Display) stay typed. The "
              "Imports sheet shows what was read; the Dashboard warns when an export cannot be read as it is."],
    ),
    "fr": dict(
        title="Tableau de bord des campagnes payantes 2025",
        description="Médias payants par canal et par mois : coût, impressions, clics, leads, clients et chiffre "
                    "d'affaires ; CPC, CPM, CTR, CPL, CPA, ROAS, ROMI (le retour sur la marge) et croissance calculés par les "
                    "fonctions KPI.",
        dash="Synthèse", data="Données",
        subtitle="Saisissez vos chiffres dans la feuille Données (cellules bleues), ou collez les exports de vos "
                 "régies dans les feuilles d'import. Chaque KPI ci-dessous est calculé par les fonctions KPI ; les "
                 "totaux sont une somme sur une somme (CPL total = coût total / leads totaux).",
        by_channel="Résultats par canal", by_month="Résultats par mois", channel="Canal", month="Mois",
        cost="Coût", impressions="Impressions", clicks="Clics", leads="Leads", customers="Clients",
        revenue="Chiffre d'affaires", cpc="CPC", cpm="CPM", ctr="CTR", cpl="CPL", cac="CPA", roas="ROAS",
        roi="ROMI (marge)", margin="Marge brute (part du CA) :",
        growth_note="Croissance du CA : chaque mois par rapport au mois précédent. Un mois compte dès "
                    "que son coût est saisi dans la feuille Données ; saisissez les mois à partir de janvier.",
        growth_total="Croissance totale du CA : ", versus=" par rapport à ", stop="",  # "… à févr." has its dot
        growth_none="Croissance totale du CA : "
                    "il faut deux mois de chiffres.", months_filled="Mois renseignés :", half="Moitié :",
        growth_short="Croissance CA", total="Total 2025",
        headline=["Dépenses", "Chiffre d'affaires", "ROAS", "CPL", "CPA", "ROMI"],
        chart_month="Coût et chiffre d'affaires par mois", chart_channel="ROAS par canal (CA par € dépensé)",
        data_note="Saisie : une ligne par canal et par mois, telle qu'exportée des régies et du CRM. Un mois "
                  "présent dans une feuille d'import remplace les chiffres saisis de son canal (colonnes I à O).",
        used="Utilisé par la synthèse : saisi, ou lu dans un import", source="Source",
        months=["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
        channels=["Google Search", "Meta Ads", "LinkedIn Ads", "Display"],
        fill=["Feuille Données, cellules bleues : coût, impressions, clics, leads, clients et chiffre d'affaires, une "
              "ligne par canal et par mois (noms des mois et des canaux tels qu'ils sont listés).",
              "Saisissez les mois à partir de janvier : un mois compte dès que son coût est saisi. Les mois à venir "
              "restent vides ; totaux, taux et croissance totale portent sur les mois saisis. La Synthèse n'est "
              "faite que de formules.",
              "Le CPA est le coût média par nouveau client (KPI.CPA) ; un CAC ajouterait tous les coûts commerciaux "
              "et marketing (salaires, outils, agences : KPI.CAC).",
              "Le ROMI est le retour que rapporte la marge des campagnes : chiffre d'affaires × marge brute / coût − 1 "
              "(KPI.ROMI), la marge brute étant saisie dans la cellule C6 de la Synthèse. Chiffre d'affaires / coût "
              "− 1 serait le ROAS − 1, pas un retour sur investissement.",
              "Ou collez l'export CSV d'une régie dans sa feuille d'import (Google Ads, Meta Ads, LinkedIn Ads) : "
              "ses colonnes sont trouvées par leur en-tête, ses jours, semaines ou mois s'additionnent dans les mois "
              "de l'année indiquée dans la feuille Imports, et un mois présent remplace les chiffres saisis de ce "
              "canal (ceux que l'export contient : les clients saisis depuis le CRM restent). Les canaux sans export "
              "(Display) restent saisis. La feuille Imports montre ce qui a été lu ; la Synthèse avertit quand un "
              "export ne peut pas être lu tel quel."],
    ),
}

# Per channel: monthly cost, CPM, CTR, leads per click, customers per lead, revenue per customer.
CHANNELS = [
    (9000, 38.0, 0.045, 0.060, 0.120, 420.0),
    (6500, 7.5, 0.011, 0.040, 0.080, 380.0),
    (4000, 33.0, 0.0055, 0.110, 0.090, 1900.0),
    (2500, 2.8, 0.0018, 0.020, 0.080, 400.0),
]
GROSS_MARGIN = 0.40  # the example's gross margin, a share of revenue (Dashboard C6)
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
    b = Book(lang, t["title"], t["description"], wildcards=True)
    dash = b.sheet(t["dash"], [3.6, 2.45, 2.75] + [2.45] * 11, landscape=True)
    data = b.sheet(t["data"], [2.2, 3.4, 2.4, 2.6, 2.2, 2.0, 2.2, 2.6, 3.6, 2.4, 2.6, 2.2, 2.0, 2.2, 2.6],
                   landscape=True)
    for plat in import_headers.DASHBOARD:
        paste_sheet(b, lang, plat, "replace_dash")
    n_rows = len(t["months"]) * len(t["channels"])
    imp = DashboardImports(b, lang, t["months"], t["channels"], Rng("B5", f"B{4 + n_rows}", t["data"]))

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
    used_columns(data, t, imp, first, last)
    D = lambda col: Rng(f"{col}{first}", f"{col}{last}", t["data"])  # noqa: E731

    # ---- Dashboard
    dash.text("A1", t["title"], "title")
    dash.row_height(1, 0.9)
    dash.text("A2", t["subtitle"], "note")
    dash.formula("A3", imp.warning(), "warn")  # an export that cannot be read as it is, and why
    # Headline figures (row 4 labels, row 5 values), from the channel table's total row.
    dash.row_height(5, 0.8)
    # The gross margin ROMI is computed on (an input: a share of revenue).
    dash.text("A6", t["margin"], "label")
    dash.num("C6", GROSS_MARGIN, "in_pct1")
    # Channel table: rows 8..11, total 12.
    dash.text("A7", t["by_channel"], "section")
    cols = [t["channel"], t["cost"], t["impressions"], t["clicks"], t["leads"], t["customers"], t["revenue"],
            t["cpc"], t["cpm"], t["ctr"], t["cpl"], t["cac"], t["roas"], t["roi"]]
    for i, h in enumerate(cols):
        dash.text(f"{col_name(i)}8", h, "head_l" if i == 0 else "head")
    dash.row_height(8, 0.85)  # two lines of bold headings at 100 % ("Chiffre d'affaires")
    src = USED  # the figures the dashboard uses: typed, or read from an import (Data, columns J..O)
    ch_first, ch_last = 9, 12
    for k, name in enumerate(t["channels"]):
        r = ch_first + k
        dash.text(f"A{r}", name)
        for j, col in enumerate(src):
            dash.formula(f"{col_name(1 + j)}{r}", Fn("SUMIFS", D(col), D("B"), Ref(f"A{r}")),
                         "out_money" if col in (USED[0], USED[5]) else "out_int")
    tr = ch_last + 1
    dash.formula(f"A{tr + 1}", imp.info(), "note")  # which channels and months come from the imports
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
        # Media cost per new customer is a CPA: a CAC counts every sales and marketing cost (KPI.CAC).
        put(f"L{r}", K("CPA", R("B"), R("F")), f"{role}_money")
        put(f"M{r}", K("ROAS", R("G"), R("B")), f"{role}_ratio")
        if roi:
            # ROMI on the margin (issue 24): revenue / cost - 1 would be ROAS - 1, not a return.
            put(f"N{r}", K("ROMI", R("G"), Ref("C6"), R("B")), f"{role}_pct1")

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
    dash.row_height(16, 0.85)
    m_first, m_last = 17, 28
    for m in range(12):
        r = m_first + m
        dash.text(f"A{r}", t["months"][m])
        has_data = Op(">", Fn("COUNTIFS", D("A"), Ref(f"A{r}"), D(USED[0]), ">=0"), 0)
        for j, col in enumerate(src):
            dash.formula(f"{col_name(1 + j)}{r}",
                         Fn("IF", has_data, Fn("SUMIFS", D(col), D("A"), Ref(f"A{r}")), ""),
                         "out_money" if col in (USED[0], USED[5]) else "out_int")
        kpis(r, r, r, "out", roi=False, when=Op("<>", Ref(f"B{r}"), ""))
        if m > 0:
            # Not both months filled: "" (LEFT(...;0)), or the error one of them shows, which COUNT
            # alone would hide behind an empty cell.
            dash.formula(f"N{r}", Fn("IF", Op("=", Fn("COUNT", Rng(f"G{r - 1}", f"G{r}")), 2),
                                     K("GROWTH", Ref(f"G{r}"), Ref(f"G{r - 1}")),
                                     Fn("LEFT", Op("&", Ref(f"G{r - 1}"), Ref(f"G{r}")), 0)), "out_pct1")
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
    # 0*SUM: a month whose cost is an error makes the count that error, rather than a month fewer.
    costs = Rng(f"B{m_first}", f"B{m_last}")
    dash.formula(n_addr, Op("+", Fn("COUNT", costs), Op("*", 0, Fn("SUM", costs))), "out_int")
    dash.text(f"D{mt + 2}", t["half"], "small")
    dash.formula(k_addr, Fn("INT", Op("/", Ref(n_addr), 2)), "out_int")
    dash.hide_row(mt + 2)  # helper figures of the growth line, not for the reader
    n, k = Ref(n_addr), Ref(k_addr)
    G = Rng(f"G{m_first}", f"G{m_last}")
    A = Rng(f"A{m_first}", f"A{m_last}")
    # Each half summed by its months' numbers (SUMPRODUCT), not INDEX(..):INDEX(..), which
    # HyperFormula does not parse (issue 25, item 5); the months counted are all filled. In
    # cells of the hidden row, not inside the KPI call: kpi-portable keeps a KPI call whose
    # argument is an expression over a range as a value (implicit intersection).
    recent, before = f"G{mt + 2}", f"H{mt + 2}"
    dash.formula(recent, Window(G, Op("+", Op("-", n, k), 1), n), "out_money")
    dash.formula(before, Window(G, Op("+", Op("-", n, Op("*", 2, k)), 1), Op("-", n, k)), "out_money")
    dash.formula(f"N{mt}", Fn("IF", Op(">", k, 0), K("GROWTH", Ref(recent), Ref(before)), ""), "tot_pct1")

    def span(first, last):
        one = Fn("INDEX", A, first)
        return Fn("IF", Op("=", k, 1), one, Op("&", Op("&", one, "–"), Fn("INDEX", A, last)))
    compares = Op("&", Op("&", Op("&", Op("&", t["growth_total"], span(Op("+", Op("-", n, k), 1), n)),
                                      t["versus"]), span(Op("+", Op("-", n, Op("*", 2, k)), 1), Op("-", n, k))), t["stop"])
    dash.formula(f"A{mt + 1}", Fn("IF", Op(">", k, 0), compares, t["growth_none"]), "note")
    dash.text(f"A{mt + 3}", t["growth_note"], "note")

    # Charts below the tables, on a page of their own when printed.
    dash.page_break(34)
    dash.chart(name="chart_month", anchor="A34", width=17.5, height=8.0, kind="bar", title=t["chart_month"],
               categories=(f"A{m_first}", f"A{m_last}"),
               series=[("B16", (f"B{m_first}", f"B{m_last}"), ORANGE), ("G16", (f"G{m_first}", f"G{m_last}"), BLUE)])
    dash.chart(name="chart_channel", anchor="H34", width=16.3, height=8.0, kind="bar", title=t["chart_channel"],
               categories=(f"A{ch_first}", f"A{ch_last}"), horizontal=True,
               series=[("M8", (f"M{ch_first}", f"M{ch_last}"), GREEN)])
    write_about(b, t["fill"])
    return b


TYPED, USED, SOURCE = ["C", "D", "E", "F", "G", "H"], ["J", "K", "L", "M", "N", "O"], "I"


def used_columns(data, t, imp, first, last):
    """Data, columns I..O: for each row, its source (an import sheet, or nothing: typed) and the figures the
    Dashboard uses. A month an import has replaces the typed figures of the channel it feeds, figure by
    figure (a figure the export lacks stays as typed); every other row passes its typed figures on."""
    data.text(f"{SOURCE}3", t["used"], "section")
    data.text(f"{SOURCE}4", t["source"], "head_l")
    for j, h in enumerate([t["cost"], t["impressions"], t["clicks"], t["leads"], t["customers"], t["revenue"]]):
        data.text(f"{USED[j]}4", h, "head")
    for r in range(first, last + 1):
        p = Fn("MATCH", Ref(f"B{r}"), imp.channels, 0)
        month = Fn("MATCH", Ref(f"A{r}"), imp.month_labels, 0)
        idx = imp.index(p, month)
        # A channel or month no import has is typed (#N/A from MATCH); any other error shows, rather
        # than the typed figures in its place (IFERROR would hide an engine that cannot read an
        # import, such as HyperFormula with an export pasted, behind the typed figures).
        data.formula(f"{SOURCE}{r}", Fn("IF", Fn("OR", Fn("ISNA", p), Fn("ISNA", month)), "",
                                        Fn("IF", Op("<>", Fn("INDEX", imp.used, idx), ""), Fn("INDEX", imp.sheets, p), "")),
                     "label")
        for j, fig in enumerate(["cost", "impressions", "clicks", "leads", "customers", "revenue"]):
            typed = Fn("IF", Fn("ISBLANK", Ref(f"{TYPED[j]}{r}")), "", Ref(f"{TYPED[j]}{r}"))
            got = Fn("INDEX", imp.figures[fig], idx)
            data.formula(f"{USED[j]}{r}", Fn("IF", Op("=", Ref(f"{SOURCE}{r}"), ""), typed,
                                             Fn("IF", Op("=", got, ""), typed, got)),
                         "out_money" if j in (0, 5) else "out_int")
