"""KPI ▸ Audit this workbook, dispatched as org.kpifunctions:audit in real
headless Calc with the built .oxt installed, on each workbook of
tests/audit/cases/:

- the "KPI audit" sheet lists the same findings (sheet, cell, check,
  severity, message) as `kpi-audit --format json` on that file, and the
  severity/cell/check triples worked out by hand in its .expected.json;
- each finding's cell is a hyperlink to that cell; each cell with a finding
  carries exactly one mark (a frame shape), none elsewhere;
- every original cell keeps its value, formula, number format, background
  and style; a shape the user drew is left alone;
- a second run leaves exactly one report sheet and as many marks; after the
  user fixes a cell, the next run drops its finding and its mark.
(Undo is tested in gui.menu: undoing an inserted sheet in a document without
a view crashes LibreOffice 7.4, a user's document always has one.)
Also: org.kpifunctions:reference hands the English reference inside the
installed extension to the desktop's opener (a stand-in xdg-open on PATH
records the URL), and org.kpifunctions:reference?fn=KPI.CPL (the templates'
About links) the page of that function, which forwards to its entry;
org.kpifunctions:templates opens no document by itself.
The command line runs first (its own soffice), then one soffice for the menu.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

import uno
from harness import Checker
from kpitools.audit.texts import CHECKS
from kpitools.office.session import Office

# soffice must run the package inside the .oxt, not the source tree's.
os.environ.pop("PYTHONPATH", None)

REPORT = "KPI audit"
MARK = "kpi-audit-mark "
FIRST_FINDING_ROW = 5  # 0-based: title, date, summary, blank, header
LIVE = "no-stored-values"


def cli_findings(launcher, files):
    p = subprocess.run([launcher, "--format", "json", "--quiet"] + files, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=400)
    report = json.loads(p.stdout)
    return {os.path.basename(f["path"]): f for f in report["files"]}


def dispatch(office, doc, command):
    helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", office.ctx)
    frame = doc.getCurrentController().getFrame()
    return helper.executeDispatch(frame, command, "", 0, ())


def user_cells(doc):
    """Every user cell's value, formula and format, sheet by sheet."""
    out = {}
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        if sh.Name == REPORT:
            continue
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        rng = sh.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow)
        fmt = tuple((c.NumberFormat, c.CellBackColor, c.CellStyle, c.IsCellBackgroundTransparent)
                    for r in range(a.EndRow + 1) for c in [sh.getCellByPosition(x, r) for x in range(a.EndColumn + 1)])
        out[sh.Name] = (rng.getDataArray(), rng.getFormulaArray(), fmt)
    return out


# The report in English (this soffice's UI): one severity column, the checks by their names.
SEVERITY = {"error": "error", "warning": "warning", "info": "info"}
CHECK_OF = {en: check for check, (en, _fr) in CHECKS.items()}


def report_rows(doc):
    """(cell, check ID, severity, message, link formula) of each finding row."""
    sh = doc.Sheets.getByName(REPORT)
    ck_head = sh.getCellRangeByPosition(0, FIRST_FINDING_ROW - 1, 5, FIRST_FINDING_ROW - 1).getDataArray()[0]
    assert ck_head[0] == "Severity" and ck_head[5] == "", ck_head  # one severity column
    rows = []
    r = FIRST_FINDING_ROW
    while True:
        row = sh.getCellRangeByPosition(0, r, 4, r).getDataArray()[0]
        if row[0] not in SEVERITY:  # the finding rows start with their severity
            break
        rows.append((row[1], CHECK_OF.get(row[2], row[2]), SEVERITY[row[0]], row[3],
                     sh.getCellByPosition(1, r).getFormula()))
        r += 1
    return rows


def where(f):
    """A finding's place as the report sheet shows it: Sheet.B7, or
    Sheet.B5:B6 (2 cells) for identical findings of adjacent cells grouped
    into one (kpitools/audit/grouping.py)."""
    sheet = f.get("sheet") or f["cell"].rsplit(".", 1)[0]
    cell = f["cell"].rsplit(".", 1)[-1]
    n = f.get("cells", 1)
    return f"{sheet}.{f.get('range', cell)}" + (f" ({n:,} cells)" if n > 1 else "")


def first_cell(label):
    """Sheet.B5 of the label Sheet.B5:B6 (2 cells): the cell its link and frame go to."""
    sheet, ref = label.rsplit(" (", 1)[0].rsplit(".", 1)
    return f"{sheet}.{ref.split(':')[0]}"


def marks(doc):
    out = []
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        for j in range(sh.DrawPage.Count):
            s = sh.DrawPage.getByIndex(j)
            if s.Name.startswith(MARK):
                cell = s.Anchor.AbsoluteName.rsplit(".", 1)[-1].replace("$", "")
                out.append(f"{sh.Name}.{cell}")
    return sorted(out)


def copy(office, path):
    """Calc opens a copy: its lock file and any save stay out of the source tree."""
    dst = office.scratch(os.path.basename(path))
    shutil.copyfile(path, dst)
    return dst


def sheet_names(doc):
    return [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)]


def wait_opened(opened, seconds=20):
    """The URL the stand-in xdg-open recorded: a whole line (the shell creates
    the file before it writes it), or "" after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = open(opened).read() if os.path.exists(opened) else ""
        if text.endswith("\n"):
            return text.strip()
        time.sleep(0.2)
    return ""


def reference(ck, office, opened):
    doc = office.new_calc()
    try:
        res = dispatch(office, doc, "org.kpifunctions:reference")
        ck.check(res is not None and res.State == 1, f"reference: dispatch succeeded ({res.Result if res else None})")
        url = wait_opened(opened)
        ck.check(url.startswith("file://") and url.endswith("/reference/functions-en.html"),
                 f"reference: the English page was opened: {url!r}")
        path = uno.fileUrlToSystemPath(url) if url.startswith("file://") else ""
        page = open(path, encoding="utf-8").read() if os.path.isfile(path) else ""
        ck.check("Cost per lead: cost divided by the number of leads." in page and "KPI.MAP" in page,
                 "reference: the page inside the installed extension holds the catalogue's texts")
        # The About sheets' links: one function's entry (display or stored name), through its own page;
        # a function this extension does not have opens the whole reference.
        for fn, want in (("KPI.CPL", "/reference/en/kpicpl.html"), ("KPI.SBG.FIT", "/reference/en/kpisbgfit.html"),
                         ("KPI.BGNBDFIT", "/reference/en/kpibgnbdfit.html"), ("kpi.ctor", "/reference/en/kpictor.html"),
                         ("KPI.NOSUCH", "/reference/functions-en.html")):
            if os.path.exists(opened):
                os.remove(opened)
            res = dispatch(office, doc, f"org.kpifunctions:reference?fn={fn}")
            got = wait_opened(opened)
            ck.check(res is not None and res.State == 1 and got.endswith(want),
                     f"reference?fn={fn}: opened {got!r}, expected …{want}")
        def read(*parts):
            p = os.path.join(os.path.dirname(path), *parts)
            return open(p, encoding="utf-8").read() if path and os.path.isfile(p) else ""
        ck.check('url=../functions-fr.html#kpicpl"' in read("fr", "kpicpl.html")
                 and 'id="kpicpl"' in read("functions-fr.html"),
                 "reference: the French page of KPI.CPL forwards to its entry in the French reference")
        # The Imports sheets' link: the page of the header names inside the extension (issue 23, item 13).
        if os.path.exists(opened):
            os.remove(opened)
        res = dispatch(office, doc, "org.kpifunctions:reference?page=import-headers")
        got = wait_opened(opened)
        ck.check(res is not None and res.State == 1 and got.endswith("/reference/import-headers.html"),
                 f"reference?page=import-headers: opened {got!r}")
        # No web browser (the opener fails): the user is told where the page is (issue 23, item 11).
        fail = os.path.join(os.path.dirname(opened), "fail")
        open(fail, "w").close()
        try:
            res = dispatch(office, doc, "org.kpifunctions:reference")
        finally:
            os.remove(fail)
        ck.check(res is not None and "No web browser" in res.Result and "functions-en.html" in res.Result
                 and os.path.isfile(res.Result.rsplit("\n", 1)[-1]),
                 f"reference without a browser: the message names the file ({res.Result if res else None!r})")
        before = len(list(office.desktop.getComponents()))
        res = dispatch(office, doc, "org.kpifunctions:templates")
        ck.check(res is not None and len(list(office.desktop.getComponents())) == before,
                 "templates: the dialog (none when headless) opens no document by itself")
    finally:
        doc.close(True)


# The report's severity colours and the frame cap, as the guide states them (docs/guide/en/insert.md).
SEVERITY_COLOUR = {"error": 0xF4C7C3, "warning": 0xFCE8B2, "info": 0xD2E3FC}
MAX_MARKS = 1000
RANK = {"info": 0, "warning": 1, "error": 2}


def big_workbook(ck, office, opts):
    """1,500 rows of the benchmark's workbook (a hand-written CPL per row, a
    few rows with a mistake): about 1,500 cells with a finding, more than the
    frames drawn. The report still lists them all, as the command line does;
    the frames go to the worst cells first (the mistakes, far down the sheet
    for some), at most MAX_MARKS; a line says how many are listed only."""
    from kpitools.bench import auditbook  # the tests' process has the source tree on its path
    path = office.scratch("menu-big.ods")
    auditbook.write(path, rows=1500)
    want = [(where(f), f["check"], f["severity"], f["message"])
            for f in cli_findings(opts.launcher, [path])["menu-big.ods"]["findings"] if f["check"] != LIVE]
    doc = office.load(path)
    try:
        t0 = time.monotonic()
        res = dispatch(office, doc, "org.kpifunctions:audit")
        took = time.monotonic() - t0
        rows = report_rows(doc)
        ck.check(res.State == 1 and [r[:4] for r in rows] == want,
                 f"big workbook: the report lists kpi-audit's {len(want)} findings ({len(rows)} listed, {took:.1f} s)")
        worst = {}
        for cell, check, sev, _msg, _link in rows:
            if check != "no-stored-values":
                cell = first_cell(cell)  # a frame goes to a grouped finding's first cell
                worst[cell] = max(worst.get(cell, sev), sev, key=RANK.get)
        framed = set(marks(doc))
        ck.check(len(framed) == MAX_MARKS < len(worst), f"big workbook: {len(framed)} frames for {len(worst)} cells")
        left = [c for c in worst if c not in framed]
        ck.check(framed <= set(worst) and max((RANK[worst[c]] for c in left), default=0)
                 <= min(RANK[worst[c]] for c in framed),
                 "big workbook: no cell left unframed is worse than a framed one")
        ck.check(sum(RANK[v] > 0 for v in worst.values()) >= 5 and all(RANK[worst[c]] == 0 for c in left),
                 f"big workbook: every error and warning framed ({sum(RANK[v] > 0 for v in worst.values())})")
        sh = doc.Sheets.getByName(REPORT)
        note = sh.getCellByPosition(0, 3).getString()
        ck.check(f"{len(worst) - MAX_MARKS:,}" in note and f"{MAX_MARKS:,}" in note,
                 f"big workbook: the report says which cells are framed: {note!r}")
        colours = [sh.getCellByPosition(0, FIRST_FINDING_ROW + i).CellBackColor for i in range(len(rows))]
        ck.check(colours == [SEVERITY_COLOUR[r[2]] for r in rows], "big workbook: each finding's row in its colour")
    finally:
        doc.close(True)


def surrogate_cell(ck, office):
    """A formula whose text holds a lone UTF-16 surrogate: the command line
    rewrites such a cell in its own copy of the file (the text would kill the
    UNO bridge between processes); the menu runs inside soffice and must
    leave the user's cell as it is. (Its value is never read here: this test
    talks to soffice over that bridge.)"""
    doc = office.new_calc()
    try:
        sh = doc.Sheets.getByIndex(0)
        sh.getCellRangeByName("A1:C1").setDataArray((("Cost", "Leads", "CPL"),))
        sh.getCellRangeByName("A2:B2").setDataArray(((100.0, 4.0),))
        sh.getCellRangeByName("C2").setFormula("=A2/B2")
        sh.getCellRangeByName("D2").setFormula('=UNICHAR(55296)&"x"')
        doc.calculateAll()
        res = dispatch(office, doc, "org.kpifunctions:audit")
        ck.check(res.State == 1 and sh.getCellRangeByName("D2").getFormula() == '=UNICHAR(55296)&"x"'
                 and sheet_names(doc) == [sh.Name, REPORT],
                 f"a lone surrogate: audited ({res.Result}), the user's formula and sheets unchanged")
    finally:
        doc.close(True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--launcher", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--source-dir", required=True)
    opts = ap.parse_args()
    ck = Checker("menu.audit")
    cases = sorted(glob.glob(os.path.join(opts.source_dir, "tests", "audit", "cases", "*.fods")))
    ck.check(len(cases) >= 3, f"audit cases found: {cases}")
    cli = cli_findings(opts.launcher, cases)

    # LibreOffice opens URLs with xdg-open: a stand-in that records them.
    fake_bin = os.path.join(opts.workdir, "menu-fake-bin")
    opened = os.path.join(fake_bin, "opened.log")
    os.makedirs(fake_bin, exist_ok=True)
    if os.path.exists(opened):
        os.remove(opened)
    with open(os.path.join(fake_bin, "xdg-open"), "w") as f:
        # With a file "fail" beside it, it fails as xdg-open does without a browser ("no method available").
        f.write(f'#!/bin/sh\n[ -e "{fake_bin}/fail" ] && exit 3\necho "$1" >> "{opened}"\n')
    os.chmod(os.path.join(fake_bin, "xdg-open"), 0o755)
    os.environ["PATH"] = fake_bin + os.pathsep + os.environ["PATH"]

    with Office(oxt=opts.oxt, workdir=opts.workdir) as office:
        reference(ck, office, opened)
        for path in cases:
            name = os.path.basename(path)
            # "no-stored-values" is the command line's only: inside Calc the values are live (issue 23, item 6).
            want = [(where(f), f["check"], f["severity"], f["message"])
                    for f in cli[name]["findings"] if f["check"] != LIVE]
            with open(path[:-5] + ".expected.json", encoding="utf-8") as f:
                by_hand = sorted((where(x), x["check"], x["severity"]) for x in json.load(f)["findings"]
                                 if x["check"] != LIVE)
            doc = office.load(copy(office, path))
            try:
                doc.calculateAll()
                before = user_cells(doc)
                # A shape of the user's own: the audit must leave it alone.
                own = doc.createInstance("com.sun.star.drawing.RectangleShape")
                doc.Sheets.getByIndex(0).DrawPage.add(own)
                own.Name = "my arrow"
                res = dispatch(office, doc, "org.kpifunctions:audit")
                ck.check(res is not None and res.State == 1, f"{name}: dispatch succeeded ({res.Result if res else None})")
                ck.check(sheet_names(doc).count(REPORT) == 1, f"{name}: one report sheet {sheet_names(doc)}")
                rows = report_rows(doc)
                got = [r[:4] for r in rows]
                ck.check(got == want, f"{name}: report findings equal kpi-audit's\n  got  {got}\n  want {want}")
                ck.check(sorted(r[:3] for r in got) == by_hand,
                         f"{name}: report findings equal the hand-worked list {by_hand}")
                for cell, _check, _sev, _msg, link in rows:
                    sheet, ref = first_cell(cell).rsplit(".", 1)
                    # Calc's reference syntax: a sheet name other than letters and digits is quoted.
                    target = sheet if sheet.isalnum() else f"'{sheet}'"
                    ck.check(link.startswith("=HYPERLINK(") and f'"#{target}.{ref}"' in link,
                             f"{name}: {cell} links to its cell: {link}")
                marked = sorted({first_cell(r[0]) for r in rows if r[1] != "no-stored-values"})
                ck.check(marks(doc) == marked, f"{name}: marks {marks(doc)} == cells with findings {marked}")
                ck.check(user_cells(doc) == before, f"{name}: every user cell unchanged (value, formula, format)")

                dispatch(office, doc, "org.kpifunctions:audit")
                ck.check(sheet_names(doc).count(REPORT) == 1, f"{name}: still one report sheet after a second run")
                ck.check([r[:4] for r in report_rows(doc)] == want, f"{name}: second run, same findings")
                ck.check(marks(doc) == marked, f"{name}: second run, no stale or doubled mark: {marks(doc)}")
                ck.check(user_cells(doc) == before, f"{name}: user cells unchanged after two runs")
                page = doc.Sheets.getByIndex(0).DrawPage
                ck.check(any(page.getByIndex(j).Name == "my arrow" for j in range(page.Count)),
                         f"{name}: the user's own shape is kept")
            finally:
                doc.close(True)

        # The user fixes a cell: its finding and its mark disappear on the next run.
        doc = office.load(copy(office, os.path.join(opts.source_dir, "tests", "audit", "cases", "inventory_stale.fods")))
        try:
            dispatch(office, doc, "org.kpifunctions:audit")
            ck.check("Q1.D5" in marks(doc), "inventory_stale: Q1.D5 (KPI.CPLX) marked")
            doc.Sheets.getByName("Q1").getCellRangeByName("D5").setFormula("=KPI.CPL(B5;C5)")
            dispatch(office, doc, "org.kpifunctions:audit")
            ck.check("Q1.D5" not in marks(doc), f"inventory_stale: fixed Q1.D5 no longer marked {marks(doc)}")
            ck.check(all(r[0] != "Q1.D5" for r in report_rows(doc)), "inventory_stale: no finding left on Q1.D5")

        finally:
            doc.close(True)

        big_workbook(ck, office, opts)
        surrogate_cell(ck, office)

        # A "KPI audit" sheet of the user's own is never replaced: a message, nothing changed.
        doc = office.load(copy(office, cases[0]))
        try:
            doc.Sheets.insertNewByName(REPORT, 0)
            doc.Sheets.getByName(REPORT).getCellRangeByName("A1").setString("my notes")
            res = dispatch(office, doc, "org.kpifunctions:audit")
            ck.check(res.State == 0 and "rename it" in res.Result, f"user's own 'KPI audit' sheet: refused ({res.Result})")
            ck.check(doc.Sheets.getByName(REPORT).getCellRangeByName("A1").getString() == "my notes" and marks(doc) == [],
                     "user's own 'KPI audit' sheet kept, no mark drawn")
        finally:
            doc.close(True)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
