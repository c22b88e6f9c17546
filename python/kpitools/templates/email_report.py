"""The e-mail programme report, in English and in French from one source
(listed in make_templates.py, written with engine.py)."""
from kpitools.sheet.addresses import col_name
from kpitools.templates import import_headers
from kpitools.templates.about import write_about
from kpitools.templates.engine import Book, Fn, Op, Ref, Rng
from kpitools.templates.imports import EmailImports, paste_sheet
from kpitools.templates.parts import BLUE, ORANGE, K

# The subject-line test: (delivered, opens) of variants A and B (invented; B's 33.1 % against A's 30.4 %
# over 5,000 each gives p ≈ 0.004).
AB_TEST = [(5000, 1520), (5000, 1655)]

# Per campaign: sent, bounce rate, open rate, click-to-open, unsubscribe rate (invented, plausible).
EMAILS = [
    (42000, 0.012, 0.312, 0.118, 0.0021), (45500, 0.011, 0.284, 0.162, 0.0034),
    (18200, 0.019, 0.356, 0.141, 0.0012), (42600, 0.010, 0.305, 0.109, 0.0019),
    (39800, 0.009, 0.338, 0.097, 0.0015), (24100, 0.015, 0.291, 0.133, 0.0018),
    (46200, 0.013, 0.262, 0.171, 0.0041), (43100, 0.010, 0.298, 0.104, 0.0020),
    (12800, 0.024, 0.174, 0.089, 0.0092), (9600, 0.008, 0.412, 0.198, 0.0009),
    (43900, 0.011, 0.301, 0.112, 0.0019), (31500, 0.009, 0.347, 0.152, 0.0013),
]

# French wording as French e-mail marketers and platforms (Brevo, Mailchimp FR) say it: "délivrés",
# "taux de réactivité" for click-to-open, "désinscriptions", "rebonds".
TEXT = {
    "en": dict(
        title="E-mail programme report",
        description="Twelve e-mail campaigns: sent, delivered, opens, clicks, unsubscribes and bounces; open rate, "
                    "CTR, CTOR, unsubscribe and bounce rates per campaign and overall, computed with the KPI "
                    "functions.",
        sheet="E-mail", heading="E-mail programme report — January to April",
        note1="Campaigns: typed in the Campaigns sheet, or pasted from Mailchimp or Brevo into Import e-mail; "
              "rates are computed by the KPI functions.",
        campaigns="Campaigns", campaigns_note="Blue cells: one row per campaign, as the e-mail platform reports "
        "it. A Mailchimp or Brevo export pasted into Import e-mail replaces these rows in the report.",
        note2="Open rate, CTR and unsubscribe rate use delivered e-mails; bounce rate uses sent.",
        heads=["Campaign", "Sent", "Delivered", "Opens", "Clicks", "Unsubscribes", "Bounces",
               "Open rate", "CTR", "CTOR", "Unsub. rate", "Bounce rate"],
        names=["January newsletter", "Winter sale launch", "Webinar invitation", "February newsletter",
               "Product update", "Customer case study", "Spring offer", "March newsletter", "Re-engagement",
               "Event reminder", "April newsletter", "Loyalty programme"],
        total="All campaigns",
        overall="Overall rates divide the totals (all opens / all delivered): a large send weighs more than a "
                "small one.",
        chart="Open rate and click-to-open rate by campaign",
        fill=["Blue cells of the Campaigns sheet: one row per campaign with sent, delivered, opens, clicks, "
              "unsubscribes and bounces as the e-mail platform reports them.",
              "Or paste a Mailchimp or Brevo campaign export into Import e-mail: its columns are found by header "
              "name (English or French), and its first 12 campaigns replace the typed ones in the report. The "
              "Imports sheet shows what was read; the report warns when the export cannot be read as it is.",
              "A campaign without figures yet shows no rates; the overall rates use the campaigns filled."],
        widths=[4.6, 2.2, 2.2, 2.2, 2.2, 3.1, 2.2, 2.0, 2.0, 2.0, 2.0, 2.2], head_height=0.85,
        ab_title="Subject-line test (A/B) on the spring offer",
        ab_note="Half the test list got subject A “Our spring offer is here”, half got B “20 % off until "
                "Sunday”: same day, same content. Is B's open rate really higher, or is it chance?",
        ab_heads=["Variant", "Delivered", "Opens", "Open rate"],
        ab_rows=["Subject A", "Subject B"], ab_lift="Lift of B over A", ab_p="p-value (two-sided)",
        ab_yes="p below 0.05: the difference is unlikely to be chance.",
        ab_no="p of 0.05 or more: the difference may be chance; test on more recipients.",
        ab_fill="The subject-line test: delivered and opens of each variant (KPI.LIFT and KPI.ABPVALUE compare "
                "them).",
        ab_ci_low="Lift: low end of its 95 % interval", ab_ci_high="Lift: high end of its 95 % interval",
        ab_mde="Smallest lift this test can detect (80 % power, 5 % two-sided)",
        ab_target="Lift worth detecting (type yours)", ab_size="Recipients per variant needed to detect it",
        ab_ci_note="The interval is where the true lift plausibly lies (KPI.LIFTCI): when it contains 0, the test "
                   "has not shown which subject is better. Decide the lift worth detecting, and so the size "
                   "(KPI.ABSAMPLESIZE), before sending; KPI.ABMDE says what a given size can detect.",
        ab_fill2="The lift worth detecting, for the sample size of the next test.",
    ),
    "fr": dict(
        title="Bilan des campagnes e-mailing",
        description="Douze campagnes e-mailing : envois, e-mails délivrés, ouvertures, clics, désinscriptions et "
                    "rebonds ; taux d'ouverture, taux de clics, taux de réactivité, taux de désinscription et "
                    "taux de rebond par campagne et au global, calculés par les fonctions KPI.",
        sheet="E-mailing", heading="Bilan des campagnes e-mailing — janvier à avril",
        note1="Campagnes : saisies dans la feuille Campagnes, ou collées depuis Mailchimp ou Brevo dans Import "
              "e-mailing ; les taux sont calculés par les fonctions KPI.",
        campaigns="Campagnes", campaigns_note="Cellules bleues : une ligne par campagne, telle que la plateforme "
        "d'e-mailing la donne. Un export Mailchimp ou Brevo collé dans Import e-mailing remplace ces lignes dans le "
        "bilan.",
        note2="Taux d'ouverture, de clics et de désinscription rapportés aux e-mails délivrés ; taux de rebond "
              "rapporté aux envois.",
        heads=["Campagne", "Envoyés", "Délivrés", "Ouvertures", "Clics", "Désinscriptions", "Rebonds",
               "Taux d'ouverture", "Taux de clics", "Taux de réactivité", "Taux de désinscription",
               "Taux de rebond"],
        names=["Newsletter de janvier", "Lancement des soldes d'hiver", "Invitation au webinaire",
               "Newsletter de février", "Nouveautés produit", "Témoignage client", "Offre de printemps",
               "Newsletter de mars", "Relance des inactifs", "Rappel événement", "Newsletter d'avril",
               "Programme de fidélité"],
        total="Toutes les campagnes",
        overall="Les taux globaux divisent les totaux (toutes les ouvertures / tous les délivrés) : un gros envoi "
                "pèse plus qu'un petit.",
        chart="Taux d'ouverture et taux de réactivité par campagne",
        fill=["Cellules bleues de la feuille Campagnes : une ligne par campagne avec les envois, délivrés, "
              "ouvertures, clics, désinscriptions et rebonds tels que la plateforme d'e-mailing les donne.",
              "Ou collez un export de campagnes Mailchimp ou Brevo dans Import e-mailing : ses colonnes sont "
              "trouvées par leur en-tête (anglais ou français), et ses 12 premières campagnes remplacent celles "
              "saisies dans le bilan. La feuille Imports montre ce qui a été lu ; le bilan avertit quand l'export "
              "ne peut pas être lu tel quel.",
              "Une campagne sans chiffres n'affiche pas de taux ; les taux globaux portent sur les campagnes "
              "saisies."],
        widths=[5.6, 2.2, 2.5, 2.5, 2.2, 3.4, 2.2, 2.5, 2.3, 2.6, 3.4, 2.3], head_height=1.1,
        ab_title="Test A/B de l'objet sur l'offre de printemps",
        ab_note="La moitié de la liste de test a reçu l'objet A « Notre offre de printemps est là », l'autre "
                "moitié l'objet B « −20 % jusqu'à dimanche » : même jour, même contenu. Le taux d'ouverture de B "
                "est-il vraiment meilleur, ou est-ce le hasard ?",
        ab_heads=["Variante", "Délivrés", "Ouvertures", "Taux d'ouverture"],
        ab_rows=["Objet A", "Objet B"], ab_lift="Gain relatif de B sur A", ab_p="Valeur p (bilatérale)",
        ab_yes="p inférieure à 0,05 : l'écart a peu de chances d'être dû au hasard.",
        ab_no="p de 0,05 ou plus : l'écart peut être dû au hasard ; testez sur plus de destinataires.",
        ab_fill="Le test A/B de l'objet : e-mails délivrés et ouvertures de chaque variante (KPI.LIFT et "
                "KPI.ABPVALUE les comparent).",
        ab_ci_low="Gain relatif : bas de son intervalle à 95 %", ab_ci_high="Gain relatif : haut de son intervalle à 95 %",
        ab_mde="Plus petit gain détectable par ce test (puissance 80 %, seuil 5 % bilatéral)",
        ab_target="Gain qui vaut d'être détecté (saisissez le vôtre)",
        ab_size="Destinataires par variante nécessaires pour le détecter",
        ab_ci_note="L'intervalle indique où se situe vraisemblablement le vrai gain (KPI.LIFTCI) : s'il contient 0, "
                   "le test n'a pas montré quel objet est le meilleur. Fixez le gain à détecter, et donc la taille "
                   "(KPI.ABSAMPLESIZE), avant l'envoi ; KPI.ABMDE dit ce qu'une taille donnée permet de détecter.",
        ab_fill2="Le gain qui vaut d'être détecté, pour la taille d'échantillon du prochain test.",
    ),
}


def email_programme(lang):
    t = TEXT[lang]
    b = Book(lang, t["title"], t["description"], wildcards=True)
    s = b.sheet(t["sheet"], t["widths"], landscape=True)
    typed = b.sheet(t["campaigns"], t["widths"][:7], landscape=True)
    paste_sheet(b, lang, import_headers.EMAIL, "replace_email")
    imp = EmailImports(b, lang, len(EMAILS))
    s.text("A1", t["heading"], "title")
    s.row_height(1, 0.9)
    s.text("A2", t["note1"], "note")
    s.text("A3", t["note2"], "note")
    typed.text("A1", t["heading"] + " — " + t["campaigns"], "title")
    typed.row_height(1, 0.9)
    typed.text("A2", t["campaigns_note"], "note")
    for i, h in enumerate(t["heads"]):
        s.text(f"{col_name(i)}4", h, "head_l" if i == 0 else "head")
        if i < 7:
            typed.text(f"{col_name(i)}4", h, "head_l" if i == 0 else "head")
    s.row_height(4, t["head_height"])
    typed.row_height(4, t["head_height"])
    first = 5
    for k, (name, (sent, br, orate, ctor, ur)) in enumerate(zip(t["names"], EMAILS)):
        r = first + k
        bounces = round(sent * br)
        delivered = sent - bounces
        opens = round(delivered * orate)
        clicks = round(opens * ctor)
        unsub = round(delivered * ur)
        typed.text(f"A{r}", name, "label_in")
        for col, v in zip("BCDEFG", (sent, delivered, opens, clicks, unsub, bounces)):
            typed.num(f"{col}{r}", v, "in_int")
        # The report's row: the import's k-th campaign when the import is usable, else the typed one.
        for col in "ABCDEFG":
            mine = Ref(f"{col}{r}", t["campaigns"])
            s.formula(f"{col}{r}", Fn("IF", Op("=", imp.usable, 1), imp.cell(col, k + 1),
                                      Fn("IF", Fn("ISBLANK", mine), "", mine)), "label" if col == "A" else "out_int")
    last = first + len(EMAILS) - 1
    tr = last + 1

    def rates(r, R, role, when=None):
        put = s.formula if when is None else (lambda a, e, st: s.formula(a, Fn("IF", when, e, ""), st))
        put(f"H{r}", K("OPENRATE", R("D"), R("C")), f"{role}_pct1")
        put(f"I{r}", K("CTR", R("E"), R("C")), f"{role}_pct2")
        put(f"J{r}", K("CTOR", R("E"), R("D")), f"{role}_pct1")
        put(f"K{r}", K("UNSUBRATE", R("F"), R("C")), f"{role}_pct2")
        put(f"L{r}", K("BOUNCERATE", R("G"), R("B")), f"{role}_pct2")

    for r in range(first, last + 1):
        # A campaign row without figures yet shows no rates.
        rates(r, lambda c, r=r: Ref(f"{c}{r}"), "out", when=Op(">", Fn("COUNT", Rng(f"B{r}", f"G{r}")), 0))
    s.text(f"A{tr}", t["total"], "label_tot")
    for col in "BCDEFG":
        s.formula(f"{col}{tr}", Fn("SUM", Rng(f"{col}{first}", f"{col}{last}")), "tot_int")
    rates(tr, lambda c: Rng(f"{c}{first}", f"{c}{last}"), "tot")
    s.formula(f"A{tr + 1}", imp.warning, "warn")  # an export that cannot be read as it is, and why
    s.text(f"A{tr + 2}", t["overall"], "note")
    s.formula(f"A{tr + 3}", imp.info, "note")  # where the campaigns come from, when an export is pasted
    end = subject_line_test(s, t, tr + 4)
    s.page_break(end + 2)
    s.chart(name="chart_rates", anchor=f"A{end + 2}", width=26.0, height=8.5, kind="bar",
            title=t["chart"], categories=(f"A{first}", f"A{last}"),
            series=[("H4", (f"H{first}", f"H{last}"), BLUE), ("J4", (f"J{first}", f"J{last}"), ORANGE)])
    write_about(b, t["fill"] + [t["ab_fill"], t["ab_fill2"]])
    return b


def subject_line_test(s, t, top):
    """The A/B block from row `top`: open rates, KPI.LIFT and KPI.ABPVALUE; nothing shows until both
    variants are filled. Returns its last row."""
    s.text(f"A{top}", t["ab_title"], "section")
    s.text(f"A{top + 1}", t["ab_note"], "note")
    for i, h in enumerate(t["ab_heads"]):
        s.text(f"{col_name(i)}{top + 2}", h, "head_l" if i == 0 else "head")
    s.row_height(top + 2, t["head_height"])
    a, b = top + 3, top + 4
    for r, label, (delivered, opens) in zip((a, b), t["ab_rows"], AB_TEST):
        s.text(f"A{r}", label, "label_in")
        s.num(f"B{r}", delivered, "in_int")
        s.num(f"C{r}", opens, "in_int")
        s.formula(f"D{r}", Fn("IF", Op("=", Fn("COUNT", Rng(f"B{r}", f"C{r}")), 2),
                              K("OPENRATE", Ref(f"C{r}"), Ref(f"B{r}")), ""), "out_pct1")
    both = Op("=", Fn("COUNT", Rng(f"B{a}", f"C{b}")), 4)
    s.text(f"A{b + 1}", t["ab_lift"], "label")
    s.formula(f"D{b + 1}", Fn("IF", both, K("LIFT", Ref(f"C{b}"), Ref(f"B{b}"), Ref(f"C{a}"), Ref(f"B{a}")), ""),
              "out_pct1")
    s.text(f"A{b + 2}", t["ab_p"], "label")
    s.formula(f"D{b + 2}", Fn("IF", both, K("ABPVALUE", Ref(f"C{a}"), Ref(f"B{a}"), Ref(f"C{b}"), Ref(f"B{b}")), ""),
              "out_dec3")
    p = Ref(f"D{b + 2}")
    s.formula(f"A{b + 3}", Fn("IF", Op("=", p, ""), "", Fn("IF", Op("<", p, 0.05), t["ab_yes"], t["ab_no"])),
              "note")
    return test_size(s, t, a, b, both)


def test_size(s, t, a, b, both):
    """Below the A/B block: the lift's interval (KPI.LIFTCI, variant B first), what a test of A's size
    can detect (KPI.ABMDE) and the recipients needed for a lift worth detecting (KPI.ABSAMPLESIZE, a
    blue input). Returns the last row."""
    ci = K("LIFTCI", Ref(f"C{b}"), Ref(f"B{b}"), Ref(f"C{a}"), Ref(f"B{a}"))
    for r, label, end in ((b + 4, t["ab_ci_low"], 1), (b + 5, t["ab_ci_high"], 2)):
        s.text(f"A{r}", label, "label")
        s.formula(f"D{r}", Fn("IF", both, Fn("INDEX", ci, 1, end), ""), "out_pct1")
    filled_a = Op("=", Fn("COUNT", Rng(f"B{a}", f"C{a}")), 2)
    s.text(f"A{b + 6}", t["ab_mde"], "label")
    s.formula(f"D{b + 6}", Fn("IF", filled_a, K("ABMDE", Ref(f"B{a}"), Ref(f"D{a}")), ""), "out_pct1")
    s.text(f"A{b + 7}", t["ab_target"], "label")
    s.num(f"D{b + 7}", 0.05, "in_pct1")
    s.text(f"A{b + 8}", t["ab_size"], "label")
    target = Op("=", Fn("COUNT", Ref(f"D{b + 7}")), 1)
    s.formula(f"D{b + 8}", Fn("IF", filled_a, Fn("IF", target, K("ABSAMPLESIZE", Ref(f"D{a}"), Ref(f"D{b + 7}")), ""),
                              ""), "out_int")
    s.text(f"A{b + 9}", t["ab_ci_note"], "note")
    return b + 9
