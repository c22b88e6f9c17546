"""A workbook loaded (a copy) in LibreOffice, recalculated, read into the model and audited."""
import os
import shutil
import uuid

from kpitools.audit.engine import Audit
from kpitools.audit.model import AuditError, SheetData
from kpitools.audit.readers import FILTERS, looks_encrypted
from kpitools.office.watchdog import AbortHandler


FORMULA_FLAG = 16  # com.sun.star.sheet.CellFlags.FORMULA


def read_book(doc, max_cells, progress):
    """{sheet name: SheetData} after recalculation; enforces the cell limit."""
    sheets = doc.Sheets
    total = 0
    book = {}
    ranges = []
    for i in range(sheets.getCount()):
        sh = sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        total += (a.EndRow + 1) * (a.EndColumn + 1)
        ranges.append((sh, a.EndRow, a.EndColumn))
    if total > max_cells:
        raise AuditError(f"workbook spans {total:,} cells, above the {max_cells:,}-cell limit "
                         "(raise it with --max-cells): not audited")
    if total > 100_000:
        progress(f"reading {total:,} cells")
    for i, (sh, er, ec) in enumerate(ranges):
        rng = sh.getCellRangeByPosition(0, 0, ec, er)
        data = [list(row) for row in rng.getDataArray()]
        forms = [list(row) for row in rng.getFormulaArray()]
        # Which cells hold a formula, from Calc itself: a text cell may also
        # start with '=' (a note such as "=KPI.NPS(...) gives the same").
        formula_cells = set()
        for a in rng.queryContentCells(FORMULA_FLAG).getRangeAddresses():
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    formula_cells.add((r, c))
        errors = {}
        for r, row in enumerate(forms):
            for c, f in enumerate(row):
                if (r, c) not in formula_cells:
                    row[c] = None
                    continue
                if f.startswith("{=") and f.endswith("}"):  # a cell of an array formula
                    row[c] = f[1:-1]
                e = sh.getCellByPosition(c, r).getError()
                if e:
                    errors[(r, c)] = e
        book[sh.getName()] = SheetData(sh.getName(), i, data, forms, errors)

    fmts = doc.getNumberFormats()

    def is_date(sheet, r, c):
        from com.sun.star.util.NumberFormat import DATE
        cell = sheets.getByIndex(sheet.index).getCellByPosition(c, r)
        try:
            return bool(fmts.getByKey(cell.NumberFormat).Type & DATE)
        except Exception:
            return False
    return book, is_date


def audit_file(session, path, kind, opts, catalogue, stored, progress):
    from kpitools.office.session import file_url, props  # needs uno: imported once LibreOffice runs
    office = session.office
    copy = office.scratch("audited-" + uuid.uuid4().hex + kind)
    shutil.copyfile(path, copy)   # LibreOffice only ever sees a copy
    handler = AbortHandler.make()
    from com.sun.star.lang import IllegalArgumentException
    from com.sun.star.io import IOException
    try:
        doc = office.desktop.loadComponentFromURL(
            file_url(copy), "_blank", 0,
            props(Hidden=True, ReadOnly=True, FilterName=FILTERS[kind], InteractionHandler=handler,
                  MacroExecutionMode=0, UpdateDocMode=0))
    except (IllegalArgumentException, IOException) as e:
        if handler.asked:
            raise AuditError("LibreOffice asked for a password or a repair: the workbook is password-protected "
                             "or damaged")
        raise AuditError(f"LibreOffice could not load it ({type(e).__name__}: {e.Message or 'no detail'})")
    if doc is None:
        if handler.asked or looks_encrypted(path):
            raise AuditError("password-protected (LibreOffice asked for a password): kpi-audit cannot read it")
        raise AuditError("LibreOffice could not load it (damaged, or not a spreadsheet)")
    try:
        if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise AuditError("not a spreadsheet")
        doc.calculateAll()
        book, is_date = read_book(doc, opts.max_cells, progress)
        audit = Audit(book, stored, catalogue, session.evaluate, is_date)
        try:
            audit.run()
        except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as e:
            # A bug of kpi-audit, not of the workbook nor of LibreOffice: say so.
            raise AuditError(f"internal error of kpi-audit ({type(e).__name__}: {e}) at "
                             f"{e.__traceback__.tb_frame.f_code.co_name if e.__traceback__ else '?'}: "
                             "please report it with the file")
        cells = sum(s.rows * s.cols for s in book.values())
        return {"sheets": len(book), "cells": cells, "inventory": audit.inventory, "findings": audit.findings}
    finally:
        try:
            doc.close(True)
        except Exception:
            pass
        try:
            os.remove(copy)
        except OSError:
            pass
