"""The KPI menu in a real Calc window (Xvfb, openbox, SAL_USE_VCLPLUGIN=gen),
driven by the keyboard as a user would, in English and then in French:

  select cost and leads (A2:B4) → Alt+K opens the KPI menu (screenshot) →
  I opens "Insert a KPI" → type "lead" (screenshot) → Enter inserts the first
  match → A5 holds =KPI.CPL(A2:A4;B2:B4) = 150 (worked out by hand:
  (12000 + 8000 + 10000) / (80 + 60 + 60)), screenshot.

Issue 23 adds, each checked against values worked out by hand:
  the inserted CPL in the currency format; in English one row A2:B2 →
  C2 =KPI.CPL(A2;B2) = 150, and the Function Wizard on an incomplete call
  showing its arguments' boxes; in French Envoyés | Ouvertures → the header
  row puts opens first (=KPI.OPENRATE(E2:E4;D2:D4) = 1000/3700, in %), then
  Échanger gives 370 % and a warning; the audit of examples/campaign.fods
  with an average of CPLs in B18 (screenshots in both languages), in French:
  the report's texts and numbers in French, one severity column, frozen
  header, autofilter, no "no value stored" noise; Undo, Redo, a second run,
  undoing both, saving and reopening: never a frame left behind.

Then the B2B template in that language: Ctrl+click on the first link of its
About sheet (org.kpifunctions:reference?fn=KPI.SHARE) opens that function's
page of the reference in the UI language (a stand-in xdg-open on PATH records
what LibreOffice hands to the desktop), screenshot.

The screenshots stay in --out (the build tree). Exit code 77 (skipped) when
Xvfb, xdotool, ImageMagick, openbox or the GUI Calc are missing. Xvfb,
openbox and soffice are always killed and the profiles removed.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from harness import Checker
from kpitools.office import session as kpicalc
from kpitools.office.session import Office, install_extension

# soffice must run the package inside the .oxt, not the source tree's.
os.environ.pop("PYTHONPATH", None)

SKIP = 77
GEN_PLUGIN = os.path.join(kpicalc.PROGRAM_DIR, "libvclplug_genlo.so")
TITLES = {"en": ("Insert a KPI", "Function Wizard", "Templates"),
          "fr": ("Insérer un KPI", "Assistant Fonctions", "Modèles")}


def gui_missing():
    """True (and says what) when this machine cannot show a Calc window."""
    missing = [t for t in ("Xvfb", "xdotool", "import", "openbox") if not shutil.which(t)]
    if missing or not os.path.exists(GEN_PLUGIN):
        print(f"SKIP: needs {' '.join(missing) or 'the GUI LibreOffice Calc (libreoffice-calc)'}")
        return True
    return False


class Desktop:
    """Xvfb + openbox on a free display; everything started here is killed in close()."""

    def __init__(self):
        self.procs = []
        self.display = None

    def start(self):
        r, w = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=kpicalc._die_with_parent)
        self.procs.append(xvfb)
        os.close(w)
        with os.fdopen(r) as f:
            self.display = ":" + f.readline().strip()
        self.env = dict(os.environ, DISPLAY=self.display, SAL_USE_VCLPLUGIN="gen")
        self.env.pop("URE_MORE_TYPES", None)
        self.procs.append(subprocess.Popen(["openbox"], env=self.env, stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, preexec_fn=kpicalc._die_with_parent))
        time.sleep(1)

    def run(self, *args):
        return subprocess.run(list(args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True, timeout=30).stdout

    def key(self, *keys):
        self.run("xdotool", "key", "--delay", "120", *keys)
        time.sleep(1.0)

    def type(self, text):
        self.run("xdotool", "type", "--delay", "120", text)
        time.sleep(1.0)

    def wait_window(self, name, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.run("xdotool", "search", "--name", name).strip():
                return True
            time.sleep(0.5)
        return False

    def shot(self, path):
        self.run("import", "-window", "root", path)
        return os.path.isfile(path)

    def close(self):
        for p in reversed(self.procs):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


def scenario(ck, x, office, lang, out):  # noqa: C901 (one user's session, step by step)
    title, wizard, templates = TITLES[lang]
    doc = office.desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, ())
    try:
        win = doc.getCurrentController().getFrame().getContainerWindow()
        win.setPosSize(0, 0, 1280, 800, 15)
        sheet = doc.Sheets.getByIndex(0)
        sheet.getCellRangeByName("A1:B4").setDataArray(
            (("Cost" if lang == "en" else "Coût", "Leads"), (12000, 80), (8000, 60), (10000, 60)))
        if lang == "fr":  # a filled cell below the selection is never overwritten: the formula goes lower
            sheet.getCellRangeByName("A5").setString("note")
        doc.getCurrentController().select(sheet.getCellRangeByName("A2:B4"))
        time.sleep(2)
        x.run("xdotool", "search", "--name", "Untitled|Sans titre|Sans nom", "windowactivate")
        time.sleep(1)
        x.key("alt+k")
        ck.check(x.shot(os.path.join(out, f"menu-{lang}.png")), f"{lang}: screenshot of the KPI menu")
        x.key("i")
        ck.check(x.wait_window(title), f"{lang}: the '{title}' dialog opened")
        x.type("lead")
        ck.check(x.shot(os.path.join(out, f"insert-{lang}.png")), f"{lang}: screenshot of the dialog")
        x.key("Return")
        time.sleep(2)
        where = "A5" if lang == "en" else "A6"
        cell = sheet.getCellRangeByName(where)
        ck.check(cell.getFormula() == "=KPI.CPL(A2:A4;B2:B4)",
                 f"{lang}: {where} holds =KPI.CPL(A2:A4;B2:B4): {cell.getFormula()!r}")
        ck.check(abs(cell.getValue() - 150.0) < 1e-9, f"{lang}: {where} = 150 ({cell.getValue()})")
        ck.check(lang == "en" or sheet.getCellRangeByName("A5").getString() == "note", f"{lang}: A5 kept")
        ck.check(x.shot(os.path.join(out, f"inserted-{lang}.png")), f"{lang}: screenshot after inserting")
        ck.check(number_type(doc, cell) == CURRENCY, f"{lang}: {where} in the currency format (a cost per lead)")
        if lang == "fr":
            email_scenario(ck, x, doc, sheet, title, out)
        if lang == "en":
            # One row (one month's cost and leads): each cell is one argument, the result to its right.
            doc.getCurrentController().select(sheet.getCellRangeByName("A2:B2"))
            time.sleep(1)
            x.key("alt+k", "i")
            ck.check(x.wait_window(title), f"{lang}: the dialog opened for one row")
            x.type("cpl")
            x.key("Return")
            time.sleep(1)
            c2 = sheet.getCellRangeByName("C2")
            ck.check(c2.getFormula() == "=KPI.CPL(A2;B2)" and abs(c2.getValue() - 150.0) < 1e-9,
                     f"{lang}: one row A2:B2 gives C2 =KPI.CPL(A2;B2) = 12000/80 = 150: {c2.getFormula()!r}")
            ck.check(not x.run("xdotool", "search", "--name", wizard).strip(), f"{lang}: no wizard for one row")
            # One column for KPI.CPL's two arguments: the function wizard asks for the rest.
            doc.getCurrentController().select(sheet.getCellRangeByName("B2:B4"))
            time.sleep(1)
            x.key("alt+k", "i")
            ck.check(x.wait_window(title), f"{lang}: the dialog opened again")
            x.type("cpl")
            x.key("Return")
            ck.check(x.wait_window(wizard), f"{lang}: the function wizard opened on the incomplete formula")
            time.sleep(1)
            ck.check(x.shot(os.path.join(out, f"wizard-{lang}.png")), f"{lang}: screenshot of the wizard")
            # The wizard shows KPI.CPL's argument boxes (its Functions page), not its Structure page.
            labels = wizard_labels(office, wizard)
            ck.check("cost" in labels and "leads" in labels,
                     f"{lang}: the wizard shows the arguments' boxes (labels {sorted(labels)[:12]})")
            x.key("Escape")
            ck.check(sheet.getCellRangeByName("B5").getFormula().startswith("=KPI.CPL(B2:B4"),
                     f"{lang}: B5 holds the started formula: {sheet.getCellRangeByName('B5').getFormula()!r}")
            x.key("alt+k", "t")
            ck.check(x.wait_window(templates), f"{lang}: KPI > Templates opened the template dialog")
            ck.check(x.shot(os.path.join(out, f"templates-{lang}.png")), f"{lang}: screenshot of the templates")
            x.key("Escape")
    finally:
        doc.setModified(False)
        doc.close(True)


CURRENCY, PERCENT = 8, 128  # com.sun.star.util.NumberFormat


def number_type(doc, cell):
    return doc.NumberFormats.getByKey(cell.NumberFormat).Type & (CURRENCY | PERCENT)


def wizard_labels(office, title):
    """The texts of the labels in the window titled title (the accessibility tree of LibreOffice's windows)."""
    from com.sun.star.accessibility.AccessibleRole import LABEL
    tk = office.smgr.createInstanceWithContext("com.sun.star.awt.Toolkit", office.ctx)
    out = set()

    def walk(acc, depth=0):
        ctx = acc.getAccessibleContext()
        if ctx.getAccessibleRole() == LABEL:
            out.add(ctx.getAccessibleName().strip())
        for i in range(min(ctx.getAccessibleChildCount(), 200)):
            if depth < 12:
                walk(ctx.getAccessibleChild(i), depth + 1)
    for i in range(tk.getTopWindowCount()):
        w = tk.getTopWindow(i)
        try:
            if title in (w.getAccessibleContext().getAccessibleName() or ""):
                walk(w)
        except Exception:
            pass
    return out


def email_scenario(ck, x, doc, sheet, title, out):
    """Issue 23, item 2: Envoyés | Ouvertures (sent, then opens, as Brevo and
    Mailchimp export them): the header row puts Ouvertures on opens whatever
    its column. Sums by hand: opens 250 + 300 + 450 = 1000, sent 1000 + 1200 +
    1500 = 3700: 1000 / 3700 = 27.03 %. Swapped: 3700 / 1000 = 370 %, which an
    open rate cannot be: a warning."""
    sheet.getCellRangeByName("D1:E4").setDataArray(
        (("Envoyés", "Ouvertures"), (1000, 250), (1200, 300), (1500, 450)))
    for swap, where, want, value in ((False, "D5", "=KPI.OPENRATE(E2:E4;D2:D4)", 1000 / 3700),
                                     (True, "D6", "=KPI.OPENRATE(D2:D4;E2:E4)", 3.7)):
        doc.getCurrentController().select(sheet.getCellRangeByName("D2:E4"))
        time.sleep(1)
        x.key("alt+k", "i")
        ck.check(x.wait_window(title), "fr: the dialog opened on Envoyés | Ouvertures")
        x.type("taux d'ouverture")
        ck.check(x.shot(os.path.join(out, f"insert-mapping{'-swapped' if swap else ''}-fr.png")),
                 "fr: screenshot of the dialog with its arguments")
        if swap:
            x.key("alt+c")  # Échanger
            x.shot(os.path.join(out, "insert-mapping-swapped-fr.png"))
        x.key("Return")
        time.sleep(2)
        if swap:
            ck.check(x.wait_window("Fonctions KPI", 10), "fr: a warning for an open rate above 100 %")
            x.shot(os.path.join(out, "insert-above-100-fr.png"))
            x.key("Return")
        cell = sheet.getCellRangeByName(where)
        ck.check(cell.getFormula() == want and abs(cell.getValue() - value) < 1e-9,
                 f"fr: {where} holds {want} = {value:.4f}: {cell.getFormula()!r} = {cell.getValue()}")
        ck.check(number_type(doc, cell) == PERCENT, f"fr: {where} in a percent format")


def cell_on_screen(doc, sheet, col, row):
    """The middle of a cell's left part on the screen, from Calc's accessibility tree (the sheet's table)."""
    from com.sun.star.accessibility.AccessibleRole import TABLE

    def table(acc):
        ctx = acc.getAccessibleContext()
        if ctx.getAccessibleRole() == TABLE:
            return ctx
        for i in range(min(ctx.getAccessibleChildCount(), 50)):
            found = table(ctx.getAccessibleChild(i))
            if found is not None:
                return found
        return None

    grid = table(doc.getCurrentController().getFrame().getContainerWindow())
    cell = grid.getAccessibleCellAt(row, col).getAccessibleContext()
    at, size = cell.getLocationOnScreen(), cell.getSize()
    return at.X + 12, at.Y + size.Height // 2


def about_link_scenario(ck, x, office, lang, template, opened, out):
    """Ctrl+click on the first link of a template's About sheet, as a user follows it."""
    doc = office.desktop.loadComponentFromURL(kpicalc.file_url(template), "_blank", 0,
                                              kpicalc.props(AsTemplate=True))
    try:
        doc.getCurrentController().getFrame().getContainerWindow().setPosSize(0, 0, 1280, 800, 15)
        about = doc.Sheets.getByIndex(doc.Sheets.Count - 1)
        doc.getCurrentController().setActiveSheet(about)
        row, link = next((r, f.URL) for r in range(60) for f in fields(about.getCellByPosition(3, r)))
        doc.getCurrentController().select(about.getCellByPosition(5, 0))  # the cursor away from the link
        time.sleep(2)
        x.run("xdotool", "search", "--name", "Untitled|Sans titre|Sans nom", "windowactivate")
        time.sleep(1)
        cx, cy = cell_on_screen(doc, about, 3, row)
        if os.path.exists(opened):
            os.remove(opened)
        x.run("xdotool", "mousemove", str(cx), str(cy))
        time.sleep(1)
        x.run("xdotool", "keydown", "ctrl", "click", "1", "keyup", "ctrl")
        deadline = time.monotonic() + 20
        while not os.path.exists(opened) and time.monotonic() < deadline:
            time.sleep(0.3)
        got = open(opened).read().strip() if os.path.exists(opened) else ""
        fn = link.partition("fn=")[2]
        want = f"/reference/{lang}/{fn.lower().replace('.', '')}.html"
        ck.check(link.startswith("org.kpifunctions:reference?fn=") and got.endswith(want),
                 f"{lang}: Ctrl+click on the About link {link!r} opened {got!r} (…{want})")
        ck.check(x.shot(os.path.join(out, f"about-link-{lang}.png")), f"{lang}: screenshot of the About sheet")
    finally:
        doc.setModified(False)
        doc.close(True)


def fields(cell):
    out, en = [], cell.getTextFields().createEnumeration()
    while en.hasMoreElements():
        out.append(en.nextElement())
    return out


def shapes(doc):
    """Every shape on every sheet: (sheet, name)."""
    return [(doc.Sheets.getByIndex(i).Name, doc.Sheets.getByIndex(i).DrawPage.getByIndex(j).Name)
            for i in range(doc.Sheets.Count) for j in range(doc.Sheets.getByIndex(i).DrawPage.Count)]


def menu_audit(ck, x, doc, window, label):
    """KPI ▸ Audit this workbook from the keyboard, in the window whose title has `window`."""
    x.run("xdotool", "search", "--name", window, "windowactivate")
    time.sleep(1)
    x.key("alt+k", "a")
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not doc.Sheets.hasByName("KPI audit"):
        time.sleep(0.5)
    time.sleep(2)
    ck.check(doc.Sheets.hasByName("KPI audit"), f"{label}: the report is written")


def audit_screens_en(ck, x, office, example, out):
    """The English report and frames, for the guide's pictures (the undo and the French report: below)."""
    copy = office.scratch("campaign-audit-en.fods")
    shutil.copyfile(example, copy)
    doc = office.desktop.loadComponentFromURL(kpicalc.file_url(copy), "_blank", 0, ())
    try:
        doc.getCurrentController().getFrame().getContainerWindow().setPosSize(0, 0, 1280, 800, 15)
        sheet = doc.Sheets.getByIndex(0)
        sheet.getCellRangeByName("A18").setString("Average CPL")
        sheet.getCellRangeByName("B18").setFormula("=AVERAGE(J4:J7)")
        time.sleep(1)
        menu_audit(ck, x, doc, "campaign-audit-en", "en: audit")
        head = doc.Sheets.getByName("KPI audit").getCellRangeByPosition(0, 4, 4, 4).getDataArray()[0] \
            if doc.Sheets.hasByName("KPI audit") else ()
        ck.check(head == ("Severity", "Cell", "Check", "Explanation", "Suggested fix"), f"en: the report {head}")
        ck.check(x.shot(os.path.join(out, "audit-en.png")), "en: screenshot of the report")
        doc.getCurrentController().setActiveSheet(sheet)
        time.sleep(1)
        ck.check(x.shot(os.path.join(out, "marks-en.png")), "en: screenshot of the marked cells")
    finally:
        doc.setModified(False)
        doc.close(True)


def audit_scenario(ck, x, office, example, out):
    """Issue 23, items 1, 3, 6, 7: KPI ▸ Audit in French on examples/campaign.fods
    with an average of monthly CPLs typed in B18 (a sum over a sum was meant:
    one red frame), then Undo, Redo, audit again, undo everything, save,
    reopen and audit after emptying B18: never a frame left behind."""
    # The shipped file as it is (its KPI cells carry no stored value: the "no value stored" noise).
    copy = office.scratch("campaign-audit.fods")
    shutil.copyfile(example, copy)
    doc = office.desktop.loadComponentFromURL(kpicalc.file_url(copy), "_blank", 0, ())
    name = "campaign-audit"
    try:
        doc.getCurrentController().getFrame().getContainerWindow().setPosSize(0, 0, 1280, 800, 15)
        sheet = doc.Sheets.getByIndex(0)
        own = shapes(doc)  # the example's own drawings (its charts), never touched
        sheet.getCellRangeByName("A18").setString("Average CPL")
        sheet.getCellRangeByName("B18").setFormula("=AVERAGE(J4:J7)")
        time.sleep(1)

        def run_audit(label):
            menu_audit(ck, x, doc, name, f"fr: {label}")

        def frames():
            return [s for s in shapes(doc) if s not in own]

        run_audit("first audit")
        ck.check(x.shot(os.path.join(out, "audit-fr.png")), "fr: screenshot of the report")
        rep = doc.Sheets.getByName("KPI audit")
        rows = rep.getCellRangeByPosition(0, 4, 5, 30).getDataArray()
        head = rows[0]
        ck.check(head[:5] == ("Gravité", "Cellule", "Contrôle", "Explication", "Correction proposée")
                 and head[5] == "",
                 f"fr: one severity column, French headers: {head}")
        found = [r for r in rows[1:] if r[0] in ("erreur", "avertissement", "info")]
        texts = " ".join(" ".join(str(c) for c in r) for r in found)
        english = [w for w in (" the ", " of ", " where ", "shows", "gives", "hand-written", "over the whole")
                   if w in f" {texts} "]
        ck.check(found and not english, f"fr: every finding in French (English words: {english}): {found}")
        ck.check(any(r[0] == "erreur" and "B18" in r[1] and r[2] == "Moyenne de ratios" for r in found),
                 f"fr: B18's average of ratios reported as an error: {found}")
        ck.check(not any("enregistrée" in r[2] for r in found), "fr: no 'no stored values' noise inside Calc")
        # The CPLs in the message with a decimal comma: 43,16679729 (J4:J7's average, the example's).
        ck.check(re.search(r"\d,\d", texts) and not re.search(r"\d\.\d", texts),
                 f"fr: numbers with a decimal comma: {texts[:300]}")
        ctrl = doc.getCurrentController()
        ck.check(ctrl.hasFrozenPanes(), "fr: the report's header row is frozen")
        ck.check(doc.DatabaseRanges.hasByName("kpi_audit_findings")
                 and doc.DatabaseRanges.getByName("kpi_audit_findings").AutoFilter, "fr: an autofilter on the findings")
        first = frames()
        ck.check(len(first) >= 1 and any("B18" in n for _s, n in first), f"fr: a frame on B18 ({first})")
        ctrl.setActiveSheet(sheet)
        time.sleep(1)
        ck.check(x.shot(os.path.join(out, "marks-fr.png")), "fr: screenshot of the marked cells")

        x.key("ctrl+z")
        ck.check(office.alive(), "fr: LibreOffice still runs after undoing the audit")
        ck.check(not doc.Sheets.hasByName("KPI audit") and frames() == [],
                 f"fr: one Undo removed the report and every frame ({frames()} left)")
        ck.check(x.shot(os.path.join(out, "undone-fr.png")), "fr: screenshot after Undo")
        x.key("ctrl+y")
        ck.check(doc.Sheets.hasByName("KPI audit") and sorted(frames()) == sorted(first),
                 f"fr: Redo brought the report and the frames back ({frames()})")
        run_audit("second audit")
        ck.check(sorted(frames()) == sorted(first), f"fr: a second run replaces the frames ({frames()})")
        x.key("ctrl+z")
        ck.check(doc.Sheets.hasByName("KPI audit") and sorted(frames()) == sorted(first),
                 f"fr: undoing the second run leaves the first one's report and frames ({frames()})")
        x.key("ctrl+z")
        ck.check(not doc.Sheets.hasByName("KPI audit") and frames() == [],
                 f"fr: undoing both runs leaves no frame ({frames()})")
        run_audit("audit before saving")
        doc.store()
        doc.close(True)
        doc = office.desktop.loadComponentFromURL(kpicalc.file_url(copy), "_blank", 0, ())
        doc.getCurrentController().getFrame().getContainerWindow().setPosSize(0, 0, 1280, 800, 15)
        ck.check(len(frames()) == len(first), f"fr: the frames were saved with the file ({frames()})")
        doc.Sheets.getByIndex(0).getCellRangeByName("A18:B18").clearContents(1 | 2 | 4 | 16)
        run_audit("audit after reopening")
        errors = doc.Sheets.getByName("KPI audit").getCellByPosition(0, 2).getString()
        ck.check(frames() == [] and "0 erreur" in errors,
                 f"fr: B18 emptied, saved and reopened: no frame left ({frames()}), {errors!r}")
    finally:
        doc.setModified(False)
        doc.close(True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--out", required=True, help="folder for the screenshots")
    ap.add_argument("--example", required=True, help="examples/campaign.fods: audited from the menu")
    ap.add_argument("--templates", required=True, help="examples/templates: the About links are followed")
    opts = ap.parse_args()
    if gui_missing():
        return SKIP
    os.makedirs(opts.out, exist_ok=True)
    os.makedirs(opts.workdir, exist_ok=True)
    ck = Checker("gui.menu")
    x = Desktop()
    shared = tempfile.mkdtemp(prefix="kpi-gui-", dir=opts.workdir)
    # LibreOffice hands the reference to xdg-open: a stand-in on PATH records it.
    fake_bin = os.path.join(shared, "bin")
    os.makedirs(fake_bin)
    opened = os.path.join(fake_bin, "opened.log")
    with open(os.path.join(fake_bin, "xdg-open"), "w") as f:
        f.write(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    os.chmod(os.path.join(fake_bin, "xdg-open"), 0o755)
    os.environ["PATH"] = fake_bin + os.pathsep + os.environ["PATH"]
    t0 = time.monotonic()
    try:
        x.start()
        with open(os.path.join(shared, "unopkg.log"), "w") as log:
            install_extension(opts.oxt, os.path.join(shared, "cache"), os.path.join(shared, "u" + uuid.uuid4().hex),
                              log)
        for lang in ("en", "fr"):
            with Office(workdir=opts.workdir, shared_dir=os.path.join(shared, "cache"), display=x.display,
                        ui_locale="en-US" if lang == "en" else "fr-FR",
                        locale="en-US" if lang == "en" else "fr-FR") as office:
                scenario(ck, x, office, lang, opts.out)
                about_link_scenario(ck, x, office, lang, os.path.join(
                    opts.templates, "b2b-kpis.fods" if lang == "en" else "b2b-kpis-fr.fods"), opened, opts.out)
                if lang == "fr":
                    audit_scenario(ck, x, office, opts.example, opts.out)
                else:
                    audit_screens_en(ck, x, office, opts.example, opts.out)
    finally:
        x.close()
        shutil.rmtree(shared, ignore_errors=True)
    print(f"gui.menu: {time.monotonic() - t0:.0f} s; screenshots in {opts.out}")
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
