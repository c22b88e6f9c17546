"""Paste your export (issue 13, item 5), in real Calc.

Each sample export of examples/exports/ is loaded with LibreOffice's CSV filter as a user opens it
(the Text Import defaults: comma, UTF-8, dates detected only when ISO), and its cells, with their
number formats, are put into the import sheet of a template started from the built .ots
(setDataArray: what a copy and paste of the whole sheet gives). After recalculation the Dashboard
(or the e-mail report) must show the figures this test computes itself from the CSV file with
Python's csv module and its own reading of each platform's columns (SAMPLES below: the header of
each figure, the date format, the decimal separator; not the template's header table): the months
an export has replace the typed figures of its channel, figure by figure, the other rows stay typed.

Then the same exports with their columns shuffled and a column added; LinkedIn's dates read as dates
(Detect special numbers) instead of text; an empty import (nothing changes); malformed exports: the
cost or opens column missing (the typed figures stay and a red line says why), text in number cells
(not counted, and the Dashboard says how many; in the e-mail report that campaign's rates show
#VALUE!), a paste without a recognised header row, an export longer than the 10,000 rows read, an
export of 14 campaigns (the first 12 listed, and said).
"""
import csv
import datetime
import os
import random
import sys
import tempfile

from harness import args_from_argv, Checker
from kpitools.office.session import Office, error_cells, file_url, props
from test_templates import close, listed_templates, read_source

# The test's own reading of each sample: the header row (1-based), the date column and its format,
# the row-name column, the decimal comma or point, and which column holds which figure.
SAMPLES = {
    "google-ads.csv": dict(head=3, date=("Week", "%Y-%m-%d"), name="Campaign", comma=False,
                           figures=dict(cost="Cost", impressions="Impr.", clicks="Clicks", leads="Conversions",
                                        revenue="Conv. value")),
    "google-ads-fr.csv": dict(head=3, date=("Semaine", "%Y-%m-%d"), name="Campagne", comma=True,
                              figures=dict(cost="Coût", impressions="Impr.", clicks="Clics", leads="Conversions",
                                           revenue="Valeur de conv.")),
    "meta-ads.csv": dict(head=1, date=("Reporting starts", "%Y-%m-%d"), name="Campaign name", comma=False,
                         figures=dict(cost="Amount spent (EUR)", impressions="Impressions", clicks="Link clicks",
                                      leads="Leads", customers="Purchases", revenue="Purchases conversion value")),
    "meta-ads-fr.csv": dict(head=1, date=("Début des rapports", "%Y-%m-%d"), name="Nom de la campagne", comma=True,
                            figures=dict(cost="Montant dépensé (EUR)", impressions="Impressions",
                                         clicks="Clics sur un lien", leads="Prospects", customers="Achats",
                                         revenue="Valeur de conversion des achats")),
    "linkedin.csv": dict(head=7, date=("Start Date (in UTC)", "%m/%d/%Y"), name="Campaign Name", comma=False,
                         figures=dict(cost="Total Spent", impressions="Impressions", clicks="Clicks", leads="Leads",
                                      revenue="Total Conversion Value")),
    "mailchimp.csv": dict(head=1, name="Title", comma=False,
                          figures=dict(sent="Total Recipients", delivered="Successful Deliveries",
                                       opens="Unique Opens", clicks="Unique Clicks", unsub="Unsubscribes",
                                       bounces=("Total Bounces",))),
    "brevo.csv": dict(head=1, name="Campaign name", comma=False,
                      figures=dict(sent="Sent", delivered="Delivered", opens="Unique opens", clicks="Unique clicks",
                                   unsub="Unsubscribed", bounces=("Hard bounces", "Soft bounces"))),
    "brevo-fr.csv": dict(head=1, name="Nom de la campagne", comma=True,
                         figures=dict(sent="Envoyés", delivered="Délivrés", opens="Ouvertures uniques",
                                      clicks="Clics uniques", unsub="Désinscriptions",
                                      bounces=("Hard bounces", "Soft bounces"))),
}
DASH_FIGS = ["cost", "impressions", "clicks", "leads", "customers", "revenue"]
MAIL_FIGS = ["sent", "delivered", "opens", "clicks", "unsub", "bounces"]
YEAR = 2025
EN, FR = 1033, 1036  # the CSV filter's language: how numbers and dates are read


# ------------------------------------------------------------------ the test's own reading of a CSV
def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def number(text, comma):
    """A number as the export writes it; None for text that is not one (the template does not count it)."""
    text = text.strip()
    if text in ("", "--"):
        return 0.0
    try:
        return float(text.replace(",", ".") if comma else text)
    except ValueError:
        return None


def monthly(path, spec):
    """{month 1..12: {figure: sum}} of the rows dated in YEAR with a name; unreadable dates (totals) skipped."""
    rows = rows_of(path)
    head = rows[spec["head"] - 1]
    col = {h: i for i, h in enumerate(head)}
    out = {}
    for row in rows[spec["head"]:]:
        if len(row) < len(head):
            continue
        try:
            day = datetime.datetime.strptime(row[col[spec["date"][0]]], spec["date"][1])
        except ValueError:
            continue  # "Total: Account"
        if day.year != YEAR or not row[col[spec["name"]]].strip():
            continue  # another year; Meta's summary row (no campaign name)
        month = out.setdefault(day.month, {f: 0.0 for f in spec["figures"]})
        for f, h in spec["figures"].items():
            if h in col:
                month[f] += number(row[col[h]], spec["comma"]) or 0.0  # a text cell is not counted
    return out


def campaigns(path, spec):
    """[(name, {figure: value})] of the campaign rows, in the export's order."""
    rows = rows_of(path)
    head = rows[spec["head"] - 1]
    col = {h: i for i, h in enumerate(head)}
    out = []
    for row in rows[spec["head"]:]:
        if not row or not row[col[spec["name"]]].strip():
            continue
        figs = {}
        for f, h in spec["figures"].items():
            figs[f] = sum(number(row[col[x]], spec["comma"]) for x in h) if isinstance(h, tuple) else \
                number(row[col[h]], spec["comma"])
        out.append((row[col[spec["name"]]], figs))
    return out


def variant(path, out_dir, seed, drop=None, texts=(), more=0):
    """A copy of the CSV file with its columns shuffled (the lines above the header row kept) and a column
    added; drop: a header removed; texts: {(data row, header): text} cells made text; more: that many data
    rows repeated at the end (a longer export)."""
    spec = SAMPLES[os.path.basename(path)]
    rows = rows_of(path)
    h = spec["head"] - 1
    head, body = rows[h], rows[h + 1:]
    rng = random.Random(seed)
    order = [i for i, name in enumerate(head) if name != drop]
    rng.shuffle(order)
    extra = rng.randrange(len(order) + 1)
    new_rows = []
    for k, row in enumerate([head] + body + body[:more]):
        cells = [row[i] if i < len(row) else "" for i in order]
        for (r, name), text in dict(texts).items():
            if r == k - 1:
                cells[[head[i] for i in order].index(name)] = text
        cells.insert(extra, "Notes" if k == 0 else rng.choice(["checked", "", "42", "to review"]))
        new_rows.append(cells)
    name = os.path.join(out_dir, f"{seed}-{os.path.basename(path)}")
    with open(name, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows[:h] + new_rows)
    return name


# ------------------------------------------------------------------ Calc side
def load_csv(office, path, lang, special=False):
    """The CSV file as Calc reads it: (values, {(row, col): number format string}) of its used area."""
    opts = f"44,34,76,1,,{lang},false,{'true' if special else 'false'}"
    doc = office.desktop.loadComponentFromURL(file_url(path), "_blank", 0,
                                              props(Hidden=True, FilterName="Text - txt - csv (StarCalc)",
                                                    FilterOptions=opts))
    try:
        sh = doc.Sheets.getByIndex(0)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        end = cur.getRangeAddress()
        area = sh.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
        data = area.getDataArray()
        formats = {}
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if isinstance(v, float):
                    key = sh.getCellByPosition(c, r).NumberFormat
                    if key:
                        formats[(r, c)] = doc.NumberFormats.getByKey(key).FormatString
        return data, formats
    finally:
        doc.close(True)


def clear(sheet):
    from com.sun.star.sheet.CellFlags import DATETIME, FORMULA, STRING, VALUE, HARDATTR
    sheet.getCellRangeByName("A1:GR10000").clearContents(VALUE | DATETIME | STRING | FORMULA | HARDATTR)


def paste(doc, sheet_name, loaded):
    """Puts the cells (and their number formats, as a paste keeps them) at A1 of the import sheet."""
    data, formats = loaded
    sh = doc.Sheets.getByName(sheet_name)
    clear(sh)
    width = max(len(r) for r in data)
    data = tuple(tuple(r) + ("",) * (width - len(r)) for r in data)
    sh.getCellRangeByPosition(0, 0, width - 1, len(data) - 1).setDataArray(data)
    from com.sun.star.lang import Locale
    nf = doc.NumberFormats
    for (r, c), fmt in formats.items():
        key = nf.queryKey(fmt, Locale(), False)
        if key == -1:
            key = nf.addNew(fmt, Locale())
        sh.getCellByPosition(c, r).NumberFormat = key


def grid(sh, c1, r1, c2, r2):
    return sh.getCellRangeByName(f"{c1}{r1}:{c2}{r2}").getDataArray()


def read_typed(doc):
    """The Data sheet's typed rows: [(month label, channel, [6 figures])], and the months' labels."""
    data, dash = doc.Sheets.getByIndex(1), doc.Sheets.getByIndex(0)
    months = [row[0] for row in grid(dash, "A", 17, "A", 28)]
    return [(row[0], row[1], list(row[2:8])) for row in grid(data, "A", 5, "H", 52)], months


def expected_dashboard(typed, months, imports):
    """Figures the Dashboard must show: per channel, per month, total (6 figures each) and the KPIs.
    imports: {channel: {month: {figure: sum}}} replacing the typed figures they have."""
    rows = []
    for label, channel, figs in typed:
        m = months.index(label) + 1
        got = imports.get(channel, {}).get(m)
        figs = [got[f] if got is not None and f in got else x for f, x in zip(DASH_FIGS, figs)]
        rows.append((label, channel, figs))
    channels = []
    for ch in dict.fromkeys(c for _, c, _ in rows):
        channels.append([sum(f[j] for _, c, f in rows if c == ch) for j in range(6)])
    by_month = [[sum(f[j] for l, _, f in rows if l == months[m]) for j in range(6)] for m in range(12)]
    total = [sum(x[j] for x in channels) for j in range(6)]
    return rows, channels, by_month, total


def kpis(f, margin):
    """The channel table's KPIs; the last is ROMI on the gross margin of the Dashboard's C6 (issue 24)."""
    cost, imp, clk, leads, cust, rev = f
    return [cost / clk, 1000 * cost / imp, clk / imp, cost / leads, cost / cust, rev / cost, rev * margin / cost - 1]


def check_dashboard(chk, label, doc, expect):
    rows, channels, by_month, total = expect
    dash, data = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    used = grid(data, "J", 5, "O", 52)
    bad = [(r[0], r[1], j) for r, u in zip(rows, used) for j in range(6) if not close(u[j], r[2][j])]
    chk.check(not bad, f"{label}: Data's used figures equal the typed ones replaced by the imports ({bad[:4]})")
    got = grid(dash, "B", 9, "N", 13)
    margin = dash.getCellRangeByName("C6").getValue()
    for i, want in enumerate(channels + [total]):
        cells = [got[i][j] for j in range(6)] + [got[i][6 + j] for j in range(7)]
        exp = want + kpis(want, margin)
        diff = [j for j in range(13) if not close(cells[j], exp[j])]
        chk.check(not diff, f"{label}: Dashboard row {9 + i} (channel/total): {cells} vs {exp}")
    months = grid(dash, "B", 17, "M", 29)
    diff = [m for m in range(12) if not all(close(months[m][j], by_month[m][j]) for j in range(6))
            or not close(months[m][9], by_month[m][0] / by_month[m][3])]
    chk.check(not diff, f"{label}: month rows (figures and CPL) as computed here: months {diff[:4]}")
    chk.check(close(months[12][9], total[0] / total[3]), f"{label}: total CPL of the month table")
    chk.check(not error_cells(doc), f"{label}: no error cell ({sorted(error_cells(doc))[:5]})")


def shown(doc):
    """Every value the Dashboard and Data sheets show, to compare before and after."""
    return [grid(doc.Sheets.getByIndex(0), "A", 1, "N", 31), grid(doc.Sheets.getByIndex(1), "I", 5, "O", 52)]


def start(office, listed, name):
    title, _ = read_source(os.path.join(SOURCE, "examples", "templates", name + ".fods"))
    doc = office.desktop.loadComponentFromURL(listed[title], "_blank", 0, props(Hidden=True, AsTemplate=True))
    doc.calculateAll()
    return doc


def text_of(doc, sheet, addr):
    return doc.Sheets.getByName(sheet).getCellRangeByName(addr).getString()


# ------------------------------------------------------------------ the dashboard
DASH_SHEETS = ["Import Google Ads", "Import Meta Ads", "Import LinkedIn Ads"]


def dashboard(chk, office, listed, name, samples, tmp):
    """samples: the CSV file (and the language Calc reads it in) of each import sheet."""
    doc = start(office, listed, name)
    try:
        typed, months = read_typed(doc)
        original = shown(doc)
        channels = [r[0] for r in grid(doc.Sheets.getByIndex(0), "A", 9, "A", 11)]  # Google Search, Meta, LinkedIn
        warn = lambda: doc.Sheets.getByIndex(0).getCellRangeByName("A3").getString()  # noqa: E731

        def run(label, files, special=False):
            """files: (CSV path, Calc's language, the sample it comes from) of each import sheet."""
            imports = {}
            for sheet, channel, (path, lang, base) in zip(DASH_SHEETS, channels, files):
                paste(doc, sheet, load_csv(office, path, lang, special and base == "linkedin.csv"))
                imports[channel] = monthly(path, SAMPLES[base])
            doc.calculateAll()
            check_dashboard(chk, f"{name} {label}", doc, expected_dashboard(typed, months, imports))

        files = [(os.path.join(EXPORTS, f), lang, f) for f, lang in samples]
        run("samples", files)
        chk.check(warn() == "", f"{name} samples: no warning on the Dashboard ({warn()!r})")
        status = [text_of(doc, "Imports", f"C{r}") for r in (7, 8, 9)]
        chk.check(all(s and "⚠" not in s for s in status), f"{name} samples: the Imports status lines {status}")
        run("shuffled columns and an extra column",
            [(variant(p, tmp, 11 + i), lang, base) for i, (p, lang, base) in enumerate(files)])
        run("LinkedIn's dates read as dates", files, special=True)

        for sheet in DASH_SHEETS:
            clear(doc.Sheets.getByName(sheet))
        doc.calculateAll()
        chk.check(shown(doc) == original, f"{name}: empty import sheets change nothing")

        # Malformed: no cost column (Google Ads), text in number cells (Meta), no header row (LinkedIn).
        google, meta, _ = files
        cost = SAMPLES[google[2]]["figures"]["cost"]
        meta_spec = SAMPLES[meta[2]]
        texts = {(1, meta_spec["figures"]["cost"]): "€1,234.50", (4, meta_spec["figures"]["clicks"]): "N/A"}
        bad_meta = variant(meta[0], tmp, 21, texts=texts)
        paste(doc, DASH_SHEETS[0], load_csv(office, variant(google[0], tmp, 22, drop=cost), google[1]))
        paste(doc, DASH_SHEETS[1], load_csv(office, bad_meta, meta[1]))
        paste(doc, DASH_SHEETS[2], load_csv(office, os.path.join(EXPORTS, "mailchimp.csv"), EN))
        doc.Sheets.getByName(DASH_SHEETS[1]).getCellRangeByName("A10001").setString("2025-03-31")  # a row not read
        doc.calculateAll()
        meta_months = monthly(bad_meta, meta_spec)
        check_dashboard(chk, f"{name} malformed", doc, expected_dashboard(typed, months, {channels[1]: meta_months}))
        w = warn()
        chk.check(DASH_SHEETS[0] in w and cost.split()[0] in text_of(doc, "Imports", "C7"),
                  f"{name}: no cost column: the Dashboard warns ({w!r}; status {text_of(doc, 'Imports', 'C7')!r})")
        meta_warn = w[w.find(DASH_SHEETS[1]):w.find(DASH_SHEETS[2])]
        chk.check(" 2." in meta_warn, f"{name}: two text cells in Meta's export: the Dashboard says so ({w!r})")
        chk.check("10,000" in meta_warn or "10 000" in meta_warn,
                  f"{name}: a row below the 10,000 read: the Dashboard says so ({meta_warn!r})")
        chk.check(DASH_SHEETS[2] in w, f"{name}: a paste without a header row: the Dashboard warns ({w!r})")

        # An import feeding a channel the Data sheet does not have is not used, and said.
        imports_sheet = doc.Sheets.getByName("Imports")
        paste(doc, DASH_SHEETS[0], load_csv(office, google[0], google[1]))
        imports_sheet.getCellRangeByName("B7").setString("Google Shopping")
        doc.calculateAll()
        check_dashboard(chk, f"{name} unknown channel", doc, expected_dashboard(typed, months, {channels[1]: meta_months}))
        chk.check("Google Shopping" in warn(), f"{name}: a channel not in Data: the Dashboard says so ({warn()!r})")
        imports_sheet.getCellRangeByName("B7").setString(channels[0])
    finally:
        doc.close(True)


# ------------------------------------------------------------------ the e-mail report
def check_email(chk, label, doc, want):
    """want: the 12 rows [(name, [sent, delivered, opens, clicks, unsub, bounces])], None for an empty row."""
    s = doc.Sheets.getByIndex(0)
    rows = grid(s, "A", 5, "L", 16)
    for k, w in enumerate(want):
        r = rows[k]
        if w is None:
            chk.check(all(x == "" for x in r), f"{label}: row {5 + k} shows nothing ({r})")
            continue
        name, f = w
        sent, deliv, opens, clicks, unsub, bounces = f
        exp = [sent, deliv, opens, clicks, unsub, bounces, opens / deliv, clicks / deliv, clicks / opens,
               unsub / deliv, bounces / sent]
        ok = r[0] == name and all(close(r[1 + j], exp[j]) for j in range(11))
        chk.check(ok, f"{label}: row {5 + k}: {r} vs {name} {exp}")
    filled = [w[1] for w in want if w is not None]
    t = [sum(x[j] for x in filled) for j in range(6)]
    tot = grid(s, "B", 17, "L", 17)[0]
    exp = t + [t[2] / t[1], t[3] / t[1], t[3] / t[2], t[4] / t[1], t[5] / t[0]]
    chk.check(all(close(tot[j], exp[j]) for j in range(11)), f"{label}: totals and overall rates {tot} vs {exp}")


def email(chk, office, listed, name, samples, tmp):
    doc = start(office, listed, name)
    try:
        s = doc.Sheets.getByIndex(0)
        original = grid(s, "A", 1, "L", 30)
        typed = [(r[0], list(r[1:7])) for r in grid(doc.Sheets.getByIndex(1), "A", 5, "G", 16)]
        sheet = doc.Sheets.getByIndex(2).Name
        warn = lambda: s.getCellRangeByName("A18").getString()  # noqa: E731

        def run(label, path, lang, base=None):
            paste(doc, sheet, load_csv(office, path, lang))
            doc.calculateAll()
            got = campaigns(path, SAMPLES[base or os.path.basename(path)])
            want = [(n, [f[x] for x in MAIL_FIGS]) for n, f in got[:12]] + [None] * (12 - len(got))
            check_email(chk, f"{name} {label}", doc, want)
            chk.check(not error_cells(doc), f"{name} {label}: no error cell ({sorted(error_cells(doc))[:4]})")
            return got

        for f, lang in samples:
            path = os.path.join(EXPORTS, f)
            run(f, path, lang)
            chk.check(warn() == "", f"{name} {f}: no warning ({warn()!r})")
            run(f + ", shuffled columns and an extra column", variant(path, tmp, 31), lang, base=f)
        clear(doc.Sheets.getByIndex(2))
        doc.calculateAll()
        chk.check(grid(s, "A", 1, "L", 30) == original, f"{name}: an empty import changes nothing")

        mailchimp = os.path.join(EXPORTS, "mailchimp.csv")
        paste(doc, sheet, load_csv(office, variant(mailchimp, tmp, 32, drop="Unique Opens"), EN))
        doc.calculateAll()
        check_email(chk, f"{name} without an opens column", doc, typed)
        chk.check(sheet in warn() and "⚠" in text_of(doc, "Imports", "B6"),
                  f"{name}: without an opens column the report warns ({warn()!r})")

        got = run("with 14 campaigns", variant(mailchimp, tmp, 33, more=6), EN, base="mailchimp.csv")
        chk.check(len(got) == 14 and "14" in warn(), f"{name}: 14 campaigns, 12 listed, and said ({warn()!r})")

        paste(doc, sheet, load_csv(office, variant(mailchimp, tmp, 34, texts={(2, "Unique Clicks"): "1 480"}), EN))
        doc.calculateAll()
        row = grid(s, "A", 7, "L", 7)[0]
        errors = error_cells(doc)
        own = sorted(k for k in errors if k.startswith(s.Name + "."))
        chk.check(row[4] == "1 480" and f"{s.Name}.I7" in errors and f"{s.Name}.J7" in errors
                  and f"{s.Name}.H7" not in errors,
                  f"{name}: a text cell among a campaign's clicks shows as it is and its click rates show an error "
                  f"({row[:5]}, errors {own[:6]})")
        chk.check(warn().startswith(f"{sheet}: ") and " 1 (" in warn(), f"{name}: the text cell is said ({warn()!r})")
    finally:
        doc.close(True)


SOURCE = EXPORTS = None


def main():
    global SOURCE, EXPORTS
    a = args_from_argv()
    SOURCE = a.source_dir
    EXPORTS = os.path.join(SOURCE, "examples", "exports")
    chk = Checker("calc.imports")
    os.makedirs(a.workdir, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kpi-imports-", dir=a.workdir) as tmp:
        with Office(oxt=a.oxt, workdir=a.workdir) as office:
            listed = listed_templates(office)
            dashboard(chk, office, listed, "campaign-dashboard-en", [("google-ads.csv", EN), ("meta-ads.csv", EN),
                                                                      ("linkedin.csv", EN)], tmp)
            dashboard(chk, office, listed, "campaign-dashboard-fr", [("google-ads-fr.csv", FR), ("meta-ads-fr.csv", FR),
                                                                      ("linkedin.csv", EN)], tmp)
            email(chk, office, listed, "email-programme", [("mailchimp.csv", EN), ("brevo.csv", EN)], tmp)
            email(chk, office, listed, "email-programme-fr", [("brevo-fr.csv", FR), ("mailchimp.csv", EN)], tmp)
            chk.check(office.alive(), "soffice still responds")
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
