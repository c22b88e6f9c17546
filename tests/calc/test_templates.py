"""The templates shipped in the .oxt, in real Calc.

1. Template manager: after installing the .oxt, LibreOffice's template
   machinery (com.sun.star.frame.DocumentTemplates, the hierarchy that
   File > New > Templates lists) has a category "Marketing KPI" holding one
   template per examples/templates/*.fods, under the title of its source.
2. Each template is started as File > New > Templates does (loaded with
   AsTemplate: an untitled document), recalculated: no cell shows an error;
   every formula cell equals the value written into the source by the
   generator (kpitools/templates computes it without Calc: the spreadsheet
   functions in Python, the KPIs by the core's `kpi` module); key figures equal values this
   test computes itself from the inputs it reads in the sheet.
3. Sharing: saved as .ods and .xlsx and reopened with the extension, every
   formula cell gives the same value. The .xlsx holds cached values (<v>) for
   the KPI cells.
4. A colleague without the extension: a LibreOffice with no extension opens
   the saved .ods and .xlsx and displays the last computed values (no
   recalculation); after a hard recalculation (Data > Calculate > Recalculate
   Hard) the KPI cells show #NAME?, which the README states. Also measured:
   the two cases where LibreOffice recalculates on load anyway (a KPI array
   formula; a KPI cell with no cell style), which the templates avoid.
"""
import glob
import math
import os
import re
import shutil
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile

from harness import args_from_argv, Checker, stored_formulas
from kpitools.office.session import cell_result, error_cells, Office, props
from kpitools.sheet.errors import ERRORS
from kpitools.sheet.addresses import col_name, parse_addr

CATEGORY = "Marketing KPI"
CATEGORY_FR = "KPI marketing"  # the French templates' own category (issue 23, item 9)


def listed_templates(office):
    """{title: URL} of the extension's templates, both categories."""
    cats = hierarchy(office)
    return {**cats.get(CATEGORY, {}), **cats.get(CATEGORY_FR, {})}
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def q(prefix, name):
    return "{%s}%s" % (NS[prefix], name)


def read_source(path):
    """(title, {sheet: {address: (formula, cached value or None)}}) of a .fods."""
    root = ET.parse(path).getroot()
    title_el = root.find("office:meta/dc:title", NS)
    title = title_el.text if title_el is not None else os.path.splitext(os.path.basename(path))[0]
    sheets = {}
    for table in root.iter(q("table", "table")):
        if table.get(q("table", "name")) == "local-table":
            continue  # a chart's cached data
        cells = {}
        r = 0
        for row in table.findall("table:table-row", NS):
            c = 0
            for cell in row:
                if cell.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                    continue
                f = cell.get(q("table", "formula"))
                if f:
                    v = cell.get(q("office", "value"))
                    cells[f"{col_name(c)}{r + 1}"] = (f, float(v) if v is not None else None)
                c += int(cell.get(q("table", "number-columns-repeated"), "1"))
            r += int(row.get(q("table", "number-rows-repeated"), "1"))
        sheets[table.get(q("table", "name"))] = cells
    return title, sheets


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(b))


def values(doc, sheets):
    """{(sheet, addr): cell_result} for every formula cell of the source.
    One getDataArray per sheet, plus the error cells (cell-by-cell reads of a
    thousand cells through the UNO bridge would take most of the test's time)."""
    errors = error_cells(doc)
    out = {}
    for name, cells in sheets.items():
        sh = doc.Sheets.getByName(name)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        end = cur.getRangeAddress()
        data = sh.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getDataArray()
        for addr in cells:
            if f"{name}.{addr}" in errors:
                out[(name, addr)] = ("error", errors[f"{name}.{addr}"])
                continue
            c, r = parse_addr(addr)
            x = data[r][c] if r < len(data) and c < len(data[r]) else ""
            out[(name, addr)] = ("value", float(x)) if isinstance(x, float) else ("text", x)
    return out


# ------------------------------------------------ key figures, computed here
def col(sh, c, r1, r2):
    return [sh.getCellRangeByName(f"{c}{r}").getValue() for r in range(r1, r2 + 1)]


def texts(sh, c, r1, r2):
    return [sh.getCellRangeByName(f"{c}{r}").getString() for r in range(r1, r2 + 1)]


def v(sh, addr):
    return sh.getCellRangeByName(addr).getValue()


def keys_dashboard(doc):
    dash, data = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    cost, imp, clk, leads, cust, rev = (col(data, c, 5, 52) for c in "CDEFGH")
    month, chan = texts(data, "A", 5, 52), texts(data, "B", 5, 52)
    jan, feb = texts(dash, "A", 17, 18)
    li = [i for i, ch in enumerate(chan) if ch == "LinkedIn Ads"]
    rev_m = lambda m: sum(rev[i] for i in range(48) if month[i] == m)  # noqa: E731
    return [
        ("total cost", v(dash, "B13"), sum(cost)),
        ("total CPC", v(dash, "H13"), sum(cost) / sum(clk)),
        ("total CPM", v(dash, "I13"), 1000 * sum(cost) / sum(imp)),
        ("total CTR", v(dash, "J13"), sum(clk) / sum(imp)),
        ("total CPL", v(dash, "K13"), sum(cost) / sum(leads)),
        ("total CPA", v(dash, "L13"), sum(cost) / sum(cust)),
        ("total ROAS", v(dash, "M13"), sum(rev) / sum(cost)),
        # ROMI on the margin typed in C6 (issue 24): revenue x margin / cost - 1, not ROAS - 1.
        ("total ROMI", v(dash, "N13"), sum(rev) * v(dash, "C6") / sum(cost) - 1),
        ("gross margin input", v(dash, "C6"), 0.40),
        ("headline ROMI tile", v(dash, "L5"), sum(rev) * 0.40 / sum(cost) - 1),
        ("LinkedIn CPA", v(dash, "L11"), sum(cost[i] for i in li) / sum(cust[i] for i in li)),
        ("February revenue growth", v(dash, "N18"), (rev_m(feb) - rev_m(jan)) / rev_m(jan)),
        ("year CPL by month table", v(dash, "K29"), sum(cost) / sum(leads)),
        ("headline ROAS tile", v(dash, "F5"), sum(rev) / sum(cost)),
    ]


def keys_email(doc):
    s = doc.Sheets.getByIndex(0)
    sent, deliv, opens, clicks, unsub, bounces = (col(s, c, 5, 16) for c in "BCDEFG")
    return [
        ("overall open rate", v(s, "H17"), sum(opens) / sum(deliv)),
        ("overall CTR", v(s, "I17"), sum(clicks) / sum(deliv)),
        ("overall CTOR", v(s, "J17"), sum(clicks) / sum(opens)),
        ("overall unsubscribe rate", v(s, "K17"), sum(unsub) / sum(deliv)),
        ("overall bounce rate", v(s, "L17"), sum(bounces) / sum(sent)),
        ("Re-engagement CTOR", v(s, "J13"), clicks[8] / opens[8]),
    ] + keys_subject_line_test(s)


def keys_subject_line_test(s):
    """The A/B block (rows 24-27): the pooled two-proportion z-test worked here with math.erfc."""
    (na, oa), (nb, ob) = [(v(s, f"B{r}"), v(s, f"C{r}")) for r in (24, 25)]
    pa, pb, pool = oa / na, ob / nb, (oa + ob) / (na + nb)
    z = (pa - pb) / math.sqrt(pool * (1 - pool) * (1 / na + 1 / nb))
    return [("subject A open rate", v(s, "D24"), pa), ("subject B open rate", v(s, "D25"), pb),
            ("lift of B over A", v(s, "D26"), pb / pa - 1),
            ("A/B p-value", v(s, "D27"), math.erfc(abs(z) / math.sqrt(2)))] + keys_test_size(s, na, oa, nb, ob)


def keys_test_size(s, na, oa, nb, ob):
    """Below it (rows 29-33): the lift's interval (log of the ratio, half a count added to each group),
    the smallest detectable lift (checked by putting it back into the sample-size equation: it must give
    A's recipients) and the recipients needed for the typed lift, with the standard library's quantiles."""
    from statistics import NormalDist
    z = NormalDist().inv_cdf(0.975)
    c1, n1, c0, n0 = ob + 0.5, nb + 0.5, oa + 0.5, na + 0.5
    half = z * math.sqrt(1 / c1 - 1 / n1 + 1 / c0 - 1 / n0)
    ratio = (c1 / n1) / (c0 / n0)
    pa = oa / na

    def visitors(lift):
        p2, zb = pa * (1 + lift), NormalDist().inv_cdf(0.8)
        m = (pa + p2) / 2
        return ((z * math.sqrt(2 * m * (1 - m)) + zb * math.sqrt(pa * (1 - pa) + p2 * (1 - p2))) / (p2 - pa)) ** 2

    return [("lift interval, low", v(s, "D29"), ratio * math.exp(-half) - 1),
            ("lift interval, high", v(s, "D30"), ratio * math.exp(half) - 1),
            ("the smallest detectable lift needs A's recipients", visitors(v(s, "D31")), na),
            ("recipients for the typed lift", v(s, "D33"), math.ceil(visitors(v(s, "D32"))))]


def keys_b2b(doc):
    s = doc.Sheets.getByIndex(0)
    row = lambda r: [v(s, f"{c}{r}") for c in "BCDEFGHIJKLM"]  # noqa: E731
    sessions, organic, paid, imp, clicks, spend, leads, mql, sql, cust, smc = (row(r) for r in range(5, 16))
    clv = v(s, "B18") * v(s, "B19") * v(s, "B20") * v(s, "B21")
    funnel = [sum(sessions), sum(leads), sum(mql), sum(sql), sum(cust)]
    return [
        ("site traffic", v(s, "N24"), sum(sessions)),
        ("organic share", v(s, "N25"), sum(organic) / sum(sessions)),
        ("paid share", v(s, "N26"), sum(paid) / sum(sessions)),
        ("CPC", v(s, "N27"), sum(spend) / sum(clicks)),
        ("CTR", v(s, "N28"), sum(clicks) / sum(imp)),
        ("conversion rate", v(s, "N29"), sum(leads) / sum(sessions)),
        ("CPL", v(s, "N30"), sum(smc) / sum(leads)),
        ("MQL to SQL", v(s, "N31"), sum(sql) / sum(mql)),
        ("CAC", v(s, "N32"), sum(smc) / sum(cust)),
        ("CLV", v(s, "N33"), clv),
        ("LTV:CAC", v(s, "N34"), clv / (sum(smc) / sum(cust))),
    ] + [(f"funnel step {i}", v(s, f"C{37 + i}"), funnel[i] / funnel[i - 1]) for i in range(1, 5)]


def keys_aarrr(doc):
    s, sv = doc.Sheets.getByIndex(0), doc.Sheets.getByIndex(1)
    scores = col(sv, "C", 4, 243)
    nps = lambda xs: 100 * (sum(x >= 9 for x in xs) - sum(x <= 6 for x in xs)) / len(xs)  # noqa: E731
    row = lambda r: [v(s, f"{c}{r}") for c in "BCDEFGHIJKLM"]  # noqa: E731
    start, new, lost, end = row(8), row(9), row(10), row(11)
    return [
        ("NPS of the year", v(s, "F31"), nps(scores)),
        ("NPS Q4", v(s, "F30"), nps(scores[180:])),
        ("NPS from counts", v(s, "F32"), nps(scores)),
        ("year retention", v(s, "N19"), (sum(end) - sum(new)) / sum(start)),
        ("year churn", v(s, "N20"), sum(lost) / sum(start)),
        ("retention + churn", v(s, "N19") + v(s, "N20"), 1.0),
        ("March churn", v(s, "D20"), lost[2] / start[2]),
    ]


def keys_value(doc):
    s = doc.Sheets.getByIndex(0)
    out = []
    for c in "BCD":
        aov, f, life, gm, r, d, cost, new = (v(s, f"{c}{i}") for i in range(5, 13))
        m = aov * f * gm
        cac = cost / new
        out += [
            (f"{c} lifetime revenue", v(s, f"{c}21"), aov * f * life),
            (f"{c} simple CLV", v(s, f"{c}22"), aov * f * life * gm),
            (f"{c} retention CLV", v(s, f"{c}23"), m * r / (1 + d - r)),
            (f"{c} retention CLV, margin now", v(s, f"{c}24"), m * (1 + d) / (1 + d - r)),
            (f"{c} LTV:CAC (C)", v(s, f"{c}29"), m * r / (1 + d - r) / cac),
            (f"{c} CAC payback", v(s, f"{c}32"), cac / (aov * f / 12 * gm)),
        ]
    return out


KEYS = {
    "campaign-dashboard-en": keys_dashboard, "campaign-dashboard-fr": keys_dashboard,
    "email-programme": keys_email, "email-programme-fr": keys_email, "b2b-kpis": keys_b2b, "b2b-kpis-fr": keys_b2b,
    "aarrr-funnel": keys_aarrr, "aarrr-funnel-fr": keys_aarrr, "customer-value": keys_value,
    "customer-value-fr": keys_value,
}


# ------------------------------------------------ template manager
def hierarchy(office):
    """{category: {title: TargetURL}} as LibreOffice's template hierarchy lists them."""
    import uno
    from com.sun.star.beans import Property
    from com.sun.star.ucb import Command
    dt = office.smgr.createInstanceWithContext("com.sun.star.frame.DocumentTemplates", office.ctx)
    dt.update()  # rescans the template path, as the template manager does on start
    sfa = office.smgr.createInstanceWithContext("com.sun.star.ucb.SimpleFileAccess", office.ctx)
    ucb = office.smgr.createInstanceWithContext("com.sun.star.ucb.UniversalContentBroker", office.ctx)
    out = {}
    for locale_root in sfa.getFolderContents("vnd.sun.star.hier:/templates", True):
        for group in sfa.getFolderContents(locale_root, True):
            entries = {}
            for item in sfa.getFolderContents(group, True):
                content = ucb.queryContent(ucb.createContentIdentifier(item))
                p = Property()
                p.Name, p.Handle = "TargetURL", -1
                cmd = Command("getPropertyValues", -1, uno.Any("[]com.sun.star.beans.Property", (p,)))
                row = content.execute(cmd, 0, None)
                title = uno.fileUrlToSystemPath("file:///" + item.rsplit("/", 1)[1])[1:]
                entries[title] = row.getString(1)
            out[uno.fileUrlToSystemPath("file:///" + group.rsplit("/", 1)[1])[1:]] = entries
    return out


def main():
    a = args_from_argv()
    sources = sorted(glob.glob(os.path.join(a.source_dir, "examples", "templates", "*.fods")))
    chk = Checker("calc.templates")
    chk.check(len(sources) >= 6, f"at least six template sources, found {len(sources)}")
    os.makedirs(a.workdir, exist_ok=True)
    keep = tempfile.mkdtemp(prefix="kpi-templates-", dir=a.workdir)  # saved files shared by both offices
    try:
        results = {}
        with Office(oxt=a.oxt, workdir=a.workdir) as office:
            cats = hierarchy(office)
            for cat in (CATEGORY, CATEGORY_FR):
                chk.check(bool(cats.get(cat)), f"category {cat!r} in the template manager: {sorted(cats)}")
            mixed = [u for c, lang in ((CATEGORY, "fr"), (CATEGORY_FR, "en")) for u in cats.get(c, {}).values()
                     if u.endswith("-fr.ots") == (lang == "fr")]
            chk.check(not mixed, f"English and French templates in their own categories (not: {mixed})")
            for src in sources:
                name = os.path.splitext(os.path.basename(src))[0]
                title, sheets = read_source(src)
                category = CATEGORY_FR if name.endswith("-fr") else CATEGORY
                url = cats.get(category, {}).get(title, "")
                chk.check(url.endswith(f"/templates/{category.replace(' ', '%20')}/{name}.ots"),
                          f"{name}: listed as {title!r} with its .ots ({url!r})")
                if not url:
                    continue
                # As File > New > Templates does: a new untitled document from the template.
                doc = office.desktop.loadComponentFromURL(url, "_blank", 0, props(Hidden=True, AsTemplate=True))
                chk.check(doc.getURL() == "", f"{name}: opens as a new untitled document")
                doc.calculateAll()
                bad = error_cells(doc)
                chk.check(not bad, f"{name}: cells showing an error: {sorted(bad)[:8]}")
                got = values(doc, sheets)
                n_cached = 0
                for (sheet, addr), res in got.items():
                    cached = sheets[sheet][addr][1]
                    if cached is None:
                        continue
                    n_cached += 1
                    chk.check(res[0] == "value" and close(res[1], cached),
                              f"{name} {sheet}.{addr}: Calc {res}, generator (Python) {cached}")
                chk.check(n_cached > 0 or name not in KEYS, f"{name}: the source carries cached values")
                for label, actual, expected in KEYS.get(name, lambda d: [])(doc):
                    chk.check(close(actual, expected), f"{name} {label}: {actual}, computed here {expected}")
                ods = os.path.join(keep, name + ".ods")
                xlsx = os.path.join(keep, name + ".xlsx")
                office.save_as(doc, ods)
                office.save_as(doc, xlsx, "Calc MS Excel 2007 XML")
                doc.close(True)
                results[name] = (sheets, got)
                for path in (ods, xlsx):
                    doc = office.load(path)
                    doc.calculateAll()
                    again = values(doc, sheets)
                    diff = [k for k in got if not (again[k][0] == got[k][0] and
                                                   (got[k][0] != "value" or close(again[k][1], got[k][1])))]
                    chk.check(not diff, f"{name}: {os.path.basename(path)} reopened with the extension "
                                        f"differs at {diff[:5]}")
                    doc.close(True)
                # The .xlsx keeps the last computed value of every KPI cell (<v>), which Excel shows.
                with zipfile.ZipFile(xlsx) as z:
                    xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
                kpi_cells = re.findall(r"<c [^>]*>(?:(?!</c>).)*?<f[^>]*>KPI\.(?:(?!</c>).)*?</c>", xml)
                no_v = [c for c in kpi_cells if "<v>" not in c]
                chk.check(kpi_cells and not no_v, f"{name}: .xlsx KPI cells with a cached <v>: "
                                                  f"{len(kpi_cells) - len(no_v)}/{len(kpi_cells)}")
            # Two cases where LibreOffice recalculates on load (README, measured with 7.4.7): a KPI
            # array formula (C1:C3), and a KPI cell that was never formatted (D2, default cell
            # style); a formatted KPI cell (D1) keeps its value.
            doc = office.new_calc()
            sh = doc.Sheets.getByIndex(0)
            for r, n in enumerate((1000, 250, 50)):
                sh.getCellByPosition(1, r).setValue(n)
            sh.getCellRangeByName("C1:C3").setArrayFormula("=KPI.FUNNEL(B1:B3)")
            sh.getCellRangeByName("C1:C3").NumberFormat = 10  # 0.00 %
            sh.getCellRangeByName("D1").setFormula("=KPI.CPL(B1;B2)")
            sh.getCellRangeByName("D1").NumberFormat = 4  # #,##0.00
            sh.getCellRangeByName("D2").setFormula("=KPI.CPL(B1;B2)")
            doc.calculateAll()
            chk.check(close(sh.getCellRangeByName("C2").getValue(), 0.25), "KPI.FUNNEL array with the extension")
            office.save_as(doc, os.path.join(keep, "array.ods"))
            doc.close(True)
            chk.check(office.alive(), "soffice with the extension still responds")

        # A colleague without the extension.
        with Office(oxt=None, workdir=a.workdir) as office:
            for name, (sheets, got) in results.items():
                for ext in ("ods", "xlsx"):
                    doc = office.load(os.path.join(keep, f"{name}.{ext}"))
                    shown = values(doc, sheets)
                    diff = [k for k in got if got[k][0] == "value" and
                            not (shown[k][0] == "value" and close(shown[k][1], got[k][1]))]
                    chk.check(not diff, f"{name}.{ext} without the extension: last values not shown at {diff[:5]}")
                    if ext == "ods":
                        doc.calculateAll()  # Data > Calculate > Recalculate Hard
                        after = values(doc, sheets)
                        kpi = [k for k in got if "KPI." in sheets[k[0]][k[1]][0].upper()]
                        name_err = [k for k in kpi if after[k] == ("error", ERRORS["#NAME?"])]
                        chk.check(kpi and len(name_err) == len(kpi),
                                  f"{name}.ods hard recalc without the extension: {len(name_err)}/{len(kpi)} "
                                  "KPI cells show #NAME?")
                        # ... and saved so: the colleague sends it back.
                        office.save_as(doc, os.path.join(keep, f"{name}-back.ods"))
                    doc.close(True)
            doc = office.load(os.path.join(keep, "array.ods"))
            sh = doc.Sheets.getByIndex(0)
            chk.check(cell_result(sh.getCellRangeByName("D1")) == ("value", 4.0),
                      "without the extension a formatted KPI cell shows its last value")
            chk.check(cell_result(sh.getCellRangeByName("D2")) == ("error", ERRORS["#NAME?"]),
                      "without the extension a never-formatted KPI cell is recalculated on load: #NAME?")
            chk.check(cell_result(sh.getCellRangeByName("C2")) == ("error", ERRORS["#NAME?"]),
                      "without the extension a KPI array formula is recalculated on load: #NAME?")
            sh.getCellRangeByName("B1").setValue(2000)  # a colleague edits an input
            chk.check(cell_result(sh.getCellRangeByName("D1")) == ("error", ERRORS["#NAME?"]),
                      "without the extension a KPI cell whose input changes shows #NAME?")
            doc.close(True)

        # Back to someone with the extension: the formulas (stored as kpi.… in lower case by the
        # LibreOffice without it) work again and give the same values.
        with Office(oxt=a.oxt, workdir=a.workdir) as office:
            for name, (sheets, got) in results.items():
                back_path = os.path.join(keep, f"{name}-back.ods")
                lower = [f for f in stored_formulas(back_path) if f.startswith("of:=kpi.")]
                chk.check(lower and not any("KPI." in f for f in stored_formulas(back_path)),
                          f"{name}: LibreOffice without the extension stores kpi.… in lower case")
                doc = office.load(back_path)
                doc.calculateAll()
                back = values(doc, sheets)
                diff = [k for k in got if not (back[k][0] == got[k][0] and
                                               (got[k][0] != "value" or close(back[k][1], got[k][1])))]
                chk.check(not diff, f"{name}: saved without the extension, reopened with it: differs at {diff[:5]}")
                doc.close(True)
    finally:
        shutil.rmtree(keep, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
