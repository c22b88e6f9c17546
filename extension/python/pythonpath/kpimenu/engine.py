"""The kpi-audit rule engine, run on the document open in Calc.

One rule engine: the menu calls the same code as the kpi-audit command line
(shipped inside the .oxt next to this package). The command line loads a
read-only copy of a file; here the document is the user's, already open:
it is recalculated and read, never written. The stale-value check compares
with the values stored in the document's file as last saved (none for a
document never saved).
"""
import os

import uno
import unohelper


class Unavailable(Exception):
    pass


class Failed(Exception):
    """The workbook could not be audited (too many cells…): one line for the user."""


def _stored_values(ka, doc, budget=None):
    """The values stored in the document's file as last saved, or {}.
    budget: the menu's bounds on that reading (commands.MENU_MAX_*)."""
    url = doc.getURL()
    if not url.startswith("file:"):
        return {}
    path = unohelper.fileUrlToSystemPath(url)
    kind = os.path.splitext(path)[1].lower()
    if kind not in ka.FILTERS or not os.path.isfile(path):
        return {}
    try:
        return ka.read_stored(path, kind, budget=budget)
    except ka.AuditError:
        return {}


class _Scratch:
    """A hidden Calc document whose A1 computes KPI formulas for the rules
    (recomputing a hand-written KPI with the extension's own function)."""

    def __init__(self, ctx):
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        from .ui import props
        self.doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, props(Hidden=True))
        # No undo: each batch of KPI calls written and cleared would be kept
        # until the audit ends (as in kpi-audit's, office/watchdog.py).
        self.doc.IsUndoEnabled = False
        self.cell = self.doc.Sheets.getByIndex(0).getCellByPosition(0, 0)

    def eval(self, formula):
        self.cell.setFormula(formula)
        err = self.cell.getError()
        return ("error", err) if err else ("value", self.cell.getValue())

    def eval_many(self, formulas):
        """Many formulas computed together, as the command line does (kpitools/office/scratch.py)."""
        from kpitools.office import scratch
        return scratch.evaluate_many(self.doc.Sheets.getByIndex(0), formulas)

    def close(self):
        try:
            self.doc.close(True)
        except Exception:
            pass


def _rules():
    """The command line's modules (python/kpitools/audit, shipped in the .oxt)."""
    from types import SimpleNamespace
    from kpitools.audit import engine, model, readers, workbook
    return SimpleNamespace(Audit=engine.Audit, AuditError=model.AuditError, FILTERS=readers.FILTERS,
                           read_book=workbook.read_book, read_stored=readers.read_stored)


def audit(ctx, doc, max_cells=None, progress=lambda step: None, budget=None, skip=None):
    """One FILE of kpi-audit's JSON report (docs/audit-json.md) for the open
    document: sheets, cells, inventory, findings. max_cells: the command
    line's default limit; progress(step) is told "read", then "rules", and
    again and again while it works (kpimenu/progress.py: it may raise
    Stopped there, before anything is written); budget: the bounds of the
    reading of the stored values; skip(sheet): a sheet not audited (the
    previous report)."""
    try:
        ka = _rules()
    except ImportError as e:
        raise Unavailable(str(e))
    if max_cells is None:
        from kpitools.audit.readers import DEFAULT_MAX_CELLS as max_cells
    progress("read")
    from kpitools.catalogue import CatalogueError, load_catalogue
    from . import finder
    try:
        catalogue = load_catalogue(finder.CATALOGUE)  # with catalogue-tables.json, shipped beside it
    except CatalogueError as e:
        raise Failed(str(e))
    stored = _stored_values(ka, doc, budget)
    progress("read")
    doc.calculateAll()
    # Calc's FunctionAccess counts the cells of a block of errors without
    # writing into the document (workbook.uniform_code).
    functions = ctx.ServiceManager.createInstanceWithContext("com.sun.star.sheet.FunctionAccess", ctx)
    try:
        book, is_date = ka.read_book(doc, max_cells, lambda msg: None, functions=functions, skip=skip,
                                     tick=lambda: progress("read"))
    except ka.AuditError as e:
        raise Failed(str(e))
    progress("rules")
    scratch = _Scratch(ctx)
    try:
        run = ka.Audit(book, stored, catalogue, scratch.eval, is_date, kpi_batch=scratch.eval_many)
        run.keep_texts = True  # the report renders the rules' texts in the UI language
        run.live = True
        run.stop = lambda: progress("rules")  # row by row; a click on Cancel raises there
        run.run()
    except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as e:
        # A bug of the rules, not of the workbook: said as the command line says it.
        raise Failed(f"internal error of kpi-audit ({type(e).__name__}: {e}): please report it with the file")
    finally:
        scratch.close()
    return run.result(book)


_ = uno  # the uno module must be imported before com.sun.star types are used
