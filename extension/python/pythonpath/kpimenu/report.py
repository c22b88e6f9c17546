"""KPI ▸ Audit this workbook: the report sheet and the marks on the audited cells.

The report goes into a sheet named exactly "KPI audit", replaced on every run.
Cells with findings get a frame: a rectangle shape named "kpi-audit-mark …"
on the sheet's drawing layer, anchored to the cell, not printed. A shape
leaves the cell's value, formula and format (and any comment of the user)
untouched, and the next run finds its own marks by name and deletes them.
"""
import datetime

from .ui import STRINGS, tr

REPORT_SHEET = "KPI audit"
MARK_PREFIX = "kpi-audit-mark "
SEVERITY_ORDER = ("info", "warning", "error")
# Background of the severity cell in the report; frame colour of the marks.
COLOURS = {"error": 0xF4C7C3, "warning": 0xFCE8B2, "info": 0xD2E3FC}
FRAMES = {"error": 0xC5221F, "warning": 0xE37400, "info": 0x1A73E8}


# The report's signature: the header of its severity column, in either language.
KEY_CELL = "A5"
SIGNATURES = {STRINGS[lang]["col_severity"] for lang in STRINGS}


class NotOurs(Exception):
    """A sheet named "KPI audit" exists that the audit did not write."""


def is_mark(shape):
    """A frame of an earlier run: by its name, or (the frames an older version
    drew, whose names Calc's Undo blanked) by its look: no fill, a 1.5 pt line
    of a severity's colour, not printed, no name."""
    name = getattr(shape, "Name", "") or ""
    if name.startswith(MARK_PREFIX):
        return True
    try:
        return (not name and shape.ShapeType == "com.sun.star.drawing.RectangleShape"
                and shape.LineColor in FRAMES.values() and shape.LineWidth == 53 and not shape.Printable
                and shape.FillStyle.value == "NONE")
    except Exception:
        return False


def remove_previous(doc):
    """Deletes the report sheet and every mark of an earlier run; returns the
    marks removed (as mark_specs, so that Undo can draw them again). A "KPI
    audit" sheet of the user's own (without the report's signature) is never
    deleted: NotOurs."""
    sheets = doc.Sheets
    if sheets.hasByName(REPORT_SHEET):
        if not is_report(sheets.getByName(REPORT_SHEET)):
            raise NotOurs()
        sheets.removeByName(REPORT_SHEET)
    return remove_marks(doc)


def is_report(sheet):
    """The report's signature: its header row (in either language; an older
    version wrote "severity" in F5)."""
    head = sheet.getCellRangeByName(KEY_CELL).getString()
    return head in SIGNATURES or sheet.getCellRangeByName("F5").getString() == "severity"


def _spec(sheet_name, shape):
    anchor = shape.Anchor
    cell = anchor.AbsoluteName.rsplit(".", 1)[-1].replace("$", "") if hasattr(anchor, "AbsoluteName") else None
    return {"sheet": sheet_name, "name": shape.Name or "", "cell": cell, "pos": (shape.Position.X, shape.Position.Y),
            "size": (shape.Size.Width, shape.Size.Height), "colour": shape.LineColor, "text": shape.Description}


def remove_marks(doc, only=None):
    """Deletes the frames (those named in only, else every frame); returns their specs."""
    removed = []
    with _no_undo(doc):
        sheets = doc.Sheets
        for i in range(sheets.Count):
            sheet = sheets.getByIndex(i)
            page = sheet.DrawPage
            for j in reversed(range(page.Count)):
                shape = page.getByIndex(j)
                if is_mark(shape) and (only is None or (sheet.Name, shape.Name) in only):
                    removed.append(_spec(sheet.Name, shape))
                    page.remove(shape)
    return removed


class _no_undo:
    """Frames are drawn and deleted outside Calc's undo: Calc records a
    shape's insertion by the API nowhere but does record its name and line
    changes, so an Undo used to blank the frames' names and leave them on the
    sheet, where no later run could find them. Undo and Redo of the frames are
    the audit's own action instead (MarksUndo)."""

    def __init__(self, doc):
        self.undo = doc.UndoManager

    def __enter__(self):
        self.undo.lock()

    def __exit__(self, *exc):
        self.undo.unlock()


def draw_specs(doc, specs):
    """Draws frames again from their specs (Undo of a run, Redo of the next)."""
    from com.sun.star.awt import Point, Size
    with _no_undo(doc):
        for s in specs:
            if not doc.Sheets.hasByName(s["sheet"]):
                continue
            sheet = doc.Sheets.getByName(s["sheet"])
            shape = doc.createInstance("com.sun.star.drawing.RectangleShape")
            sheet.DrawPage.add(shape)
            shape.setPosition(Point(*s["pos"]))
            shape.setSize(Size(*s["size"]))
            _style(shape, s["name"], s["colour"], s["text"])
            if s["cell"]:
                shape.Anchor = sheet.getCellRangeByName(s["cell"])


def _style(shape, name, colour, text):
    shape.Name = name
    shape.FillStyle = uno_enum("com.sun.star.drawing.FillStyle", "NONE")
    shape.LineColor = colour
    shape.LineWidth = 53  # 1.5 pt, in 1/100 mm
    shape.Description = text
    shape.Printable = False


def marks_undo_action(doc, title, removed, drawn):
    """One entry of the audit's Undo context: undoing it deletes this run's
    frames and draws the previous run's again; redoing it, the reverse."""
    import unohelper
    from com.sun.star.document import XUndoAction

    class MarksUndo(unohelper.Base, XUndoAction):
        def __init__(self):
            self.Title = title

        def undo(self):
            remove_marks(doc, {(s["sheet"], s["name"]) for s in drawn})
            draw_specs(doc, removed)

        def redo(self):
            remove_marks(doc, {(s["sheet"], s["name"]) for s in removed})
            draw_specs(doc, drawn)

    return MarksUndo()


def _link(sheet, cell, label=None):
    # An in-document hyperlink: Calc jumps to #Sheet.A1 ('' around names with spaces).
    target = sheet if sheet.isalnum() else f"'{sheet}'"
    label = (label or f"{sheet}.{cell}").replace('"', '""')
    return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}.{cell}";"{label}")'


def _where(f, lang):
    """Sheet1.B7, or Sheet1.A1:ALL1000 (1,000,000 cells) for a finding over
    a block of identical cells (kpitools/audit/grouping.py); its link goes
    to the block's first cell."""
    n = f.get("cells", 1)
    where = f"{f['sheet']}.{f.get('range', f['cell'])}"
    return where + " (" + tr(lang, "report_cells", n=_count(lang, n)) + ")" if n > 1 else where


def write(doc, result, lang, title):
    """Writes result (one FILE of kpi-audit's JSON: sheets, cells, inventory,
    findings) into a new last sheet "KPI audit", every text in lang and every
    number in the document's locale; marks the cells. Returns the frames' specs."""
    from kpitools.audit.texts import check_name, localised
    sheets = doc.Sheets
    sheets.insertNewByName(REPORT_SHEET, sheets.Count)
    sh = sheets.getByName(REPORT_SHEET)
    num, group = numbers(doc)
    findings = result.get("findings", [])
    entries = _entries()
    unlisted = result.get("findings_unlisted", {})  # past the listed maximum: counted only
    counts = {s: sum(1 for f in findings if f["severity"] == s) + unlisted.get(s, 0) for s in SEVERITY_ORDER}
    blank = ["", "", "", "", ""]
    rows = [[tr(lang, "report_heading", title)] + blank[1:],
            [tr(lang, "report_when", datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))] + blank[1:],
            [tr(lang, "report_summary", sheets=group(result.get("sheets", 0)), cells=group(result.get("cells", 0)),
                kpi=group(result.get("kpi_cells", len(result.get("inventory", [])))),
                **{k: group(v) for k, v in counts.items()})] + blank[1:],
            list(blank),
            [tr(lang, "col_severity"), tr(lang, "col_cell"), tr(lang, "col_check"), tr(lang, "col_message"),
             tr(lang, "col_fix")]]
    first_finding = len(rows)
    for f in findings:
        message, fix = f.get("texts") or (f["message"], f.get("fix", ""))
        rows.append([tr(lang, "sev_" + f["severity"]), _where(f, lang), check_name(f["check"], lang),
                     localised(message, lang, num), localised(fix, lang, num)])
    if not findings:
        rows.append([tr(lang, "report_none")] + blank[1:])
    if unlisted:
        rows.append([tr(lang, "report_more", n=_count(lang, sum(unlisted.values())),
                        listed=_count(lang, len(findings)))] + blank[1:])
    inv_head = len(rows) + 1
    rows.append(list(blank))
    rows.append([tr(lang, "inventory")] + blank[1:])
    # The KPI cells under the findings' columns: the cell where the findings have theirs.
    rows.append(["", tr(lang, "col_cell"), tr(lang, "col_result"), tr(lang, "col_formula"), tr(lang, "col_definition")])
    inventory = result.get("inventory", [])
    first_kpi = len(rows)
    for k in inventory:
        res = k.get("result") or {}
        value = res.get("value") if res.get("type") == "value" else _result_text(res)
        rows.append(["", f"{k['sheet']}.{k['cell']}", value, k.get("formula", ""),
                     _definition(k, lang, entries)])
    if result.get("inventory_unlisted"):
        rows.append([tr(lang, "report_more_kpi", n=_count(lang, result["inventory_unlisted"]),
                        listed=_count(lang, len(inventory)))] + blank[1:])
    marked, rest = _to_mark(findings)
    if rest:
        rows[3][0] = tr(lang, "report_marks_capped", marked=_count(lang, len(marked)), rest=_count(lang, rest))
    rows = [[c if c is not None else "" for c in r] for r in rows]
    rng = sh.getCellRangeByPosition(0, 0, 4, len(rows) - 1)
    rng.setDataArray(tuple(tuple(r) for r in rows))
    # A few calls whatever the number of findings: the links in one array of
    # formulas, each severity's colour on the set of its rows.
    if findings:
        sh.getCellRangeByPosition(1, first_finding, 1, first_finding + len(findings) - 1).setFormulaArray(
            tuple((_link(f["sheet"], f["cell"], _where(f, lang)),) for f in findings))
        for severity in SEVERITY_ORDER:
            rows_of = [first_finding + i for i, f in enumerate(findings) if f["severity"] == severity]
            if rows_of:
                cells = doc.createInstance("com.sun.star.sheet.SheetCellRanges")
                cells.addRangeAddresses(tuple(sh.getCellRangeByPosition(0, a, 0, b).getRangeAddress()
                                              for a, b in _runs(rows_of)), False)
                cells.CellBackColor = COLOURS[severity]
    _number_formats(doc, sh, inventory, first_kpi, entries)
    for c, width in enumerate((2600, 3200, 4800, 11000, 9000)):
        sh.Columns.getByIndex(c).Width = width
    # The cells' names and the results fit their column (title lines span the sheet and are left out).
    _fit(sh, 1, first_finding - 1, len(rows) - 1, 3200)
    _fit(sh, 2, first_finding - 1, len(rows) - 1, 4800)
    last = first_finding + max(1, len(findings)) - 1
    sh.getCellRangeByPosition(3, first_finding, 4, len(rows) - 1).IsTextWrapped = True
    sh.getCellRangeByPosition(0, first_finding, 4, len(rows) - 1).Rows.OptimalHeight = True
    for r in (0, first_finding - 1, inv_head, inv_head + 1):
        sh.getCellRangeByPosition(0, r, 4, r).CharWeight = 150.0  # bold
    sh.getCellByPosition(0, 0).CharHeight = 14.0
    if findings:
        _autofilter(doc, sh, first_finding - 1, last)
    return mark(doc, marked)


def numbers(doc):
    """(the report's number function for texts.T, a count's text): in the
    document's locale (its default language), as Calc shows its cells."""
    from kpitools.audit.texts import number_function
    decimal, group = ".", ","
    try:
        loc = doc.CharLocale
        import uno
        ctx = uno.getComponentContext()
        ld = ctx.ServiceManager.createInstanceWithContext("com.sun.star.i18n.LocaleData", ctx)
        if loc.Language:
            item = ld.getLocaleItem(loc)
            decimal, group = item.decimalSeparator or ".", item.thousandSeparator or ","
    except Exception:
        pass
    if group == "\u00a0":
        group = "\u202f"  # a narrow no-break space between thousands, as French typography has it
    num = number_function(decimal, group)
    return num, lambda n: f"{n:,}".replace(",", group)


def _fit(sheet, col, first, last, at_least):
    """The column as wide as its widest cell from first to last, at least at_least."""
    column = sheet.Columns.getByIndex(col)
    widest = at_least
    try:
        for r in range(first, min(last, first + 2000) + 1):
            text = sheet.getCellByPosition(col, r).getString()
            widest = max(widest, 230 * len(text) + 300)  # about 2.3 mm a character at 10 pt
    except Exception:
        pass
    column.Width = min(widest, 12000)


def _autofilter(doc, sheet, head, last):
    """An autofilter on the findings' table: the user filters by severity."""
    try:
        rng = sheet.getCellRangeByPosition(0, head, 4, last)
        address = rng.getRangeAddress()
        ranges = doc.DatabaseRanges
        name = "kpi_audit_findings"
        if ranges.hasByName(name):
            ranges.removeByName(name)
        ranges.addNewByName(name, address)
        ranges.getByName(name).AutoFilter = True
    except Exception:
        pass  # a report without a filter is still a report


def _number_formats(doc, sheet, inventory, first, entries):
    """Each KPI cell's result in its function's format (%, currency)."""
    from . import finder
    formats = doc.NumberFormats
    locale = doc.CharLocale
    for i, k in enumerate(inventory):
        entry = entries.get((k.get("function") or "").upper())
        code = finder.number_format(entry, formats, locale) if entry else None
        if code is not None:
            sheet.getCellByPosition(2, first + i).NumberFormat = code


def freeze(doc):
    """The header row of the findings stays in view (the report sheet must be the active one)."""
    try:
        doc.getCurrentController().freezeAtPosition(0, 5)
    except Exception:
        pass


# Frames are shapes: thousands of them slow Calc down for the whole session.
# Past this many cells the worst ones are framed and the rest only listed.
MAX_MARKS = 1000


def _to_mark(findings):
    """(the findings whose cells get a frame, how many cells with a finding
    get none): every cell's worst finding, errors first, at most MAX_MARKS cells."""
    worst = {}
    for f in findings:
        if f["check"] == "no-stored-values":  # about the file, not a cell
            continue
        key = (f["sheet"], f["cell"])
        if key not in worst or SEVERITY_ORDER.index(f["severity"]) > SEVERITY_ORDER.index(worst[key]["severity"]):
            worst[key] = f
    ranked = sorted(worst.values(), key=lambda f: -SEVERITY_ORDER.index(f["severity"]))  # stable: report order
    return ranked[:MAX_MARKS], max(0, len(ranked) - MAX_MARKS)


def _runs(rows):
    """[(first, last)] of the consecutive numbers in the sorted list rows."""
    out = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1][1] = r
        else:
            out.append([r, r])
    return [tuple(x) for x in out]


def _count(lang, n):
    return f"{n:,}".replace(",", "\u202f" if lang == "fr" else ",")


def _entries(entries=None):
    """{function name: catalogue entry}: the catalogue the Insert dialog reads."""
    if entries is None:
        from . import finder
        entries = finder.load()
    return {e["name"].upper(): e for e in entries}


def _definition(item, lang, entries):
    """The definition of an inventoried KPI cell in the report's language
    (kpi-audit's JSON carries the English one)."""
    d = (entries.get((item.get("function") or "").upper()) or {}).get("definition")
    if isinstance(d, dict):
        return d.get(lang) or d.get("en") or ""
    return item.get("definition") or ""


def _result_text(res):
    if not res:
        return ""
    t = res.get("type")
    if t == "value":
        return f"{res['value']:.10g}"
    return res.get("error") or res.get("text") or ""


def mark(doc, findings):
    """A frame around the cell of each finding given (one per cell: _to_mark);
    returns their specs (for the audit's Undo action)."""
    worst = {(f["sheet"], f["cell"]): (f["severity"], f["message"], f.get("range", f["cell"])) for f in findings}
    drawn = []
    with _no_undo(doc):
        for (sheet_name, cell_name), (severity, text, block) in worst.items():
            if not doc.Sheets.hasByName(sheet_name):
                continue
            sheet = doc.Sheets.getByName(sheet_name)
            cell = sheet.getCellRangeByName(cell_name)
            area = sheet.getCellRangeByName(block)  # a grouped finding: one frame around its block
            shape = doc.createInstance("com.sun.star.drawing.RectangleShape")
            sheet.DrawPage.add(shape)
            shape.setPosition(area.Position)
            shape.setSize(area.Size)
            _style(shape, f"{MARK_PREFIX}{severity} {cell_name}", FRAMES[severity], text)
            shape.Anchor = cell  # moves with the cell when rows or columns change
            drawn.append(_spec(sheet_name, shape))
    return drawn


def uno_enum(type_name, value):
    import uno
    return uno.Enum(type_name, value)
