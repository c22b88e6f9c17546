"""Import sheets: a platform's CSV export pasted as it comes, its columns found by header name
(issue 13), for the campaign dashboard (figures by month) and the e-mail report (figures by
campaign). The header names come from import_headers.py; the formulas are native (MATCH,
INDEX:INDEX, SUMIFS, COUNTIFS), so the portable copies carry them too.

How a sheet is read, all in formulas of the Imports sheet:
- the header row is the first of rows 1-10 holding a recognised key header (the date for the
  dashboard, the sent e-mails for the report): title lines above it are skipped;
- each figure's column is the first of its header names found in that row (MATCH);
- the dashboard sums each month of the year set on the Imports sheet with SUMIFS on the date
  column: real dates by value, text dates by wildcard patterns (2025-01*, 1/*/2025*). Calc also
  matches a number against a text pattern by its displayed text (an ISO-formatted date matches
  2025-01*), so each pattern term subtracts the numbers it matched: right in Calc, and zero in
  the engines that never match numbers so (Excel, Gnumeric);
- a row counts when its date falls in the year and its name cell (campaign...) is not empty:
  totals rows ("Total: Account", Meta's summary row) have no date or no name;
- text in a number column is counted, not read, and said (status line and warning).
"""
import re

from kpitools.sheet.addresses import col_name
from kpitools.templates import import_headers as H
from kpitools.templates.engine import Fn, Name, Op, Ref, Rng, Slice

ROWS, COLS, HEAD_ROWS = 10000, 200, 10  # the part of an import sheet read: A1:GR10000
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

TEXTS = {
    "en": dict(
        paste="Paste your {name} export here, in cell A1",
        steps=["Export: {export}.",
               "Open the CSV file in LibreOffice (Text Import: the defaults are fine), select all (Ctrl+A),",
               "copy, come back here, select cell A1 and paste (Ctrl+V), title lines and all, over these lines.",
               "Columns are found by their headers: any order, extra columns ignored (see the Imports sheet).",
               "{replace}",
               "To go back to the typed figures, delete this sheet's contents."],
        replace_dash="A month found here replaces that month's typed figures of its channel in the Data sheet.",
        replace_email="Its campaigns replace the typed ones of the Campaigns sheet in the report.",
        imports="Imports", title="Imports: the columns found in your exports",
        notes=["Each platform's export is pasted into its own sheet. Columns are found by their header names in "
               "the first 10 rows, in any order; extra columns are ignored.",
               "Blue cells: the header names recognised, tried in order (add your own; * stands for any text). "
               "Where each comes from: KPI ▸ Function reference, page \u201cImport headers\u201d."],
        year="Year read from the exports", sheet="Import sheet", feeds="Feeds the channel", status="Status",
        figure="Figure", column="Column found", header="Header read", names="Header names", header_row="Header row",
        in_use="In use", text_dates="Texts in the date column", in_export="Campaigns", month="Month",
        rows="Rows read", used="Used (month no.)", total="Total read",
        text_cells="Text cells not counted", not_read="Rows not read", warning="Warning", none="—",
        dates_title="How dates are read: a month matches real dates from ... to before ..., and texts like these",
        from_="From", before="Before", iso="ISO text", us="Month first", us0="Month first (0)",
        year_row="Year", head_rows="How the header row is found: rows 1-10 of each import sheet, 1 where a key "
                                   "header is",
        row_k="Row {k}",
        no_export="No export pasted.",
        no_header="No header row found in rows 1-10 (none of the blue date names): the export is not used.",
        no_required="Not used: no column for {what} (header names: see below).",
        no_header_email="No header row found in rows 1-10 (none of the blue names of the e-mails sent): the "
                        "export is not used.",
        read="Read: {n} rows, {span} {year} into {channel}.", not_read_rows=" Not read: {n} rows (totals, other "
             "years, dates not understood).", no_rows="No row dated {year}: nothing read.",
        missing=" Not in the export, typed figures kept: {what}.",
        no_channel="Not used: the channel {channel} it feeds (Imports sheet, blue) is not in the Data sheet.",
        too_long="The export is longer than 10,000 rows: the rows below are not read (export by week or month).",
        text_warn="Cells of text in number columns, not counted: {n}. Make them numbers.",
        from_imports="Figures read from the exports: {what} (the other months and channels as typed in Data).",
        from_email="Campaigns read from the export pasted into {sheet}: {n}.",
        campaigns_read="Read: {n} campaigns.", more="The export has {n} campaigns: the report lists the first {k}.",
        email_text="Cells of text in number columns: {n} (their campaigns' rates show #VALUE!).",
        campaign_rows="The campaigns read (the report's rows)", is_campaign="Campaign row", text_in_row="Text cells",
        doc_rules=[
            "The header row is the first of the sheet's rows 1–10 that holds a recognised date header (dashboard) "
            "or sent-e-mails header (e-mail report): title and account lines above it are skipped.",
            "Dashboard: a row is read when its date falls in the year set on the Imports sheet and its name "
            "cell (campaign, ad set…) is not empty; it counts in the month of that date (a week in the month it "
            "starts). Totals rows (`Total: Account`, Meta's summary row) have no date or no name and are not "
            "read.",
            "Dashboard: a month an export has replaces, in the Data sheet, the typed figures of the channel the "
            "import feeds, figure by figure: a figure the export lacks (customers from the CRM) stays as typed. "
            "The other months and the other channels (Display) keep their typed figures.",
            "Dashboard: an export without its date or cost column is not used (the typed figures stay) and "
            "the Dashboard says why; cells of text in number columns (`€1,234.50`, `12.5` in a French Calc) "
            "are not counted and the Dashboard says how many; `--` counts as empty.",
            "E-mail report: when the import has its required columns, its campaigns (the first 12 rows below "
            "the header with a number of e-mails sent and a name not starting with `Total`) replace the typed "
            "ones of the Campaigns sheet; a text cell among a campaign's figures shows as it is and that "
            "campaign's rates show `#VALUE!`.",
            "An empty import sheet, or its instructions left as they are, changes nothing."],
    ),
    "fr": dict(
        paste="Collez ici votre export {name}, en cellule A1",
        steps=["Export : {export}.",
               "Ouvrez le CSV dans LibreOffice (Import de texte : les réglages par défaut conviennent),",
               "sélectionnez tout (Ctrl+A), copiez, revenez ici, sélectionnez A1 et collez (Ctrl+V).",
               "Les colonnes sont trouvées par leur en-tête : ordre libre, colonnes en trop ignorées "
               "(feuille Imports).",
               "{replace}",
               "Pour revenir aux chiffres saisis, effacez le contenu de cette feuille."],
        replace_dash="Un mois trouvé ici remplace les chiffres saisis de ce mois pour son canal (feuille Données).",
        replace_email="Ses campagnes remplacent, dans le bilan, celles saisies dans la feuille Campagnes.",
        imports="Imports", title="Imports : les colonnes trouvées dans vos exports",
        notes=["Chaque export se colle dans sa propre feuille. Les colonnes sont trouvées par leur en-tête dans les "
               "10 premières lignes, dans n'importe quel ordre ; les colonnes en trop sont ignorées.",
               "Cellules bleues : les en-têtes reconnus, essayés dans l'ordre (ajoutez les vôtres ; * remplace "
               "n'importe quel texte). D'où vient chacun : KPI ▸ Référence des fonctions, page « En-têtes d'import »."],
        year="Année lue dans les exports", sheet="Feuille d'import", feeds="Alimente le canal", status="État",
        figure="Chiffre", column="Colonne trouvée", header="En-tête lu", names="En-têtes reconnus",
        header_row="Ligne d'en-tête", in_use="Utilisé", text_dates="Textes dans la colonne des dates",
        in_export="Campagnes",
        month="Mois", rows="Lignes lues", used="Utilisé (n° du mois)",
        total="Total lu", text_cells="Cellules texte non comptées", not_read="Lignes non lues",
        warning="Alerte", none="—",
        dates_title="Lecture des dates : un mois retient les vraies dates de ... à avant ..., et les textes comme "
                    "ceux-ci",
        from_="Du", before="Avant le", iso="Texte ISO", us="Mois d'abord", us0="Mois d'abord (0)",
        year_row="Année", head_rows="Recherche de la ligne d'en-tête : lignes 1 à 10 de chaque feuille d'import, "
                                    "1 là où se trouve un en-tête clé",
        row_k="Ligne {k}",
        no_export="Aucun export collé.",
        no_header="Aucune ligne d'en-tête dans les lignes 1 à 10 (aucun des noms de date en bleu) : export non "
                  "utilisé.",
        no_required="Non utilisé : pas de colonne {what} (en-têtes reconnus : voir plus bas).",
        no_header_email="Aucune ligne d'en-tête dans les lignes 1 à 10 (aucun des noms en bleu des e-mails "
                        "envoyés) : export non utilisé.",
        read="Lu : {n} lignes, {span} {year}, pour {channel}.", not_read_rows=" Non lues : {n} lignes (totaux, "
             "autres années, dates non comprises).", no_rows="Aucune ligne datée de {year} : rien n'est lu.",
        missing=" Absent de l'export, chiffres saisis conservés : {what}.",
        no_channel="Non utilisé : le canal {channel} qu'il alimente (feuille Imports, en bleu) n'est pas dans la "
                   "feuille Données.",
        too_long="L'export dépasse 10 000 lignes : les lignes suivantes ne sont pas lues (exportez par semaine ou "
                 "par mois).",
        text_warn="Cellules de texte dans des colonnes de nombres, non comptées : {n}. Convertissez-les en nombres.",
        from_imports="Chiffres lus dans les exports : {what} (les autres mois et canaux tels que saisis dans "
                     "Données).",
        from_email="Campagnes lues dans l'export collé dans {sheet} : {n}.",
        campaigns_read="Lu : {n} campagnes.", more="L'export compte {n} campagnes : le bilan liste les {k} "
                                                   "premières.",
        email_text="Cellules de texte dans des colonnes de nombres : {n} (les taux de leurs campagnes affichent "
                   "#VALEUR !).",
        campaign_rows="Les campagnes lues (les lignes du bilan)", is_campaign="Ligne de campagne",
        text_in_row="Cellules texte",
        doc_rules=[],
    ),
}


def _t(lang):
    return TEXTS[lang]


def block_of(sheet_name):
    return Rng("A1", f"{col_name(COLS - 1)}{ROWS}", sheet_name)


def paste_sheet(book, lang, platform, replace_key):
    """The sheet the export is pasted into: instructions in A1.., overwritten by the paste."""
    t = _t(lang)
    s = book.sheet(platform.sheet[lang], [2.6] * 7, printed=False)
    s.text("A1", t["paste"].format(name=platform.name), "title")
    s.row_height(1, 0.9)
    for i, line in enumerate(t["steps"]):
        s.text(f"A{i + 2}", line.format(export=platform.export[lang], replace=t[replace_key]), "note")
    return s


def letter(c):
    """The column letter(s) of column number c (1..COLS), in a formula."""
    tens = Fn("IF", Op(">", c, 26), Fn("MID", LETTERS, Fn("INT", Op("/", Op("-", c, 1), 26)), 1), "")
    return Op("&", tens, Fn("MID", LETTERS, Op("+", Fn("MOD", Op("-", c, 1), 26), 1), 1))


def first_match(slots, row):
    """The first of the header-name cells found in row (a Slice): its position, or 0."""
    expr = 0
    for slot in reversed(slots):
        expr = Fn("IFERROR", Fn("IF", Op("=", slot, ""), Fn("NA"), Fn("MATCH", slot, row, 0)), expr)
    return expr


def header_flag(X, k, slots):
    """1 when row k of the import sheet holds one of the key header names, else 0."""
    row = Slice(X, k, 1, k, COLS)
    total = None
    for slot in slots:
        term = Fn("IF", Op("=", slot, ""), 0, Fn("COUNTIF", row, slot))
        total = term if total is None else Op("+", total, term)
    return Fn("IF", Op(">", total, 0), 1, 0)



# The last note names where the header names come from: a link to that page of the reference
# inside the extension (org.kpifunctions:reference?page=import-headers), which a user has.
IMPORT_HEADERS_LINK = "org.kpifunctions:reference?page=import-headers"


def notes(s, lines):
    for i, line in enumerate(lines):
        if i == len(lines) - 1:
            s.link(f"A{2 + i}", line, IMPORT_HEADERS_LINK)
        else:
            s.text(f"A{2 + i}", line, "note")

class Mapping:
    """The figure table of one import on the Imports sheet: header names (blue), the column found
    for each figure and the header read there; the key figure finds the header row."""

    def __init__(self, s, lang, platform, figures, top, X, hr):
        t = _t(lang)
        self.X, self.hr, self.cols, self.slots = X, hr, {}, {}
        # The named expressions of this import (Name): its header row and its columns.
        self.home, self.prefix = s.name, re.sub(r"[^A-Za-z0-9]", "", platform.name)
        s.text(f"A{top}", t["figure"], "head_l")
        s.text(f"A{top + 1}", t["column"])
        s.text(f"A{top + 2}", t["header"])
        s.text(f"A{top + 3}", t["names"])
        # The header row (1-10) as CHOOSE among the ten rows, which every engine parses.
        rows = [Slice(X, k, 1, k, COLS) for k in range(1, HEAD_ROWS + 1)]
        hdr = Name(f"{self.prefix}_header", Fn("CHOOSE", hr, *rows), self.home)
        for j, fig in enumerate(figures):
            c = col_name(1 + j)
            s.text(f"{c}{top}", H.FIGURE_LABELS[lang][fig], "head")
            names = H.names(platform, fig)
            self.slots[fig] = [Ref(f"{c}{top + 3 + i}") for i in range(H.SLOTS)]
            for i in range(H.SLOTS):
                if i < len(names):
                    s.text(f"{c}{top + 3 + i}", names[i], "in_wrap")
                else:
                    s.blank(f"{c}{top + 3 + i}", "in_wrap")
            col = Ref(f"{c}{top + 1}")
            s.formula(f"{c}{top + 1}", Fn("IF", Op("=", hr, 0), 0, first_match(self.slots[fig], hdr)), "out_int")
            self.cols[fig] = col
            s.formula(f"{c}{top + 2}", Fn("IF", Op("=", col, 0), t["none"],
                                          Op("&", Op("&", letter(col), ": "), Fn("INDEX", hdr, 1, col))), "wrap_small")
        # Three lines for the header read: Calc sizes a row for its wrapped text when the file opens, not
        # when a formula's result changes.
        s.row_height(top + 2, 1.15)

    def column(self, c, label):
        """The cells below the header row in column number c (a formula), down to the last row read: a
        named expression (label: its name after the platform's)."""
        return Name(f"{self.prefix}_{label}", Slice(self.X, Op("+", self.hr, 1), c, ROWS, c), self.home)


def header_rows(s, lang, top, items):
    """The table finding each import's header row: rows 1-10 of each import sheet, 1 where one of its key
    header names is. items: [(X, key slots, column label)]; returns each header-row formula (0: none)."""
    t = _t(lang)
    s.text(f"A{top}", t["head_rows"], "section")
    out = []
    for j, (X, slots, label) in enumerate(items):
        c = col_name(1 + j)
        s.text(f"{c}{top + 1}", label, "head")
        for k in range(1, HEAD_ROWS + 1):
            s.formula(f"{c}{top + 1 + k}", header_flag(X, k, slots), "out_int")
        out.append(Fn("IFERROR", Fn("MATCH", 1, Rng(f"{c}{top + 2}", f"{c}{top + 1 + HEAD_ROWS}"), 0), 0))
    s.text(f"A{top + 1}", t["sheet"], "head_l")
    for k in range(1, HEAD_ROWS + 1):
        s.text(f"A{top + 1 + k}", t["row_k"].format(k=k))
    return out


def join(pieces):
    """Concatenates formula pieces (texts or formulas) left to right."""
    expr = pieces[0]
    for p in pieces[1:]:
        expr = Op("&", expr, p)
    return expr


def fill(template, **parts):
    """A TEXTS line with {placeholders} as a formula: the literal text around formula parts."""
    pieces, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        if m.start() > pos:
            pieces.append(template[pos:m.start()])
        pieces.append(parts[m.group(1)])
        pos = m.end()
    if pos < len(template):
        pieces.append(template[pos:])
    return join(pieces) if len(pieces) > 1 else pieces[0]


def listing(items):
    """', '-separated labels of the items whose condition holds: [(condition, label)] -> formula."""
    body = join([Fn("IF", cond, Op("&", ", ", label), "") for cond, label in items])
    return Fn("MID", body, 3, 999)


# ------------------------------------------------------------------ the dashboard's imports
def dated(terms, D, N, low, high, patterns, txt):
    """COUNTIFS/SUMIFS over the rows dated low..high (excluded) with a name: real dates by value, text
    dates by each pattern cell, minus the numbers Calc matched by their displayed text (see the module's
    doc). terms(pairs) makes one COUNTIFS or SUMIFS call from criteria pairs."""
    expr = terms([D, Op("&", ">=", low), D, Op("&", "<", high), N, "<>"])
    text = None
    for p in patterns:
        part = Op("-", terms([D, p, N, "<>"]), terms([D, p, N, "<>", D, ">=0"]))
        text = part if text is None else Op("+", text, part)
    if text is None:
        return expr
    return Op("+", expr, Fn("IF", Op(">", txt, 0), text, 0))


def text_cells(V, D, N, low, high, patterns, txt):
    """Cells of V that are text (not a number, not empty, not Google's '--') in the rows dated low..high."""
    def count(pairs):
        pairs = list(pairs)
        return Op("-", Op("-", Op("-", Fn("COUNTIFS", V, "<>", *pairs), Fn("COUNTIFS", V, ">=0", *pairs)),
                          Fn("COUNTIFS", V, "<0", *pairs)), Fn("COUNTIFS", V, "--", *pairs))
    return dated(count, D, N, low, high, patterns, txt)


class DashboardImports:
    """The Imports sheet of the dashboard: a status line, a figure table and a month table per
    platform (import_headers.DASHBOARD), the dates each month reads, and the header-row finder."""
    STATUS, FIRST, BLOCK = 7, 11, 30
    FIGS = H.DASHBOARD_FIGURES  # B..I of the figure table; cost..revenue are D..I in both tables

    def __init__(self, book, lang, months, channels, data_channels, year=2025):
        """data_channels: the Data sheet's channel column, where each import's channel must be found."""
        t = self.t = _t(lang)
        self.lang, self.months, self.data_channels = lang, months, data_channels
        s = self.s = book.sheet(t["imports"], [5.4, 3.0] + [2.7] * 7, landscape=True, printed=False)
        self.name = s.name
        s.text("A1", t["title"], "title")
        s.row_height(1, 0.9)
        notes(s, t["notes"])
        s.text("A4", t["year"], "label")
        s.num("B4", year, "in_year")
        self.year = Ref("B4")
        s.text(f"A{self.STATUS - 1}", t["sheet"], "head_l")
        s.text(f"B{self.STATUS - 1}", t["feeds"], "head")
        s.text(f"C{self.STATUS - 1}", t["status"], "head_l")
        n = len(H.DASHBOARD)
        self.dates_top = self.FIRST + n * self.BLOCK
        self._dates_table()
        heads_top = self.dates_top + 16
        self.warnings, self.infos = [], []
        blocks = []
        for p, plat in enumerate(H.DASHBOARD):
            r = self.STATUS + p
            s.text(f"A{r}", plat.sheet[lang], "label")
            s.text(f"B{r}", channels[plat.channel], "label_in")
            blocks.append(self._block(book, p, plat, Ref(f"B{r}")))
        hrs = header_rows(s, lang, heads_top, [(b["X"], b["map"].slots["date"], b["plat"].sheet[lang]) for b in blocks])
        for b, hr in zip(blocks, hrs):
            s.formula(f"B{b['top'] + 1}", hr, "out_int")
        top, bottom = self.FIRST, self.FIRST + n * self.BLOCK - 1
        I = lambda c: Rng(f"{c}{top}", f"{c}{bottom}", self.name)  # noqa: E731
        self.channels = Rng(f"B{self.STATUS}", f"B{self.STATUS + n - 1}", self.name)
        self.sheets = Rng(f"A{self.STATUS}", f"A{self.STATUS + n - 1}", self.name)
        self.month_labels = Rng(f"A{top + 13}", f"A{top + 24}", self.name)
        self.used = I("C")
        self.figures = {f: I(col_name(3 + j)) for j, f in enumerate(self.FIGS[2:])}

    def index(self, p, m):
        """The row of platform p and month m (1-based, formulas) in self.used and self.figures."""
        return Op("+", Op("*", Op("-", p, 1), self.BLOCK), Op("+", 13, m))

    def _dates_table(self):
        s, t, d = self.s, self.t, self.dates_top
        s.text(f"A{d}", t["dates_title"], "section")
        for i, h in enumerate([t["month"], t["from_"], t["before"], t["iso"], t["us"], t["us0"]]):
            s.text(f"{col_name(i)}{d + 1}", h, "head_l" if i == 0 else "head")
        Y = self.year
        for m in range(13):
            r = d + 2 + m
            if m < 12:
                s.text(f"A{r}", self.months[m])
                s.formula(f"B{r}", Fn("DATE", Y, m + 1, 1), "out_day")
                s.formula(f"C{r}", Fn("DATE", Y, m + 2, 1), "out_day")
                s.formula(f"D{r}", Op("&", Op("&", Y, f"-{m + 1:02d}"), "*"), "label")
                s.formula(f"E{r}", Op("&", f"{m + 1}/*/", Op("&", Y, "*")), "label")
                if m < 9:
                    s.formula(f"F{r}", Op("&", f"{m + 1:02d}/*/", Op("&", Y, "*")), "label")
            else:
                s.text(f"A{r}", t["year_row"], "label_tot")
                s.formula(f"B{r}", Fn("DATE", Y, 1, 1), "tot_day")
                s.formula(f"C{r}", Fn("DATE", Op("+", Y, 1), 1, 1), "tot_day")
                s.formula(f"D{r}", Op("&", Y, "-*"), "label_tot")
                s.formula(f"E{r}", Op("&", "*/*/", Op("&", Y, "*")), "label_tot")

    def _patterns(self, plat, m):
        """The text-date pattern cells a platform reads for month m (0-based; 12: the whole year)."""
        r = self.dates_top + 2 + m
        cols = {"iso": ["D"], "us": ["E"] + (["F"] if m < 9 else [])}
        return [Ref(f"{c}{r}") for form in plat.date_texts for c in cols[form]]

    def _block(self, book, p, plat, channel):
        s, t, lang = self.s, self.t, self.lang
        top = self.FIRST + p * self.BLOCK
        X = block_of(plat.sheet[lang])
        s.text(f"A{top}", f"{plat.name}: {plat.sheet[lang]}", "section")
        hr, usable, txt = Ref(f"B{top + 1}"), Ref(f"D{top + 1}"), Ref(f"F{top + 1}")
        s.text(f"A{top + 1}", t["header_row"])
        s.text(f"C{top + 1}", t["in_use"], "wrap")
        s.text(f"E{top + 1}", t["text_dates"], "wrap")
        mp = Mapping(s, lang, plat, self.FIGS, top + 2, X, hr)
        c = mp.cols
        s.formula(f"D{top + 1}", Fn("IF", Fn("AND", Op(">", hr, 0), Op(">", c["date"], 0), Op(">", c["cost"], 0)),
                                    1, 0), "out_int")
        D = mp.column(c["date"], "date")
        N = mp.column(Fn("IF", Op(">", c["name"], 0), c["name"], c["date"]), "name")
        s.formula(f"F{top + 1}", Fn("IF", Op("=", usable, 1),
                                    Op("-", Fn("COUNTIFS", D, "?*"), Fn("COUNTIFS", D, "?*", D, ">=0")), 0), "out_int")
        mt = top + 12
        for i, h in enumerate([t["month"], t["rows"], t["used"]] + [H.FIGURE_LABELS[lang][f] for f in self.FIGS[2:]]):
            s.text(f"{col_name(i)}{mt}", h, "head_l" if i == 0 else "head")
        d = self.dates_top + 2
        for m in range(12):
            r = mt + 1 + m
            low, high, pats = Ref(f"B{d + m}"), Ref(f"C{d + m}"), self._patterns(plat, m)
            s.text(f"A{r}", self.months[m])
            s.formula(f"B{r}", Fn("IF", Op("=", usable, 1),
                                  dated(lambda pairs: Fn("COUNTIFS", *pairs), D, N, low, high, pats, txt), 0),
                      "out_int")
            s.formula(f"C{r}", Fn("IF", Op(">", Ref(f"B{r}"), 0), m + 1, ""), "out_int")
            for j, f in enumerate(self.FIGS[2:]):
                V = mp.column(c[f], f)
                s.formula(f"{col_name(3 + j)}{r}", Fn("IF", Fn("OR", Op("=", Ref(f"C{r}"), ""), Op("=", c[f], 0)), "",
                          dated(lambda pairs, V=V: Fn("SUMIFS", V, *pairs), D, N, low, high, pats, txt)),
                          "out_money" if f in ("cost", "revenue") else "out_int")
        tr = mt + 13
        s.text(f"A{tr}", t["total"], "label_tot")
        s.formula(f"B{tr}", Fn("SUM", Rng(f"B{mt + 1}", f"B{mt + 12}")), "tot_int")
        low, high, pats = Ref(f"B{d + 12}"), Ref(f"C{d + 12}"), self._patterns(plat, 12)
        s.text(f"A{tr + 1}", t["text_cells"])
        s.text(f"A{tr + 2}", t["not_read"])
        for j, f in enumerate(self.FIGS[2:]):
            col = col_name(3 + j)
            s.formula(f"{col}{tr}", Fn("IF", Op("=", c[f], 0), "", Fn("SUM", Rng(f"{col}{mt + 1}", f"{col}{mt + 12}"))),
                      "tot_money" if f in ("cost", "revenue") else "tot_int")
            s.formula(f"{col}{tr + 1}", Fn("IF", Fn("OR", Op("<>", usable, 1), Op("=", c[f], 0)), 0,
                                           text_cells(mp.column(c[f], f), D, N, low, high, pats, txt)), "out_int")
        rows_read, text_total = Ref(f"B{tr}"), Fn("SUM", Rng(f"D{tr + 1}", f"I{tr + 1}"))
        s.formula(f"B{tr + 2}", Fn("IF", Op("=", usable, 1),
                                   Op("-", Fn("COUNTIFS", D, "<>", N, "<>"), rows_read), 0), "out_int")
        pasted = Fn("AND", Op("<>", Ref("A1", plat.sheet[lang]), t["paste"].format(name=plat.name)),
                    Op(">", Fn("COUNTA", Slice(X, 1, 1, HEAD_ROWS, COLS)), 0))
        labels = H.FIGURE_LABELS[lang]
        missing_req = listing([(Op("=", c[f], 0), labels[f]) for f in H.REQUIRED["dashboard"]])
        beyond = Rng(f"A{ROWS + 1}", f"{col_name(COLS - 1)}{ROWS + 1}", plat.sheet[lang])  # the first row not read
        warn = Fn("IF", Op("=", hr, 0), Fn("IF", pasted, t["no_header"], ""),
                  Fn("IF", Op("<>", usable, 1), fill(t["no_required"], what=missing_req),
                     Fn("IF", Op("=", rows_read, 0), fill(t["no_rows"], year=self.year),
                     Fn("IF", Op("=", Fn("COUNTIF", self.data_channels, channel), 0),
                        fill(t["no_channel"], channel=channel),
                        Fn("TRIM", join([Fn("IF", Op(">", text_total, 0), fill(t["text_warn"], n=text_total), ""),
                                         " ", Fn("IF", Op(">", Fn("COUNTA", beyond), 0), t["too_long"], "")]))))))
        s.text(f"A{tr + 3}", t["warning"])
        s.formula(f"B{tr + 3}", warn, "warn")
        w = Ref(f"B{tr + 3}")
        span = self._span(mt)
        optional = [f for f in self.FIGS[3:]]
        info = join([fill(t["read"], n=rows_read, span=span, year=self.year, channel=channel),
                     Fn("IF", Op(">", Ref(f"B{tr + 2}"), 0), fill(t["not_read_rows"], n=Ref(f"B{tr + 2}")), ""),
                     Fn("IF", Fn("OR", *[Op("=", c[f], 0) for f in optional]),
                        fill(t["missing"], what=listing([(Op("=", c[f], 0), labels[f]) for f in optional])), "")])
        status = Fn("IF", Fn("AND", Op("=", usable, 1), Op(">", rows_read, 0)),
                    Op("&", info, Fn("IF", Op("<>", w, ""), Op("&", " ⚠ ", w), "")),
                    Fn("IF", Op("<>", w, ""), Op("&", "⚠ ", w), t["no_export"]))
        s.formula(f"C{self.STATUS + p}", status, "label")
        self.infos.append((Fn("AND", Op("=", Ref(f"D{top + 1}", self.name), 1), Op(">", Ref(f"B{tr}", self.name), 0),
                              Op(">", Fn("COUNTIF", self.data_channels, Ref(f"B{self.STATUS + p}", self.name)), 0)),
                           join([Ref(f"B{self.STATUS + p}", self.name), " ", self._span(mt, self.name)])))
        self.warnings.append(Fn("IF", Op("<>", Ref(f"B{tr + 3}", self.name), ""),
                                join([plat.sheet[lang] + ": ", Ref(f"B{tr + 3}", self.name), " "]), ""))
        return dict(X=X, map=mp, plat=plat, top=top)

    def _span(self, mt, sheet=None):
        """'Jan–Mar': the first and last months an import has (its month table heads row mt)."""
        used, mrange = Rng(f"C{mt + 1}", f"C{mt + 12}", sheet), Rng(f"A{mt + 1}", f"A{mt + 12}", sheet)
        first, last = Fn("MIN", used), Fn("MAX", used)
        return Op("&", Fn("INDEX", mrange, first), Fn("IF", Op("=", first, last), "",
                                                     Op("&", "–", Fn("INDEX", mrange, last))))

    def warning(self):
        """The Dashboard's warning line: every import that could not be read as it is, and why."""
        return join(self.warnings)

    def info(self):
        """The Dashboard's line saying which channels and months come from the imports ("" if none)."""
        return Fn("IF", Fn("OR", *[cond for cond, _ in self.infos]),
                  fill(self.t["from_imports"], what=listing(self.infos)), "")


# ------------------------------------------------------------------ the e-mail report's import
class EmailImports:
    """The Imports sheet of the e-mail report: the figure table, and the campaigns read (the first
    `rows` rows below the header with a number sent and a name not starting with "total"), which the
    report lists instead of the typed campaigns when the import is usable."""
    FIGS = H.EMAIL_FIGURES  # B..J of the figure table
    REPORT = ["sent", "delivered", "opens", "clicks", "unsubscribes", "bounces"]  # B..G of the campaign rows

    def __init__(self, book, lang, rows):
        t = self.t = _t(lang)
        plat = H.EMAIL
        # F and G hold "Unsubscribes" / "Désinscriptions" on one line (wrapped cells break no word).
        s = self.s = book.sheet(t["imports"], [3.6] + [2.6] * 4 + [3.3, 3.3] + [2.6] * 3, landscape=True,
                                printed=False)
        self.name = s.name
        s.text("A1", t["title"], "title")
        s.row_height(1, 0.9)
        notes(s, t["notes"])
        s.text("A5", t["sheet"], "head_l")
        s.text("B5", t["status"], "head_l")
        s.text("A6", plat.sheet[lang], "label")
        X = block_of(plat.sheet[lang])
        hr, usable, n_all = Ref("B17"), Ref("D17"), Ref("F17")
        mp = Mapping(s, lang, plat, self.FIGS, 8, X, hr)
        c = mp.cols
        s.text("A17", t["header_row"])
        s.text("C17", t["in_use"], "wrap")
        s.text("E17", t["in_export"], "wrap")
        labels = H.FIGURE_LABELS[lang]
        req = H.REQUIRED["email"]
        bounces_ok = Fn("OR", Op(">", c["bounces"], 0), Fn("AND", Op(">", c["hard_bounces"], 0),
                                                              Op(">", c["soft_bounces"], 0)))
        s.formula("D17", Fn("IF", Fn("AND", Op(">", hr, 0), *[Op(">", c[f], 0) for f in req], bounces_ok), 1, 0),
                  "out_int")
        sent, name = mp.column(c["sent"], "sent"), mp.column(c["campaign"], "campaign")
        s.formula("F17", Fn("IF", Op("=", usable, 1),
                            Op("-", Op("+", Fn("COUNTIFS", sent, ">=0", name, "<>"),
                                       Fn("COUNTIFS", sent, "<0", name, "<>")),
                               Fn("COUNTIFS", sent, ">=0", name, "total*")), 0), "out_int")
        # The campaigns read: row k of the report is the k-th row below the header.
        top = 20
        s.text(f"A{top}", t["campaign_rows"], "section")
        heads = [labels["campaign"]] + [labels[f] for f in self.REPORT] + [t["text_in_row"], t["is_campaign"]]
        for i, h in enumerate(heads):
            s.text(f"{col_name(i)}{top + 1}", h, "head_l" if i == 0 else "head")
        self.first = top + 2
        # The rows a campaign row can be on (the header is in rows 1-10), not the whole sheet: an
        # engine that builds each range it reads (HyperFormula) would build 2,000,000 cells per cell.
        top_rows = Rng("A1", f"{col_name(COLS - 1)}{HEAD_ROWS + rows}", plat.sheet[lang])
        for k in range(1, rows + 1):
            r = top + 1 + k
            at = lambda col: Fn("INDEX", top_rows, Op("+", hr, k), col)  # noqa: E731
            is_row = Fn("AND", Fn("ISNUMBER", at(c["sent"])), Op("<>", at(c["campaign"]), ""),
                        Op("<>", Fn("LEFT", Fn("LOWER", at(c["campaign"])), 5), "total"))
            s.formula(f"I{r}", Fn("IF", Op("=", usable, 1), Fn("IF", is_row, 1, 0), 0), "out_int")
            ok = Op("=", Ref(f"I{r}"), 1)
            s.formula(f"A{r}", Fn("IF", ok, at(c["campaign"]), ""), "label")
            for j, f in enumerate(self.REPORT):
                value = at(c[f]) if f != "bounces" else Fn(
                    "IF", Op(">", c["bounces"], 0), at(c["bounces"]),
                    Op("+", at(c["hard_bounces"]), at(c["soft_bounces"])))
                s.formula(f"{col_name(1 + j)}{r}", Fn("IF", ok, value, ""), "out_int")
            texts = [Fn("IF", Fn("ISTEXT", Ref(f"{col_name(1 + j)}{r}")), 1, 0) for j in range(len(self.REPORT))]
            s.formula(f"H{r}", Fn("IF", ok, Fn("SUM", *texts), 0), "out_int")
        last = top + 1 + rows
        self.last = last
        shown = Fn("SUM", Rng(f"I{self.first}", f"I{last}"))
        text_total = Fn("SUM", Rng(f"H{self.first}", f"H{last}"))
        hrs = header_rows(s, lang, last + 2, [(X, mp.slots["sent"], plat.sheet[lang])])
        s.formula("B17", hrs[0], "out_int")
        pasted = Fn("AND", Op("<>", Ref("A1", plat.sheet[lang]), t["paste"].format(name=plat.name)),
                    Op(">", Fn("COUNTA", Slice(X, 1, 1, HEAD_ROWS, COLS)), 0))
        missing = listing([(Op("=", c[f], 0), labels[f]) for f in req] + [(Fn("NOT", bounces_ok), labels["bounces"])])
        warn = Fn("IF", Op("=", hr, 0), Fn("IF", pasted, t["no_header_email"], ""),
                  Fn("IF", Op("<>", usable, 1), fill(t["no_required"], what=missing),
                     Fn("TRIM", join([Fn("IF", Op(">", n_all, shown), fill(t["more"], n=n_all, k=rows), ""), " ",
                                      Fn("IF", Op(">", text_total, 0), fill(t["email_text"], n=text_total), "")]))))
        s.text("A18", t["warning"])
        s.formula("B18", warn, "warn")
        w = Ref("B18")
        s.formula("B6", Fn("IF", Op("=", usable, 1), Op("&", fill(t["campaigns_read"], n=shown),
                                                       Fn("IF", Op("<>", w, ""), Op("&", " ⚠ ", w), "")),
                           Fn("IF", Op("<>", w, ""), Op("&", "⚠ ", w), t["no_export"])), "label")
        self.usable = Ref("D17", self.name)
        self.info = Fn("IF", Op("=", self.usable, 1),
                       fill(t["from_email"], sheet=plat.sheet[lang],
                            n=Fn("SUM", Rng(f"I{self.first}", f"I{last}", self.name))), "")
        self.warning = Fn("IF", Op("<>", Ref("B18", self.name), ""),
                          join([plat.sheet[lang] + ": ", Ref("B18", self.name)]), "")

    def cell(self, col, k):
        """The campaign row k (1-based) of the import, column col (A name, B..G figures)."""
        return Ref(f"{col}{self.first + k - 1}", self.name)
