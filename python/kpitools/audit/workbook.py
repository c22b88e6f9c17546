"""A workbook loaded (a copy) in LibreOffice, recalculated, read into the model and audited."""
import uuid

from kpitools.audit.engine import Audit, without_cycle_collector
from kpitools.audit.model import AuditError, BlockErrors, Cells, Formulas, SheetData
from kpitools.audit.readers import FILTERS
from kpitools.office.untrusted import OpenFailed, open_copy


FORMULA_FLAG = 16  # com.sun.star.sheet.CellFlags.FORMULA


# Calc's regular expressions are ICU's: this matches a lone UTF-16 surrogate.
SURROGATES = "[\\uD800-\\uDFFF]"


def defuse_surrogates(doc, formulas_only=False):
    """{(sheet, row, col): formula or None} of the cells whose text holds a
    lone UTF-16 surrogate (=UNICHAR(55296)&"x"). Such a string kills the UNO
    bridge the moment it crosses it ("Binary URP bridge disposed"), so these
    cells are found inside Calc (a regular-expression search of the values)
    and their text replaced, inside Calc, by the same text with U+FFFD for
    each surrogate (Calc's REGEX, in a scratch sheet) before anything is
    read. Only formulas' results and OOXML-escaped strings can hold one:
    formulas_only (an ODF file, whose XML cannot hold one) searches the
    formula cells alone."""
    from com.sun.star.table.CellContentType import FORMULA
    sheets = doc.Sheets
    found = {}
    helper = None
    name = "kpi_audit_" + uuid.uuid4().hex[:8]
    for i in range(sheets.getCount()):
        sh = sheets.getByIndex(i)
        where = sh.queryContentCells(FORMULA_FLAG) if formulas_only else sh
        if formulas_only and not where.getCount():
            continue
        sd = where.createSearchDescriptor()
        sd.SearchRegularExpression = True
        sd.SearchString = SURROGATES
        sd.setPropertyValue("SearchType", 1)  # the values (formula results), not the formulas
        hits = where.findAll(sd)
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


# Above this many formula ranges in a sheet, its formulas are read over the
# whole used area (a block of rows a call, _block_rows) rather than one call per range.
FORMULA_RANGES = 64


def read_book(doc, max_cells, progress, own_copy=False, odf=False, functions=None, skip=None, tick=None):
    """({sheet name: SheetData}, is_date) after recalculation; enforces the
    cell limit. Each sheet is read with a few calls whatever its size: its
    values (getDataArray), where its formulas and its errors are (Calc's
    own queries), the formulas themselves, then the error codes (see
    error_codes). own_copy: the document is kpi-audit's copy of the file,
    which may get a scratch sheet (the KPI menu audits the user's own
    document, and never writes it); odf: loaded from an ODF file (see
    defuse_surrogates). The KPI menu also gives: functions, Calc's
    FunctionAccess (the document it may not write: see uniform_codes);
    skip(sheet): a sheet left out (its own report); tick(): called between
    reads, where it may stop the reading (raise: its Cancel button)."""
    with without_cycle_collector():  # millions of cells become Python objects
        return _read_book(doc, max_cells, progress, own_copy, odf, functions, skip, tick or (lambda: None))


def _read_book(doc, max_cells, progress, own_copy, odf, functions, skip, tick):
    from com.sun.star.sheet.FormulaResult import ERROR
    # Only in kpi-audit's own copy: the KPI menu runs inside soffice, where no
    # process bridge carries the text, and must never rewrite the user's cells.
    defused = defuse_surrogates(doc, formulas_only=odf) if own_copy else {}
    sheets = doc.Sheets
    total = 0
    book = {}
    ranges = []
    for i in range(sheets.getCount()):
        sh = sheets.getByIndex(i)
        if skip is not None and skip(sh):
            continue
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        total += (a.EndRow + 1) * (a.EndColumn + 1)
        ranges.append((i, sh, a.EndRow, a.EndColumn))
    if total > max_cells:
        raise AuditError(f"workbook spans {total:,} cells, above the {max_cells:,}-cell limit "
                         "(raise it with --max-cells): not audited")
    if total > 100_000:
        progress(f"reading {total:,} cells")
    bad = []  # (sheet's SheetData, row, col) of the cells showing an error
    for i, sh, er, ec in ranges:
        name = sh.getName()
        rng = sh.getCellRangeByPosition(0, 0, ec, er)
        data = _values(sh, er, ec, tick)   # an error cell reads as None
        # Which cells hold a formula, from Calc itself: a text cell may also
        # start with '=' (a note such as "=KPI.NPS(...) gives the same").
        where = rng.queryContentCells(FORMULA_FLAG).getRangeAddresses()
        mine = {(r, c): f for (sname, r, c), f in defused.items() if sname == name and f}
        forms = _formulas(sh, where, er + 1, ec + 1, mine, tick)
        sheet = SheetData(name, i, data, forms, {})
        addresses = rng.queryFormulaCells(ERROR).getRangeAddresses()
        wide = [a for a in addresses if _size(a) >= UNIFORM_BLOCK] if own_copy or functions is not None else []
        blocks = []
        codes = uniform_codes(doc, name, wide) if own_copy else [uniform_code(functions, sh, a) for a in wide]
        for a, code in zip(wide, codes):
            if code:
                blocks.append((a.StartRow, a.StartColumn, a.EndRow, a.EndColumn, code))
        if blocks:
            sheet.errors = BlockErrors({}, blocks)
        for a in addresses:
            if not any(b[:4] == (a.StartRow, a.StartColumn, a.EndRow, a.EndColumn) for b in blocks):
                bad += [(sheet, r, c) for r in range(a.StartRow, a.EndRow + 1)
                        for c in range(a.StartColumn, a.EndColumn + 1)]
        book[name] = sheet
    tick()
    for (sheet, r, c), code in zip(bad, error_codes(doc, [(s.name, r, c) for s, r, c in bad], own_copy, tick)):
        if code:
            sheet.errors[(r, c)] = code
    return book, DateFormats(doc)


# A block of error cells at least this large is first asked whether all its
# cells show the same error (uniform_codes): one formula instead of one
# ERRORTYPE per cell, which for the million #N/A cells of one array formula
# took most of a minute (issue 27, item 6).
UNIFORM_BLOCK = 64


def uniform_code(functions, sh, a):
    """uniform_codes without writing into the document (the KPI menu's, the
    user's own): the first cell's error number, then COUNTIF of its text
    over the block computed by Calc's FunctionAccess, which works on its own
    copy of the cells (error results included). Measured on the million
    #N/A cells of issue 27's KPI.FUNNEL: seconds, against one UNO call per
    cell (97 s)."""
    from kpitools.sheet.errors import ERROR_NAMES
    code = sh.getCellByPosition(a.StartColumn, a.StartRow).getError()
    text = ERROR_NAMES.get(code)
    if not code or text is None:
        return None
    try:
        n = functions.callFunction("COUNTIF", (sh.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn,
                                                                         a.EndRow), text))
    except Exception:  # Calc refused it: each cell is asked
        return None
    return code if n == _size(a) else None


def _size(a):
    return (a.EndRow - a.StartRow + 1) * (a.EndColumn - a.StartColumn + 1)


def uniform_codes(doc, sheet_name, blocks):
    """For each block (a CellRangeAddress of error cells) of kpi-audit's own
    copy: the error number all its cells show, or None when they differ
    (then each cell is asked, error_codes). Two scratch formulas per block:
    the first cell's ERRORTYPE, then COUNTIF of that error's text over the
    block, which Calc matches against error cells (measured: a million
    #VALUE! cells counted in 0.6 s). ERRORTYPE itself does not iterate over
    a range in SUMPRODUCT, hence COUNTIF. A text Calc does not match (a
    criterion read as a wildcard) only means the cells are asked one by one."""
    if not blocks:
        return []
    from kpitools.sheet.addresses import addr
    from kpitools.sheet.errors import ERROR_NAMES
    sheets = doc.Sheets
    name = "kpi_audit_" + uuid.uuid4().hex[:8]
    sheets.insertNewByName(name, sheets.getCount())
    q = "$'" + sheet_name.replace("'", "''") + "'."
    out = []
    try:
        cell = sheets.getByName(name).getCellByPosition(0, 0)
        for a in blocks:
            first = q + addr(a.StartRow, a.StartColumn)
            cell.setFormula(f"=IFERROR(ERRORTYPE({first});0)")
            got = cell.getString() if not cell.getError() else ""
            text = ERROR_NAMES.get(int(got)) if got.isdigit() else None
            if text is None or '"' in text:
                out.append(None)
                continue
            cell.setFormula(f'=COUNTIF({first}:{q}{addr(a.EndRow, a.EndColumn)};"{text}")')
            same = cell.getString() if not cell.getError() else ""
            out.append(int(got) if same == str(_size(a)) else None)
    finally:
        sheets.removeByName(name)
    return out


# Cells read in one call, at most: blocks of 8,192 rows of the 11-column
# benchmark workbook. The whole used area in one call held its values three
# times at the peak (Calc's copy, the bridge's and Python's): a million cells
# cost some 150 MB more than the model itself; a block of rows as wide as a
# 1000 x 1000 array formula's held its million formulas at once (issue 26,
# item 6).
READ_CELLS = 8192 * 11


def _block_rows(cols):
    return max(1, READ_CELLS // max(1, cols))


def _values(sh, last_row, last_col, tick=lambda: None):
    """getDataArray of the used area, read a block of rows at a time into
    the compact model (model.Cells)."""
    data = Cells(last_col + 1)
    step = _block_rows(last_col + 1)
    for r0 in range(0, last_row + 1, step):
        tick()
        block = sh.getCellRangeByPosition(0, r0, last_col, min(last_row, r0 + step - 1)).getDataArray()
        for line in block:
            data.append(line)
        del block
    return data.done()


def _formulas(sh, where, rows, cols, defused, tick=lambda: None):
    """The formulas of the formula cells (model.Formulas), read a block of
    rows at a time (_block_rows): each formula range's part of those rows, or the rows
    of the whole used area in one call when the formulas lie in many
    ranges. A range read whole in one call made Calc and the bridge hold
    its 100,000 formulas at once (issue 26, item 6). An array formula's
    cells read "{=...}": its formula without the braces. defused: {(row,
    col): formula} of the cells whose text defuse_surrogates replaced."""
    forms = Formulas(cols)
    step = _block_rows(cols)
    for b0 in range(0, rows, step):
        b1 = min(rows, b0 + step) - 1
        found = {}
        if len(where) > FORMULA_RANGES:
            tick()
            block = sh.getCellRangeByPosition(0, b0, cols - 1, b1).getFormulaArray()
            for a in where:
                lo, hi = max(a.StartRow, b0), min(a.EndRow, b1)
                if lo <= hi:
                    _copy_formulas(found, block, b0, 0, lo, hi, a.StartColumn, a.EndColumn, cols)
            del block
        else:
            for a in where:
                lo, hi = max(a.StartRow, b0), min(a.EndRow, b1)
                if lo <= hi:
                    tick()
                    block = sh.getCellRangeByPosition(a.StartColumn, lo, a.EndColumn, hi).getFormulaArray()
                    _copy_formulas(found, block, lo, a.StartColumn, lo, hi, a.StartColumn, a.EndColumn, cols)
                    del block
        for (r, c), f in defused.items():
            if b0 <= r <= b1 and c < cols:
                found[r * cols + c] = f
        forms.add_indexed(sorted(found.items()))
    return forms.done(rows)


def _copy_formulas(found, block, r0, c0, first, last, c_first, c_last, cols):
    """Rows first..last, columns c_first..c_last of block (whose top left is
    r0, c0) into found, {cell index: formula}."""
    for r in range(first, last + 1):
        line = block[r - r0]
        for c in range(c_first, c_last + 1):
            f = line[c - c0]
            found[r * cols + c] = f[1:-1] if f.startswith("{=") and f.endswith("}") else f


# Error cells whose numbers one scratch formula reads (Calc allows 8,192
# tokens in a formula; each cell takes 9).
ERRORS_PER_FORMULA = 500


def error_codes(doc, cells, own_copy, tick=lambda: None):
    """Calc's error number of each (sheet name, row, col), in order. In
    kpi-audit's own copy, a scratch sheet's cell joins the ERRORTYPE() of
    hundreds of them in one formula (the copy is loaded read-only, which
    allows setFormula on a cell but not setFormulaArray); in a document that
    must not be written (the KPI menu's), each cell is asked."""
    if not cells:
        return []
    sheets = doc.Sheets
    if not own_copy:
        out = []
        for k, (name, r, c) in enumerate(cells):
            if not k % 1024:
                tick()
            out.append(_error_of(sheets, name, r, c))
        return out
    from kpitools.sheet.addresses import addr
    name = "kpi_audit_" + uuid.uuid4().hex[:8]
    sheets.insertNewByName(name, sheets.getCount())
    codes = []
    try:
        cell = sheets.getByName(name).getCellByPosition(0, 0)
        quoted = {}
        for k in range(0, len(cells), ERRORS_PER_FORMULA):
            parts = []
            for sname, r, c in cells[k:k + ERRORS_PER_FORMULA]:
                q = quoted.get(sname)
                if q is None:
                    q = quoted[sname] = "$'" + sname.replace("'", "''") + "'."
                parts.append(f"IFERROR(ERRORTYPE({q}{addr(r, c)});0)")
            cell.setFormula("=" + '&";"&'.join(parts))
            text = cell.getString() if not cell.getError() else ""
            got = text.split(";")
            codes += got if len(got) == len(parts) else [""] * len(parts)
    finally:
        sheets.removeByName(name)
    # "0" or "": the cell no longer shows an error (a volatile formula
    # computed again), or the formula failed: that cell is asked as is.
    return [int(v) if v.isdigit() and v != "0" else _error_of(sheets, *cell) for v, cell in zip(codes, cells)]


def _error_of(sheets, name, r, c):
    return sheets.getByName(name).getCellByPosition(c, r).getError()


class DateFormats:
    """is_date(sheet, r, c): has the cell a date format? Asked of Calc for
    the few cells the rules ask about (the first value of a dated series),
    each format's type once."""

    def __init__(self, doc):
        self.doc = doc
        self.fmts = doc.getNumberFormats()
        self.types = {}

    def __call__(self, sheet, r, c):
        from com.sun.star.util.NumberFormat import DATE
        try:
            key = self.doc.Sheets.getByIndex(sheet.index).getCellByPosition(c, r).NumberFormat
            if key not in self.types:
                self.types[key] = bool(self.fmts.getByKey(key).Type & DATE)
            return self.types[key]
        except Exception:
            return False


def audit_file(session, copy, kind, opts, catalogue, stored, progress, deadline=None):
    """copy: the copy of the audited file LibreOffice may load (written by
    readers.read_stored, external links removed; the caller removes it);
    stored: its stored values, or a readers.Reading still reading them."""
    if hasattr(stored, "failure") and stored.failure() is not None:
        raise stored.failure()
    try:
        doc = open_copy(session.office.desktop, copy, FILTERS[kind], read_only=True)
    except OpenFailed as e:
        raise AuditError(str(e))
    try:
        doc.calculateAll()
        book, is_date = read_book(doc, opts.max_cells, progress, own_copy=True, odf=kind != ".xlsx")
        if hasattr(stored, "result"):
            stored = stored.result()
        audit = Audit(book, stored, catalogue, session.evaluate, is_date, kpi_batch=session.evaluate_many)
        audit.stop = getattr(opts, "stop", None)
        try:
            audit.run(deadline)
        except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError, RecursionError) as e:
            # A bug of kpi-audit, not of the workbook nor of LibreOffice: say so.
            raise AuditError(failure(e))
        return audit.result(book)
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
