"""A workbook loaded (a copy) in LibreOffice, recalculated, read into the model and audited."""
import uuid

from kpitools.audit.engine import Audit
from kpitools.audit.model import AuditError, SheetData
from kpitools.audit.readers import FILTERS, looks_encrypted
from kpitools.office.watchdog import AbortHandler


FORMULA_FLAG = 16  # com.sun.star.sheet.CellFlags.FORMULA


# Calc's regular expressions are ICU's: this matches a lone UTF-16 surrogate.
SURROGATES = "[\\uD800-\\uDFFF]"


def defuse_surrogates(doc):
    """{(sheet, row, col): formula or None} of the cells whose text holds a
    lone UTF-16 surrogate (=UNICHAR(55296)&"x"). Such a string kills the UNO
    bridge the moment it crosses it ("Binary URP bridge disposed"), so these
    cells are found inside Calc (a regular-expression search of the values)
    and their text replaced, inside Calc, by the same text with U+FFFD for
    each surrogate (Calc's REGEX, in a scratch sheet) before anything is
    read. Only formulas' results and OOXML-escaped strings can hold one."""
    from com.sun.star.table.CellContentType import FORMULA
    sheets = doc.Sheets
    found = {}
    helper = None
    name = "kpi_audit_" + uuid.uuid4().hex[:8]
    for i in range(sheets.getCount()):
        sh = sheets.getByIndex(i)
        sd = sh.createSearchDescriptor()
        sd.SearchRegularExpression = True
        sd.SearchString = SURROGATES
        sd.setPropertyValue("SearchType", 1)  # the values (formula results), not the formulas
        hits = sh.findAll(sd)
        if hits is None:
            continue
        for k in range(hits.getCount()):
            a = hits.getByIndex(k).getRangeAddress()
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    cell = sh.getCellByPosition(c, r)
                    formula = cell.getFormula() if cell.getType() == FORMULA else None
                    if helper is None:
                        sheets.insertNewByName(name, sheets.getCount())
                        helper = sheets.getByName(name).getCellByPosition(0, 0)
                    helper.setFormula(f'=REGEX({cell.AbsoluteName};"{SURROGATES}";"\ufffd";"g")')
                    text = helper.getString()
                    cell.setString(text)
                    found[(sh.getName(), r, c)] = formula
    if helper is not None:
        sheets.removeByName(name)
    return found


def read_book(doc, max_cells, progress):
    """{sheet name: SheetData} after recalculation; enforces the cell limit."""
    defused = defuse_surrogates(doc)
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
        for (name, r, c), formula in defused.items():
            if name == sh.getName() and formula:  # its formula, replaced by its text to be read
                forms[r][c] = formula
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


def audit_file(session, copy, kind, opts, catalogue, stored, progress, deadline=None):
    """copy: the copy of the audited file LibreOffice may load (written by
    readers.read_stored, external links removed; the caller removes it)."""
    from kpitools.office.session import file_url, props  # needs uno: imported once LibreOffice runs
    office = session.office
    path = copy
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
            audit.run(deadline)
        except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError) as e:
            # A bug of kpi-audit, not of the workbook nor of LibreOffice: say so.
            raise AuditError(failure(e))
        cells = sum(s.rows * s.cols for s in book.values())
        return {"sheets": len(book), "cells": cells, "inventory": audit.inventory, "findings": audit.findings}
    finally:
        try:
            doc.close(True)
        except Exception:
            pass


def failure(e):
    """One line for an exception met while auditing a file: a UNO exception
    means LibreOffice failed (crashed, or the bridge died); anything else is
    a bug of kpi-audit, reported as such."""
    try:
        from com.sun.star.uno import Exception as UnoException
    except ImportError:
        UnoException = ()
    if isinstance(e, UnoException):
        return f"LibreOffice failed on this file ({type(e).__name__}: {getattr(e, 'Message', e)})"
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = tb.tb_frame.f_code.co_name if tb is not None else "?"
    return f"internal error of kpi-audit ({type(e).__name__}: {e}) in {where}: please report it with the file"
