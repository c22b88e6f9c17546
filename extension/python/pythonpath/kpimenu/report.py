"""KPI ▸ Audit this workbook: the report sheet and the marks on the audited cells.

The report goes into a sheet named exactly "KPI audit", replaced on every run.
Cells with findings get a frame: a rectangle shape named "kpi-audit-mark …"
on the sheet's drawing layer, anchored to the cell, not printed. A shape
leaves the cell's value, formula and format (and any comment of the user)
untouched, and the next run finds its own marks by name and deletes them.
"""
import datetime

from .ui import tr

REPORT_SHEET = "KPI audit"
MARK_PREFIX = "kpi-audit-mark "
SEVERITY_ORDER = ("info", "warning", "error")
# Background of the severity cell in the report; frame colour of the marks.
COLOURS = {"error": 0xF4C7C3, "warning": 0xFCE8B2, "info": 0xD2E3FC}
FRAMES = {"error": 0xC5221F, "warning": 0xE37400, "info": 0x1A73E8}


KEY_CELL, KEY_TEXT = "F5", "severity"  # the header of the report's keyword column: our signature


class NotOurs(Exception):
    """A sheet named "KPI audit" exists that the audit did not write."""


def remove_previous(doc):
    """Deletes the report sheet and every mark of an earlier run; returns how
    many marks were removed. A "KPI audit" sheet of the user's own (without the
    report's signature) is never deleted: NotOurs."""
    sheets = doc.Sheets
    if sheets.hasByName(REPORT_SHEET):
        old = sheets.getByName(REPORT_SHEET)
        if old.getCellRangeByName(KEY_CELL).getString() != KEY_TEXT:
            raise NotOurs()
        sheets.removeByName(REPORT_SHEET)
    removed = 0
    for i in range(sheets.Count):
        page = sheets.getByIndex(i).DrawPage
        for j in reversed(range(page.Count)):
            shape = page.getByIndex(j)
            if (getattr(shape, "Name", "") or "").startswith(MARK_PREFIX):
                page.remove(shape)
                removed += 1
    return removed


def _link(sheet, cell):
    # An in-document hyperlink: Calc jumps to #Sheet.A1 ('' around names with spaces).
    target = sheet if sheet.isalnum() else f"'{sheet}'"
    label = f"{sheet}.{cell}".replace('"', '""')
    return f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}.{cell}";"{label}")'


def write(doc, result, lang, title):
    """Writes result (one FILE of kpi-audit's JSON: sheets, cells, inventory,
    findings) into a new last sheet "KPI audit"; marks the cells."""
    from com.sun.star.awt import Point, Size  # noqa: F401  (types used by shapes)
    sheets = doc.Sheets
    sheets.insertNewByName(REPORT_SHEET, sheets.Count)
    sh = sheets.getByName(REPORT_SHEET)
    findings = result.get("findings", [])
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITY_ORDER}
    rows = [[tr(lang, "report_heading", title), "", "", "", "", ""],
            [tr(lang, "report_when", datetime.datetime.now().strftime("%Y-%m-%d %H:%M")), "", "", "", "", ""],
            [tr(lang, "report_summary", sheets=result.get("sheets", 0), cells=result.get("cells", 0),
                kpi=len(result.get("inventory", [])), **counts), "", "", "", "", ""],
            ["", "", "", "", "", ""],
            [tr(lang, "col_severity"), tr(lang, "col_cell"), tr(lang, "col_check"), tr(lang, "col_message"),
             tr(lang, "col_fix"), KEY_TEXT]]
    first_finding = len(rows)
    for f in findings:
        rows.append([tr(lang, "sev_" + f["severity"]), f"{f['sheet']}.{f['cell']}", f["check"], f["message"],
                     f.get("fix", ""), f["severity"]])
    if not findings:
        rows.append([tr(lang, "report_none"), "", "", "", "", ""])
    inv_head = len(rows) + 1
    rows.append(["", "", "", "", "", ""])
    rows.append([tr(lang, "inventory"), "", "", "", "", ""])
    rows.append([tr(lang, "col_cell"), tr(lang, "col_formula"), tr(lang, "col_result"), tr(lang, "col_definition"),
                 "", ""])
    for k in result.get("inventory", []):
        rows.append([f"{k['sheet']}.{k['cell']}", k.get("formula", ""), _result_text(k.get("result")),
                     k.get("definition") or "", "", ""])
    rng = sh.getCellRangeByPosition(0, 0, 5, len(rows) - 1)
    rng.setDataArray(tuple(tuple(r) for r in rows))
    # Column F holds the severity keyword (machine-readable, for filters and tests).
    for i, f in enumerate(findings):
        r = first_finding + i
        sh.getCellByPosition(1, r).setFormula(_link(f["sheet"], f["cell"]))
        sh.getCellByPosition(0, r).CellBackColor = COLOURS[f["severity"]]
    for c, width in enumerate((2200, 3200, 4500, 11000, 9000, 1800)):
        sh.Columns.getByIndex(c).Width = width
    if findings:  # long explanations wrap inside their (now wide) column; rows fit their text
        sh.getCellRangeByPosition(3, first_finding, 4, first_finding + len(findings) - 1).IsTextWrapped = True
        sh.getCellRangeByPosition(0, first_finding, 5, first_finding + len(findings) - 1).Rows.OptimalHeight = True
    for r in (0, first_finding - 1, inv_head, inv_head + 1):
        sh.getCellRangeByPosition(0, r, 5, r).CharWeight = 150.0  # bold
    sh.getCellByPosition(0, 0).CharHeight = 14.0
    return mark(doc, findings)


def _result_text(res):
    if not res:
        return ""
    t = res.get("type")
    if t == "value":
        return f"{res['value']:.10g}"
    return res.get("error") or res.get("text") or ""


def mark(doc, findings):
    """A frame around each cell with a finding (the worst severity's colour)."""
    worst = {}
    for f in findings:
        if f["check"] == "no-stored-values":  # about the file, not a cell
            continue
        key = (f["sheet"], f["cell"])
        if SEVERITY_ORDER.index(f["severity"]) >= SEVERITY_ORDER.index(worst.get(key, ("info", ""))[0]):
            worst[key] = (f["severity"], f["message"])
    for (sheet_name, cell_name), (severity, text) in worst.items():
        if not doc.Sheets.hasByName(sheet_name):
            continue
        sheet = doc.Sheets.getByName(sheet_name)
        cell = sheet.getCellRangeByName(cell_name)
        shape = doc.createInstance("com.sun.star.drawing.RectangleShape")
        sheet.DrawPage.add(shape)
        shape.setPosition(cell.Position)
        shape.setSize(cell.Size)
        shape.Name = f"{MARK_PREFIX}{severity} {cell_name}"
        shape.FillStyle = uno_enum("com.sun.star.drawing.FillStyle", "NONE")
        shape.LineColor = FRAMES[severity]
        shape.LineWidth = 53  # 1.5 pt, in 1/100 mm
        shape.Description = text
        shape.Printable = False
        shape.Anchor = cell  # moves with the cell when rows or columns change
    return len(worst)


def uno_enum(type_name, value):
    import uno
    return uno.Enum(type_name, value)
