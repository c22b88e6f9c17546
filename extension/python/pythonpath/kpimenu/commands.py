"""The commands of the KPI menu (dispatch URLs org.kpifunctions:<name>).

Each returns (ok, text): the text is shown to the user when something went
wrong and is the dispatch result a macro or a test receives."""
import os
import traceback

from . import finder, report
from .ui import dispatch, file_url, message, tr, ui_language

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
    entries = finder.load()
    entry, wizard = InsertDialog(ctx, frame.getContainerWindow(), lang, entries).run()
    if entry is None:
        return True, ""
    where = do_insert(ctx, frame, doc, entry, wizard)
    return True, f"{entry['name']} {where or ''}".strip()


def audit(ctx, frame, lang):
    from . import engine
    doc = _document(frame)
    if not _is_calc(doc):
        return False, tr(lang, "audit_not_sheet")
    undo = doc.UndoManager
    undo.enterUndoContext(tr(lang, "audit_title"))
    try:
        report.remove_previous(doc)  # before the audit: never audit our own report
        try:
            result = engine.audit(ctx, doc, finder.load())
        except engine.Unavailable:
            return False, tr(lang, "audit_unavailable")
        title = os.path.basename(doc.getURL()) or doc.Title
        marks = report.write(doc, result, lang, title)
    finally:
        undo.leaveUndoContext()
    doc.getCurrentController().setActiveSheet(doc.Sheets.getByName(report.REPORT_SHEET))
    n = len(result["findings"])
    return True, f"{n} finding(s), {marks} cell(s) marked"


def portable(ctx, frame, lang):
    try:
        from kpitools import portable as kp  # noqa: F401  (issue 11, not in this version yet)
    except ImportError:
        return False, tr(lang, "portable_unavailable")
    return False, tr(lang, "portable_unavailable")


def reference(ctx, frame, lang):
    path = os.path.join(REFERENCE_DIR, f"functions-{lang}.html")
    if not os.path.isfile(path):
        return False, tr(lang, "reference_missing", path)
    shell = ctx.ServiceManager.createInstanceWithContext("com.sun.star.system.SystemShellExecute", ctx)
    from com.sun.star.system.SystemShellExecuteFlags import URIS_ONLY
    shell.execute(file_url(path), "", URIS_ONLY)
    return True, file_url(path)


def templates(ctx, frame, lang):
    # File ▸ New ▸ Templates: the extension's templates are in its "Marketing KPI" category.
    dispatch(ctx, frame, ".uno:NewDoc")
    return True, ""


COMMANDS = {"insert": insert, "audit": audit, "portable": portable, "reference": reference,
            "templates": templates}


def run(ctx, frame, name):
    """Runs a command; never raises (the menu is UNO glue): a failure becomes
    a message box and a (False, text) result."""
    lang = ui_language(ctx)
    try:
        ok, text = COMMANDS[name](ctx, frame, lang)
    except Exception as e:
        detail = getattr(e, "Message", None) or str(e) or type(e).__name__
        traceback.print_exc()
        ok, text = False, tr(lang, "internal", f"{type(e).__name__}: {detail}")
    if not ok:
        message(ctx, frame, tr(lang, "error_title"), text, error=True)
    return ok, text
