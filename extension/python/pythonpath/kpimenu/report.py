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
    findings) into a new last sheet "KPI audit"; marks the cells."""
    from com.sun.star.awt import Point, Size  # noqa: F401  (types used by shapes)
    sheets = doc.Sheets
    sheets.insertNewByName(REPORT_SHEET, sheets.Count)
    sh = sheets.getByName(REPORT_SHEET)
    findings = result.get("findings", [])
    definitions = _definitions()
    unlisted = result.get("findings_unlisted", {})  # past the listed maximum: counted only
    counts = {s: sum(1 for f in findings if f["severity"] == s) + unlisted.get(s, 0) for s in SEVERITY_ORDER}
    rows = [[tr(lang, "report_heading", title), "", "", "", "", ""],
            [tr(lang, "report_when", datetime.datetime.now().strftime("%Y-%m-%d %H:%M")), "", "", "", "", ""],
            [tr(lang, "report_summary", sheets=result.get("sheets", 0), cells=result.get("cells", 0),
                kpi=result.get("kpi_cells", len(result.get("inventory", []))), **counts), "", "", "", "", ""],
            ["", "", "", "", "", ""],
            [tr(lang, "col_severity"), tr(lang, "col_cell"), tr(lang, "col_check"), tr(lang, "col_message"),
             tr(lang, "col_fix"), KEY_TEXT]]
    first_finding = len(rows)
    for f in findings:
        rows.append([tr(lang, "sev_" + f["severity"]), _where(f, lang), f["check"], f["message"],
                     f.get("fix", ""), f["severity"]])
    if not findings:
        rows.append([tr(lang, "report_none"), "", "", "", "", ""])
    if unlisted:
        rows.append([tr(lang, "report_more", n=_count(lang, sum(unlisted.values())), listed=_count(lang, len(findings))),
                     "", "", "", "", ""])
    inv_head = len(rows) + 1
    rows.append(["", "", "", "", "", ""])
    rows.append([tr(lang, "inventory"), "", "", "", "", ""])
    rows.append([tr(lang, "col_cell"), tr(lang, "col_formula"), tr(lang, "col_result"), tr(lang, "col_definition"),
                 "", ""])
    for k in result.get("inventory", []):
        rows.append([f"{k['sheet']}.{k['cell']}", k.get("formula", ""), _result_text(k.get("result")),
                     _definition(k, lang, definitions), "", ""])
    if result.get("inventory_unlisted"):
        rows.append([tr(lang, "report_more_kpi", n=_count(lang, result["inventory_unlisted"]),
                        listed=_count(lang, len(result.get("inventory", [])))), "", "", "", "", ""])
    marked, rest = _to_mark(findings)
    if rest:
        rows[3][0] = tr(lang, "report_marks_capped", marked=_count(lang, len(marked)), rest=_count(lang, rest))
    rng = sh.getCellRangeByPosition(0, 0, 5, len(rows) - 1)
    rng.setDataArray(tuple(tuple(r) for r in rows))
    # Column F holds the severity keyword (machine-readable, for filters and tests).
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
    for c, width in enumerate((2200, 3200, 4500, 11000, 9000, 1800)):
        sh.Columns.getByIndex(c).Width = width
    if findings:  # long explanations wrap inside their (now wide) column; rows fit their text
        sh.getCellRangeByPosition(3, first_finding, 4, first_finding + len(findings) - 1).IsTextWrapped = True
        sh.getCellRangeByPosition(0, first_finding, 5, first_finding + len(findings) - 1).Rows.OptimalHeight = True
    for r in (0, first_finding - 1, inv_head, inv_head + 1):
        sh.getCellRangeByPosition(0, r, 5, r).CharWeight = 150.0  # bold
    sh.getCellByPosition(0, 0).CharHeight = 14.0
    return mark(doc, marked)


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


def _definitions(entries=None):
    """{function name: {"en": ..., "fr": ...}}: the catalogue the Insert dialog reads."""
    if entries is None:
        from . import finder
        entries = finder.load()
    return {e["name"].upper(): e.get("definition") for e in entries}


def _definition(item, lang, definitions):
    """The definition of an inventoried KPI cell in the report's language
    (kpi-audit's JSON carries the English one)."""
    d = definitions.get((item.get("function") or "").upper())
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
    """A frame around the cell of each finding given (one per cell: _to_mark)."""
    worst = {(f["sheet"], f["cell"]): (f["severity"], f["message"], f.get("range", f["cell"])) for f in findings}
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
