"""The commands of the KPI menu (dispatch URLs org.kpifunctions:<name>).

Each returns (ok, text): the text is shown to the user when something went
wrong and is the dispatch result a macro or a test receives."""
import os
import shutil
import tempfile
import time
import traceback

import uno

from . import finder, report
from .progress import Progress, Stopped, busy_text, progress_open
from .ui import dispatch, file_url, message, props, tr, ui_language

# commands.py is <extension>/python/pythonpath/kpimenu/commands.py.
EXTENSION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
REFERENCE_DIR = os.path.join(EXTENSION_ROOT, "reference")


def _document(frame):
    ctrl = frame.getController() if frame is not None else None
    return ctrl.getModel() if ctrl is not None else None


def _is_calc(doc):
    return doc is not None and doc.supportsService("com.sun.star.sheet.SpreadsheetDocument")


def insert(ctx, frame, lang):
    from .insert import InsertDialog, insert as do_insert
    doc = _document(frame)
    if not _is_calc(doc):
        return False, tr(lang, "audit_not_sheet")
    from .insert import read_selection
    entries = finder.load()
    entry, wizard, plan = InsertDialog(ctx, frame.getContainerWindow(), lang, entries, read_selection(doc)).run()
    if entry is None:
        return True, ""
    where = do_insert(ctx, frame, doc, entry, wizard, plan, lang)
    if where is None:  # a shape or a chart was selected, not cells
        return False, tr(lang, "insert_no_cells")
    return True, f"{entry['name']} {where}"


class _StatusBar:
    """The frame's status bar text while a command works (nothing where the
    frame has none, as in a test's hidden document)."""

    def __init__(self, frame):
        try:
            self.ind = frame.createStatusIndicator()
            self.ind.start("", 0)
        except Exception:
            self.ind = None

    def say(self, text):
        if self.ind is not None:
            self.ind.setText(text)

    def end(self):
        if self.ind is not None:
            self.ind.end()


def _progress_window(ctx, frame, lang, args, default_limit, **kw):
    """The progress window with Cancel of a long command, and its time limit:
    default_limit, or the lower MaxSeconds a macro or a test passes (with
    CancelAfter, a simulated click after that many seconds)."""
    args = args or {}
    limit = min(default_limit, float(args.get("MaxSeconds") or default_limit))
    cancel_after = args.get("CancelAfter")
    window = Progress(ctx, frame.getContainerWindow() if frame is not None else None, lang, limit,
                      float(cancel_after) if cancel_after is not None else None, **kw)
    return window, limit


def audit(ctx, frame, lang, args=None):
    """The audit of the open workbook, behind a progress window with Cancel
    and a time limit (AUDIT_LIMIT; a macro or a test may pass MaxSeconds
    and CancelAfter, as for the portable copy). The document is only read
    until the audit is done: a stop leaves it as it was (the previous
    report and its marks too); the report is then written in one go."""
    from . import engine
    try:
        from kpitools.audit.package import Budget
    except ImportError:
        return False, tr(lang, "audit_unavailable")
    doc = _document(frame)
    if not _is_calc(doc):
        return False, tr(lang, "audit_not_sheet")
    if doc.Sheets.hasByName(report.REPORT_SHEET) and not report.is_report(doc.Sheets.getByName(report.REPORT_SHEET)):
        return False, tr(lang, "audit_not_ours", report.REPORT_SHEET)
    status = _StatusBar(frame)  # the audit runs on Calc's own thread: say what it is doing
    window, limit = _progress_window(ctx, frame, lang, args, AUDIT_LIMIT, kind="audit")
    said = []

    def progress(step):
        if not said or said[-1] != step:
            said.append(step)
            status.say(tr(lang, "progress_" + step))
        window(step)

    budget = Budget(MENU_MAX_BYTES, MENU_MAX_CELLS, time.monotonic() + min(limit, MENU_TIMEOUT))
    audited = False
    try:
        try:
            # The previous report is not audited (and stays until the new one replaces it).
            result = engine.audit(ctx, doc, progress=progress, budget=budget, skip=report.is_report)
            audited = True
        except Stopped as e:
            return False, tr(lang, "audit_failed", str(e))
        except engine.Unavailable:
            return False, tr(lang, "audit_unavailable")
        except engine.Failed as e:
            return False, tr(lang, "audit_failed", e)
    finally:
        window.close()
        if not audited:
            status.end()
    undo = doc.UndoManager
    undo.enterUndoContext(tr(lang, "audit_title"))
    try:
        status.say(tr(lang, "progress_report"))
        try:
            removed = report.remove_previous(doc)
        except report.NotOurs:
            return False, tr(lang, "audit_not_ours", report.REPORT_SHEET)
        title = os.path.basename(doc.getURL()) or doc.Title
        drawn = report.write(doc, result, lang, title)
        # The frames are drawn outside Calc's undo (report._no_undo): this action of the same
        # context takes them away and puts the previous run's back, and Redo the reverse.
        undo.addUndoAction(report.marks_undo_action(doc, tr(lang, "audit_title"), removed, drawn))
    finally:
        status.end()
        undo.leaveUndoContext()
    doc.getCurrentController().setActiveSheet(doc.Sheets.getByName(report.REPORT_SHEET))
    report.freeze(doc)
    n = len(result["findings"])
    return True, f"{n} finding(s), {len(drawn)} cell(s) marked"


# The bounds of the passes over the document's file (the portable copy's
# link removal, the audit's reading of the values stored in the file as last
# saved): the document is open already, so these only stop a runaway pass,
# above what kpi-audit allows by default (200 MB, 5,000,000 cells: a file
# that full unpacks to some 700 MB): 1 GB unpacked, 10,000,000 cells, and
# the command's own time limit (docs/guide/robustness.md).
MENU_MAX_BYTES, MENU_MAX_CELLS, MENU_TIMEOUT = 1024 ** 3, 10_000_000, 300
# The audit's time limit, reading and rules (its report is written after).
AUDIT_LIMIT = 120
# The conversion itself shows a progress window with Cancel and stops by
# itself after PORTABLE_LIMIT seconds (kpimenu/progress.py): Calc's window
# is never held longer without a way out. A macro or a test may pass
# MaxSeconds (a lower limit) and CancelAfter (a simulated click).
PORTABLE_LIMIT = 300
PORTABLE_FILTERS = {".ods": ("calc8", "ODF Spreadsheet (.ods)"),
                    ".xlsx": ("Calc MS Excel 2007 XML", "Excel 2007-365 (.xlsx)")}


def _ask_target(ctx, frame, lang, doc):
    """The file dialog: where to save the portable copy (None when cancelled)."""
    from com.sun.star.ui.dialogs.TemplateDescription import FILESAVE_AUTOEXTENSION
    fp = ctx.ServiceManager.createInstanceWithArgumentsAndContext(
        "com.sun.star.ui.dialogs.FilePicker", (FILESAVE_AUTOEXTENSION,), ctx)
    fp.setTitle(tr(lang, "portable_title"))
    for ext, (_f, label) in PORTABLE_FILTERS.items():
        fp.appendFilter(label, "*" + ext)
    name = os.path.splitext(os.path.basename(doc.getURL()) or doc.Title)[0]
    fp.setDefaultName(f"{name}-portable")
    if doc.getURL():
        fp.setDisplayDirectory(doc.getURL().rsplit("/", 1)[0])
    if fp.execute() != 1:
        return None
    url = fp.getSelectedFiles()[0]
    return uno.fileUrlToSystemPath(url)


def portable(ctx, frame, lang, args=None):
    """A copy of the open workbook with every KPI call replaced by native
    formulas (issue 11's conversion); the open document is left as it is."""
    try:
        from kpitools.audit.package import Budget
        from kpitools.audit.readers import neutral_copy
        from kpitools.office.untrusted import open_copy
        from kpitools.portable import native
        from kpitools.portable.convert import convert_document
    except ImportError:
        return False, tr(lang, "portable_unavailable")
    native.use_catalogue(finder.load())  # the arguments and defaults of each function
    doc = _document(frame)
    if not _is_calc(doc):
        return False, tr(lang, "audit_not_sheet")
    given = (args or {}).get("URL")  # a macro or a test may name the file: no dialog
    path = uno.fileUrlToSystemPath(given) if given and given.startswith("file:") else given
    path = path or _ask_target(ctx, frame, lang, doc)
    if not path:
        return True, ""
    ext = os.path.splitext(path)[1].lower()
    if ext not in PORTABLE_FILTERS:
        path, ext = path + ".ods", ".ods"
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    tmp_dir = tempfile.mkdtemp(prefix="kpi-portable-")
    tmp = os.path.join(tmp_dir, "copy.ods")
    quiet = os.path.join(tmp_dir, "quiet.ods")
    copy = None
    progress, _ = _progress_window(ctx, frame, lang, args, PORTABLE_LIMIT)
    try:
        # Convert a copy: the user's document keeps its formulas, its file and its undo history.
        doc.storeToURL(file_url(tmp), props(FilterName="calc8"))
        # Opened as kpi-portable opens a file (kpitools.office.untrusted):
        # without its links to the outside, no macro, no link update. Linked
        # to the outside, the hidden copy would fetch its linked images as it
        # loads and as it is written, and its new formulas would escape the
        # user's answer to "update links?" (the rewritten ones never fetch:
        # kpitools.portable.fetch).
        neutral_copy(tmp, ".ods", quiet, Budget(MENU_MAX_BYTES, MENU_MAX_CELLS, time.monotonic() + MENU_TIMEOUT))
        progress("copy")
        copy = open_copy(desktop, quiet, "calc8", read_only=False)
        summary = convert_document(copy, lang=lang, progress=progress)
        progress("save")
        copy.storeToURL(file_url(path), props(FilterName=PORTABLE_FILTERS[ext][0], Overwrite=True))
    except Stopped as e:
        return False, tr(lang, "portable_failed", str(e))
    except Exception as e:
        return False, tr(lang, "portable_failed", getattr(e, "Message", None) or str(e))
    finally:
        progress.close()
        if copy is not None:
            try:
                copy.close(True)
            except Exception:
                pass
        shutil.rmtree(tmp_dir, ignore_errors=True)
    n_rw, n_fr = len(summary.get("rewritten", [])), len(summary.get("frozen", []))
    text = tr(lang, "portable_done", path) + "\n" + tr(lang, "portable_counts", rewritten=n_rw, frozen=n_fr)
    if not given:
        message(ctx, frame, tr(lang, "portable_title"), text)
    return True, text


def reference(ctx, frame, lang, args=None):
    """The reference in the UI language, at one function's entry with args {"fn": "KPI.CPL"} (a link of a
    template's About sheet). The entry is opened through its own small page (reference/<lang>/kpicpl.html,
    make_reference.py), which forwards to functions-<lang>.html#kpicpl: the desktop's opener drops the
    "#..." of a file address (xdg-open does), so the page itself carries the anchor. An unknown function
    (a template newer than the extension) opens the whole reference."""
    path = os.path.join(REFERENCE_DIR, f"functions-{lang}.html")
    if not os.path.isfile(path):
        return False, tr(lang, "reference_missing", path)
    page = (args or {}).get("page", "")
    if page == "import-headers" and os.path.isfile(os.path.join(REFERENCE_DIR, "import-headers.html")):
        path = os.path.join(REFERENCE_DIR, "import-headers.html")  # the Imports sheets' link
    fn = (args or {}).get("fn", "")
    if fn:
        entry = next((e for e in finder.load() if finder.same_function(e, fn)), None)
        entry_page = os.path.join(REFERENCE_DIR, lang, finder.anchor(entry["name"]) + ".html") if entry else ""
        if os.path.isfile(entry_page):
            path = entry_page
    if not open_page(ctx, path):
        # No web browser (xdg-open missing or failing): say where the page is rather than nothing.
        text = tr(lang, "reference_no_browser", path)
        message(ctx, frame, tr(lang, "error_title"), text)
        return True, text
    return True, file_url(path)


def open_page(ctx, path):
    """Hands the page to the desktop's opener; False when none can open it. LibreOffice's
    SystemShellExecute starts xdg-open and returns at once (7.4): a missing or failing opener
    shows only in LibreOffice's log, so the opener is looked for first on Linux, and its exit
    status read."""
    import subprocess
    import sys
    if sys.platform.startswith("linux"):
        opener = shutil.which("xdg-open")
        if opener is None:
            return False
        try:
            proc = subprocess.Popen([opener, file_url(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            return False
        try:
            # A failing opener ("no method available") ends at once with an error; one still running
            # after a few seconds is a browser that started (xdg-open may wait for it to close).
            return proc.wait(timeout=3) == 0
        except subprocess.TimeoutExpired:
            return True
    shell = ctx.ServiceManager.createInstanceWithContext("com.sun.star.system.SystemShellExecute", ctx)
    from com.sun.star.system.SystemShellExecuteFlags import URIS_ONLY
    try:
        shell.execute(file_url(path), "", URIS_ONLY)
    except Exception:
        return False
    return True


def templates(ctx, frame, lang):
    # File ▸ New ▸ Templates: the extension's templates are in its categories "Marketing KPI"
    # (English) and "KPI marketing" (French).
    dispatch(ctx, frame, ".uno:NewDoc")
    return True, ""


COMMANDS = {"insert": insert, "audit": audit, "portable": portable, "reference": reference,
            "templates": templates}


def run(ctx, frame, name, args=None):
    """Runs a command; never raises (the menu is UNO glue): a failure becomes
    a message box and a (False, text) result. args: the dispatch arguments
    ({"URL": ...} for portable, {"fn": "KPI.CPL"} for reference)."""
    lang = ui_language(ctx)
    if progress_open():
        # A command's progress window lets LibreOffice handle events, menu
        # clicks included: a second command would run inside the first.
        return False, busy_text(lang)
    try:
        fn = COMMANDS[name]
        ok, text = fn(ctx, frame, lang, args) if name in ("portable", "reference", "audit") else fn(ctx, frame, lang)
    except Exception as e:
        detail = getattr(e, "Message", None) or str(e) or type(e).__name__
        traceback.print_exc()
        ok, text = False, tr(lang, "internal", f"{type(e).__name__}: {detail}")
    if not ok:
        message(ctx, frame, tr(lang, "error_title"), text, error=True)
    return ok, text
