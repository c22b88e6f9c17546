"""The words of the predictive-CLV template (make_predictive.py), in English
and in French: one workbook, built by one function, in either language. The
French words are those of the catalogue's French texts (valeur vie client,
log-vraisemblance, rétention). `{n}` is the number of customers."""

TEXT = {
    "en": dict(
        title="Predictive CLV and cohort retention",  # no "/": the template hierarchy names entries by title
        description="BG/NBD and Gamma-Gamma fits on 500 CDNOW customers' transactions: expected purchases, "
                    "P(alive), expected spend and CLV per customer; an sBG cohort retention projection.",
        customers="Customers", cohort="Cohort", transactions="Transactions",
        tx_title="Transactions",
        tx_note="One row per customer and purchase day (purchases of the same day added). CDNOW sample (its "
                "first {n} customers), purchases up to 1997-09-30; data: B. Hardie, via the lifetimes package "
                "(MIT licence).",
        tx_heads=("Customer", "Date", "Value ($)"),
        cust_title="Predictive customer lifetime value (BG/NBD + Gamma-Gamma)",
        cust_note="Yellow cells are inputs. The customer table is derived from the Transactions sheet; the models "
                  "are fitted on it by maximum likelihood (Fader, Hardie & Lee 2005).",
        inputs=[("End of observation", "Purchases after this date are ignored."),
                ("Days per time unit", "7 = the models work in weeks. Every time below is in this unit."),
                ("Forecast window (time units)",
                 "Expected purchases are counted over this many time units (52 weeks = 1 year)."),
                ("Discount periods (horizon)", "CLV adds up this many periods (12 months)."),
                ("Discount rate per period", "1 % per month."),
                ("Time units per period",
                 "Weeks in an average month (365.25 / 12 / 7): no 30-day month is assumed.")],
        bg_fit="BG/NBD fit: purchases and dropout (KPI.BGNBD.FIT)", loglik="log-likelihood",
        gg_fit="Gamma-Gamma fit: spend per purchase (KPI.GG.FIT)", totals="Totals",
        cust_heads=("Customer", "First purchase", "Last purchase", "Purchase days", "Frequency (repeat purchases)",
                    "Recency (time units)", "Age (time units)", "Average repeat value ($)",
                    "Expected purchases in the window", "P(alive)", "Expected spend per purchase ($)",
                    "CLV, discounted ($)"),
        total_heads=("Customers", "Expected purchases", "Expected active customers", "Total CLV ($)"),
        cohort_title="Cohort retention (shifted-beta-geometric)",
        cohort_note="Active customers of a cohort at the start of each year (yellow: Fader & Hardie 2007, "
                    "'regular' cohort). The sBG model is fitted on them and projects the retention curve (Fader & "
                    "Hardie 2007).",
        sbg_heads=("sBG fit", "alpha", "beta"), parameters="Parameters",
        years_active="Expected years active in years 1-12",
        cohort_heads=("Year", "Active (actual)", "Active (projected)", "Retention (actual)", "Retention (projected)"),
        chart="Active customers: actual and sBG projection", chart_x="Year", chart_y="Active customers",
        page=("Page ", " of "),
        fill=["Transactions sheet: one row per customer and purchase day (customer, date, value). Customers sheet: "
              "the yellow cells (end of observation, days per time unit, horizon, discount rate) and one row per "
              "customer id.",
              "Cohort sheet: the active customers of a cohort at the start of each year (yellow), from year 0 on; "
              "the years not observed yet stay blank and the fit uses the years filled."],
        # Number formats (en-US codes; converted for the other languages).
        date="YYYY-MM-DD",
        first_column=dict(customers=5600, cohort=6900),  # widths of the label columns, 1/100 mm
        wider={},  # Customers sheet: {column: width} for headings longer than 2.9 cm
    ),
    "fr": dict(
        title="CLV prédictive et rétention par cohorte",
        description="Ajustements BG/NBD et Gamma-Gamma sur les transactions de 500 clients CDNOW : achats "
                    "attendus, probabilité d'être encore actif, dépense attendue et CLV par client ; une projection "
                    "de la rétention d'une cohorte par le modèle sBG.",
        customers="Clients", cohort="Cohorte", transactions="Transactions",
        tx_title="Transactions",
        tx_note="Une ligne par client et par jour d'achat (achats du même jour additionnés). Échantillon CDNOW (ses "
                "{n} premiers clients), achats jusqu'au 30/09/1997 ; données : B. Hardie, via le paquet lifetimes "
                "(licence MIT).",
        tx_heads=("Client", "Date", "Montant ($)"),
        cust_title="Valeur vie client prédictive (BG/NBD + Gamma-Gamma)",
        cust_note="Les cellules jaunes sont à saisir. La table clients est calculée à partir de la feuille "
                  "Transactions ; les modèles y sont ajustés par maximum de vraisemblance (Fader, Hardie & Lee "
                  "2005).",
        inputs=[("Fin de l'observation", "Les achats après cette date sont ignorés."),
                ("Jours par unité de temps",
                 "7 = les modèles comptent en semaines. Toutes les durées ci-dessous sont dans cette unité."),
                ("Fenêtre de prévision (unités de temps)",
                 "Les achats attendus sont comptés sur ce nombre d'unités de temps (52 semaines = 1 an)."),
                ("Périodes d'actualisation (horizon)", "La CLV additionne ce nombre de périodes (12 mois)."),
                ("Taux d'actualisation par période", "1 % par mois."),
                ("Unités de temps par période",
                 "Semaines dans un mois moyen (365,25 / 12 / 7) : aucun mois de 30 jours n'est supposé.")],
        bg_fit="Ajustement BG/NBD : achats et départ (KPI.BGNBD.FIT)", loglik="log-vraisemblance",
        gg_fit="Ajustement Gamma-Gamma : dépense par achat (KPI.GG.FIT)", totals="Totaux",
        cust_heads=("Client", "Premier achat", "Dernier achat", "Jours d'achat", "Fréquence (réachats)",
                    "Récence (unités de temps)", "Âge (unités de temps)", "Montant moyen des réachats ($)",
                    "Achats attendus sur la fenêtre", "P(actif)", "Dépense attendue par achat ($)",
                    "CLV actualisée ($)"),
        total_heads=("Clients", "Achats attendus", "Clients actifs attendus", "CLV totale ($)"),
        cohort_title="Rétention d'une cohorte (bêta-géométrique décalé)",
        cohort_note="Clients actifs d'une cohorte au début de chaque année (en jaune : Fader & Hardie 2007, "
                    "cohorte « regular »). Le modèle sBG y est ajusté et projette la courbe de rétention (Fader & "
                    "Hardie 2007).",
        sbg_heads=("Ajustement sBG", "alpha", "bêta"), parameters="Paramètres",
        years_active="Années d'activité attendues sur les années 1 à 12",
        cohort_heads=("Année", "Actifs (observés)", "Actifs (projetés)", "Rétention (observée)",
                      "Rétention (projetée)"),
        chart="Clients actifs : observés et projection sBG", chart_x="Année", chart_y="Clients actifs",
        page=("Page ", " sur "),
        fill=["Feuille Transactions : une ligne par client et par jour d'achat (client, date, montant). Feuille "
              "Clients : les cellules jaunes (fin de l'observation, jours par unité de temps, horizon, taux "
              "d'actualisation) et une ligne par identifiant client.",
              "Feuille Cohorte : les clients actifs d'une cohorte au début de chaque année (en jaune), à partir de "
              "l'année 0 ; les années pas encore observées restent vides et l'ajustement porte sur les années "
              "saisies."],
        date="DD/MM/YYYY",
        first_column=dict(customers=7300, cohort=9300),
        wider={4: 3300, 5: 3300},  # "vraisemblance" of the fits' headings (E14, F11)
    ),
}
