"""The header names the import sheets recognise: the one source of the import formulas
(imports.py writes them into the templates' Imports sheet, blue cells the user may extend)
and of docs/import-headers.md (write_doc, run by `pipeline generate`; `pipeline check` fails
while the page is stale).

Each name carries its evidence: a key of SOURCES (the page shows that name as the
platform's column or metric; matching ignores case), or None when no stored
documentation confirms the spelling of the export's header (a plausible guess, said so in
the page). Names are tried in order, the first found wins; `*` stands for any text
(Meta writes the account's currency in its header: "Amount spent (EUR)").
"""
from collections import namedtuple

Source = namedtuple("Source", "kind title url")
SOURCES = {
    "gads-columns": Source("doc", "Google Ads Help: Use columns to find specific performance data",
                           "https://support.google.com/adwords/answer/2454071"),
    "gads-download-fr": Source("doc", "Aide Google Ads : Télécharger le tableau en tant que rapport",
                               "https://support.google.com/google-ads/answer/2404176?hl=fr"),
    "gads-columns-3p": Source("third", "Google Ads columns explained (a training site, not Google)",
                              "https://sebotraining.com/?p=10157"),
    "gads-metrics-3p": Source("third", "Google Ads metrics of a reporting tool (Jepto, not Google)",
                              "https://www.jepto.com/help/google-ads-data-source-metrics"),
    "meta-insights": Source("doc", "Meta Marketing API: Insights",
                            "https://developers.facebook.com/docs/marketing-api/insights"),
    "meta-columns-3p": Source("third", "Meta Ads Manager columns explained (a training site, not Meta)",
                              "https://sebotraining.com/meta-ads-topics/ads-manager-columns"),
    "li-metrics": Source("doc", "LinkedIn Help: Performance metrics in Campaign Manager",
                         "https://www.linkedin.com/help/lms/answer/a445476"),
    "li-conversions": Source("doc", "LinkedIn Help: Conversions and leads metrics in Campaign Manager",
                             "https://www.linkedin.com/help/lms/answer/107771"),
    "mc-reports": Source("doc", "Mailchimp Help: About Email Campaign Reports",
                         "https://mailchimp.com/help/about-email-campaign-reports/"),
    "mc-export": Source("doc", "Mailchimp Help: Export and Back Up Account Data",
                        "https://mailchimp.com/help/export-and-back-up-account-data/"),
    "brevo-report": Source("doc", "Brevo Help: Access, analyze, and export your email campaign report",
                           "https://help.brevo.com/hc/en-us/articles/19764406559506"),
    "brevo-stats": Source("doc", "Brevo API: GetCampaignStats (the fields of a campaign's statistics)",
                          "https://github.com/getbrevo/brevo-php/blob/HEAD/docs/Model/GetCampaignStats.md"),
    "code": Source("code", "public code written to read the real export (a SAS import of LinkedIn Campaign "
                           "Manager exports, JavaScript readers of Meta Ads Manager exports), found with the "
                           "project's code search; not the platform's word", ""),
}

# Figures: the dashboard's (a month's row per channel) and the e-mail report's (a campaign's row).
FIGURE_LABELS = {
    "en": dict(date="Date", name="Row name", cost="Cost", impressions="Impressions", clicks="Clicks",
               leads="Leads", customers="Customers", revenue="Revenue", sent="Sent", delivered="Delivered",
               opens="Opens", unsubscribes="Unsubscribes", bounces="Bounces", hard_bounces="Hard bounces",
               soft_bounces="Soft bounces", campaign="Campaign"),
    "fr": dict(date="Date", name="Nom de ligne", cost="Coût", impressions="Impressions", clicks="Clics",
               leads="Leads", customers="Clients", revenue="Chiffre d'affaires", sent="Envoyés",
               delivered="Délivrés", opens="Ouvertures", unsubscribes="Désinscriptions", bounces="Rebonds",
               hard_bounces="Rebonds durs", soft_bounces="Rebonds doux", campaign="Campagne"),
}
DASHBOARD_FIGURES = ["date", "name", "cost", "impressions", "clicks", "leads", "customers", "revenue"]
EMAIL_FIGURES = ["campaign", "sent", "delivered", "opens", "clicks", "unsubscribes", "bounces", "hard_bounces",
                 "soft_bounces"]
SLOTS = 6  # header names per figure in the Imports sheet: the table's and the user's own

Platform = namedtuple("Platform", "key name sheet export channel date_texts headers")


def H(*pairs):
    """[(name, evidence)] from name, evidence, name, evidence..."""
    return list(zip(pairs[0::2], pairs[1::2]))


DASHBOARD = [
    Platform(
        "google_ads", "Google Ads", {"en": "Import Google Ads", "fr": "Import Google Ads"},
        {"en": "Google Ads: Campaigns, segmented by Day, Week or Month, Download ▸ .csv",
         "fr": "Google Ads : Campagnes, segmentées par Jour, Semaine ou Mois, Télécharger ▸ .csv"},
        0, ("iso",),
        dict(date=H("Day", None, "Week", None, "Month", None, "Jour", None, "Semaine", None, "Mois", None),
             name=H("Campaign", "gads-columns-3p", "Campagne", None),
             cost=H("Cost", "gads-metrics-3p", "Coût", None),
             impressions=H("Impr.", "gads-columns-3p", "Impressions", "gads-columns"),
             clicks=H("Clicks", "gads-metrics-3p", "Clics", None),
             leads=H("Conversions", "gads-metrics-3p"),
             customers=[],
             revenue=H("Conv. value", None, "Valeur de conv.", None, "Total conv. value", None))),
    Platform(
        "meta", "Meta Ads", {"en": "Import Meta Ads", "fr": "Import Meta Ads"},
        {"en": "Meta Ads Manager: Campaigns, Breakdown ▸ By time ▸ Day, Week or Month, Export ▸ .csv",
         "fr": "Gestionnaire de publicités Meta : Campagnes, Ventilation ▸ Par période ▸ Jour, Semaine ou Mois, "
               "Exporter ▸ .csv"},
        1, ("iso",),
        dict(date=H("Reporting starts", "code", "Début des rapports", None, "Day", None, "Jour", None),
             name=H("Campaign name", "code", "Nom de la campagne", None, "Ad set name", None,
                    "Nom de l'ensemble de publicités", None, "Ad name", None, "Nom de la publicité", None),
             cost=H("Amount spent (*)", "meta-columns-3p", "Montant dépensé (*)", None, "Amount spent", "code",
                    "Montant dépensé", None),
             impressions=H("Impressions", "meta-insights"),
             clicks=H("Link clicks", "meta-columns-3p", "Clics sur un lien", None),
             leads=H("Leads", None, "Prospects", None),
             customers=H("Purchases", None, "Achats", None),
             revenue=H("Purchases conversion value", None, "Valeur de conversion des achats", None))),
    Platform(
        "linkedin", "LinkedIn Ads", {"en": "Import LinkedIn Ads", "fr": "Import LinkedIn Ads"},
        {"en": "LinkedIn Campaign Manager: Campaigns, Export ▸ Campaign performance, time breakdown Daily or "
               "Monthly, .csv",
         "fr": "LinkedIn Campaign Manager : Campagnes, Exporter ▸ Performances des campagnes, ventilation "
               "quotidienne ou mensuelle, .csv"},
        2, ("iso", "us"),
        dict(date=H("Start Date (in UTC)", "code", "Date de début (UTC)", None, "Start Date", None),
             name=H("Campaign Name", "code", "Nom de la campagne", None),
             cost=H("Total Spent", "code", "Montant total dépensé", None, "Spent", "li-metrics"),
             impressions=H("Impressions", "li-metrics"),
             clicks=H("Clicks", "code", "Clics", None),
             leads=H("Leads", "li-conversions", "Prospects", None, "Conversions", "li-conversions"),
             customers=[],
             revenue=H("Total Conversion Value", "li-conversions", "Valeur totale des conversions", None))),
]

EMAIL = Platform(
    "email", "Mailchimp or Brevo", {"en": "Import e-mail", "fr": "Import e-mailing"},
    {"en": "Mailchimp: Analytics ▸ Reports ▸ Export as CSV; Brevo: Campaigns ▸ Email ▸ export of the "
           "campaigns' statistics, .csv",
     "fr": "Mailchimp : Analytics ▸ Reports ▸ Export as CSV ; Brevo : Campagnes ▸ Email ▸ export des "
           "statistiques des campagnes, .csv"},
    None, (),
    dict(campaign=H("Title", None, "Campaign name", None, "Nom de la campagne", None, "Name", None, "Nom", None),
         sent=H("Emails Sent", None, "Total Recipients", None, "Recipients", "mc-reports", "Sent", "brevo-stats",
                "Envoyés", None, "E-mails envoyés", None),
         delivered=H("Successful Deliveries", "mc-reports", "Delivered", "brevo-stats", "Délivrés", None,
                     "E-mails délivrés", None),
         opens=H("Unique Opens", None, "Opened", "mc-reports", "Ouvertures uniques", None, "Ouvreurs", None),
         clicks=H("Unique Clicks", None, "Clicked", "mc-reports", "Clics uniques", None, "Cliqueurs", None),
         unsubscribes=H("Unsubscribes", None, "Unsubscribed", "mc-reports", "Unsubscriptions", "brevo-stats",
                        "Désinscriptions", None, "Désinscrits", None),
         bounces=H("Total Bounces", None, "Bounced", "mc-reports", "Bounces", None, "Rebonds", None),
         hard_bounces=H("Hard Bounces", "brevo-stats", "Rebonds durs", None),
         soft_bounces=H("Soft Bounces", "brevo-stats", "Rebonds doux", None)))

# The figures an import must have to be used (else the typed figures stay, and a warning says why).
REQUIRED = {"dashboard": ("date", "cost"),
            "email": ("campaign", "sent", "delivered", "opens", "clicks", "unsubscribes")}

DATE_TEXTS = {
    "iso": "2025-01-15 (also with a time, or 2025-01 for a month)",
    "us": "1/15/2025 or 01/15/2025, month first (LinkedIn's own format)",
}


def names(platform, figure):
    return [n for n, _ in platform.headers.get(figure, [])]


def _check():
    for p in DASHBOARD + [EMAIL]:
        for fig, hs in p.headers.items():
            assert len(hs) <= SLOTS, f"{p.key}.{fig}: more than {SLOTS} header names"
            assert all(e is None or e in SOURCES for _, e in hs), f"{p.key}.{fig}: unknown evidence"


_check()


# ------------------------------------------------------------------ the page
def _evidence(e):
    if e is None:
        return "unconfirmed"
    kind = {"doc": "platform docs", "third": "third-party page", "code": "public code"}[SOURCES[e].kind]
    return f"{kind} [{e}]"


NOTES = {
    "meta": "Meta's stored pages name the column *Amount spent*; the account's currency in brackets after it, "
            "as exports are commonly seen, is not confirmed by them: `Amount spent (*)` and `Amount spent` "
            "both read it.",
    "google_ads": "Google Ads writes totals rows at the end of a downloaded report (`Total: Account`…): they "
                  "have no date and are not read. A week counts in the month it starts.",
    "linkedin": "The export starts with lines about the report and the account: the header row is found below "
                "them. Its dates read as text (`1/15/2025`) with Calc's default CSV import, and are read so.",
    "email": "One import sheet reads either platform: the names of both are tried. Bounces: the total column, "
             "or hard plus soft bounces when there is none (Brevo).",
}


def doc_text():
    from kpitools.templates.imports import TEXTS  # the sheets' own words, for the page to quote
    L = ["<!-- Generated by python/kpitools/templates/import_headers.py (pipeline generate): edit the table, "
         "not this page. -->", "", "# Import sheets: the header names recognised", "",
         "The campaign dashboard and the e-mail programme report read platform exports pasted into their "
         "import sheets (see the guide's [Templates and imports](guide/en/templates.md#paste-your-export)). "
         "Each figure's column is found by its header "
         "name, in the first ten rows of the sheet, whatever its position: the names below are tried in "
         "order and the first one found wins. They are the blue cells of each template's **Imports** sheet, "
         "where you can add your own (an export in another language, a renamed column); `*` stands for any "
         "text, so `Amount spent (*)` reads any currency. Matching ignores case, not accents.", "",
         "**Evidence.** The stored documentation available to the project rarely spells out an export's "
         "CSV header. Each name says where it comes from: *platform docs* (the platform's own help or API "
         "pages name the column or metric so), *third-party page* (a page describing the platform's "
         "columns), *public code* (code written to read the real export), or *not confirmed (plausible)*: "
         "no stored page confirms that spelling, the French ones in particular. A name that turns out wrong "
         "costs nothing but a blue cell to correct; the Imports sheet shows which header each figure "
         "was read from.", ""]
    for title, platforms, figures in (("Campaign dashboard", DASHBOARD, DASHBOARD_FIGURES),
                                      ("E-mail programme report", [EMAIL], EMAIL_FIGURES)):
        L += [f"## {title}", ""]
        kind = "dashboard" if platforms is DASHBOARD else "email"
        for p in platforms:
            L += [f"### {p.name} — sheet “{p.sheet['en']}” (French template: “{p.sheet['fr']}”)", "",
                  f"Export: {p.export['en']}.", ""]
            if p.date_texts:
                L += ["Dates: real dates (as Calc reads them from the CSV), or text such as "
                      + "; ".join(DATE_TEXTS[d] for d in p.date_texts) + ".", ""]
            L += ["| Figure | Header names, in order (evidence) |", "|---|---|"]
            for fig in figures:
                hs = p.headers.get(fig, [])
                req = " (required)" if fig in REQUIRED[kind] else ""
                names_ = ", ".join(f"`{n}` ({_evidence(e)})" for n, e in hs) or "none: the typed figures stay"
                L.append(f"| {FIGURE_LABELS['en'][fig]}{req} | {names_} |")
            L.append("")
            if p.key in NOTES:
                L += [NOTES[p.key], ""]
    L += ["## What the formulas do with the rows", ""] + [f"- {line}" for line in TEXTS["en"]["doc_rules"]] + [""]
    L += ["## Sources", ""]
    cited = {e for p in DASHBOARD + [EMAIL] for hs in p.headers.values() for _, e in hs}
    for key, s in SOURCES.items():
        L.append(f"- [{key}] {s.title}" + (f": <{s.url}>" if s.url else "")
                 + ("" if key in cited else " (how the report is exported)"))
    return "\n".join(L) + "\n"


def html_text():
    """The same page as HTML, shipped in the .oxt's reference (import-headers.html): the Imports
    sheets link to it, and a user of the extension has no docs/ folder."""
    import html
    import re

    def inline(t):
        t = html.escape(t, quote=False)
        t = re.sub(r"`([^`]+)`", r"<code>\1</code>", t)
        t = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", t)
        t = re.sub(r"\*([^*]+)\*", r"<em>\1</em>", t)
        return re.sub(r"&lt;(https?://[^&]+)&gt;", r'<a href="\1">\1</a>', t)
    out, rows, items = [], [], []

    def flush():
        if rows:
            out.append("<table>" + "".join(
                "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{inline(c.strip())}</{'th' if i == 0 else 'td'}>"
                                 for c in r.strip("|").split("|")) + "</tr>"
                for i, r in enumerate(rows) if not r.startswith("|---")) + "</table>")
            rows.clear()
        if items:
            out.append("<ul>" + "".join(f"<li>{inline(x)}</li>" for x in items) + "</ul>")
            items.clear()
    for line in doc_text().splitlines():
        if line.startswith("|"):
            rows.append(line)
            continue
        if line.startswith("- "):
            items.append(line[2:])
            continue
        flush()
        m = re.match(r"(#+) (.*)", line)
        if m:
            n = len(m.group(1))
            out.append(f"<h{n}>{inline(m.group(2))}</h{n}>")
        elif line.strip() and not line.startswith("<!--"):
            out.append(f"<p>{inline(line)}</p>")
    flush()
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Import sheets: the header names '
            'recognised</title><style>body{font-family:sans-serif;max-width:60em;margin:auto}table{border-collapse:'
            'collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}</style>'
            '</head><body>\n' + "\n".join(out) + "\n</body></html>\n")


if __name__ == "__main__":  # python -m kpitools.templates.import_headers OUT.html (the extension's build)
    import sys
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(html_text())
