"""What a workbook file is, and the values stored in it, read straight from the
file (ODF or OOXML) before LibreOffice has a chance to recalculate anything."""
import os
import re
import xml.etree.ElementTree as ET
import zipfile

from kpitools.audit.model import AuditError
from kpitools.sheet.addresses import col_index
from kpitools.sheet.xmlns import q

ODS_MIME = ("application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet-template")
FILTERS = {".ods": "calc8", ".fods": "OpenDocument Spreadsheet Flat", ".xlsx": "Calc MS Excel 2007 XML"}


def looks_encrypted(path):
    """An OLE compound file (how Office stores an encrypted workbook) or an
    ODF package whose manifest lists encryption data."""
    try:
        with open(path, "rb") as f:
            if f.read(4) == b"\xd0\xcf\x11\xe0":
                return True
        with zipfile.ZipFile(path) as z:
            return b"encryption-data" in z.read("META-INF/manifest.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def sniff(path, max_bytes):
    """Returns the kind ('.ods', '.fods', '.xlsx') or raises AuditError."""
    if not os.path.exists(path):
        raise AuditError("no such file")
    if os.path.isdir(path):
        raise AuditError("a folder with no .ods, .fods or .xlsx file in it")
    ext = os.path.splitext(path)[1].lower()
    if ext not in FILTERS:
        raise AuditError(f"unsupported file type '{ext or '(none)'}': kpi-audit reads .ods, .fods and .xlsx")
    size = os.path.getsize(path)
    if size == 0:
        raise AuditError("empty file (0 bytes): not a spreadsheet")
    if size > max_bytes:
        raise AuditError(f"file is {size / 1024 ** 2:.0f} MB, above the {max_bytes / 1024 ** 2:.0f} MB limit "
                         "(raise it with --max-bytes)")
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AuditError("password-protected (encrypted) workbook or legacy binary file: "
                         "kpi-audit cannot read it; save an unprotected copy to audit it")
    if ext == ".fods":
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise AuditError("not a flat OpenDocument spreadsheet (not XML)")
        try:
            for _event, el in ET.iterparse(path, events=("start",)):
                mime = el.get(q("office", "mimetype"))
                if el.tag != q("office", "document") or mime not in ODS_MIME:
                    raise AuditError(f"not a flat OpenDocument spreadsheet (root element {el.tag}, "
                                     f"type {mime or 'none'})")
                break
        except ET.ParseError as e:
            raise AuditError(f"malformed XML: {e}")
        return ext
    if not zipfile.is_zipfile(path):
        raise AuditError("not a spreadsheet package (not a ZIP file): damaged, or another kind of file renamed")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if ext == ".ods":
                if "mimetype" not in names or "content.xml" not in names:
                    raise AuditError("not an OpenDocument package (no mimetype or content.xml)")
                mime = z.read("mimetype").decode("ascii", "replace").strip()
                if mime not in ODS_MIME:
                    raise AuditError(f"an OpenDocument file of type '{mime}', not a spreadsheet")
                if "META-INF/manifest.xml" in names and b"encryption-data" in z.read("META-INF/manifest.xml"):
                    raise AuditError("password-protected (encrypted) workbook: kpi-audit cannot read it; "
                                     "save an unprotected copy to audit it")
            else:
                if "xl/workbook.xml" not in names:
                    raise AuditError("not an Excel workbook (no xl/workbook.xml in the package)")
            for info in z.infolist():
                if info.file_size > max_bytes:
                    raise AuditError(f"{info.filename} unpacks to {info.file_size / 1024 ** 2:.0f} MB, above the "
                                     f"{max_bytes / 1024 ** 2:.0f} MB limit (raise it with --max-bytes)")
    except zipfile.BadZipFile as e:
        raise AuditError(f"damaged ZIP package: {e}")
    return ext


# ---------------------------------------------------------------------------
# The values stored in the file (read before any recalculation)
# ---------------------------------------------------------------------------
def read_stored(path, kind):
    """{(sheet, row, col): stored result} for every formula cell.

    A stored result is ('value', x), ('error', '#DIV/0!'), ('text', s) or None
    (the file holds no value: written by a tool, never calculated)."""
    try:
        if kind == ".fods":
            with open(path, "rb") as f:
                return _read_odf(f)
        with zipfile.ZipFile(path) as z:
            if kind == ".ods":
                with z.open("content.xml") as f:
                    return _read_odf(f)
            return _read_xlsx(z)
    except ET.ParseError as e:
        raise AuditError(f"malformed XML inside the workbook: {e}")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError) as e:
        raise AuditError(f"damaged workbook: {e}")


def _read_odf(f):
    out = {}
    array_cells = set()
    sheet, row, col, depth = None, 0, 0, 0
    T_TABLE, T_ROW = q("table", "table"), q("table", "table-row")
    T_CELLS = (q("table", "table-cell"), q("table", "covered-table-cell"))
    for event, el in ET.iterparse(f, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == T_TABLE:
                depth += 1
                if depth == 1:
                    sheet, row = el.get(q("table", "name")), 0
            elif tag == T_ROW and depth == 1:
                col = 0
            continue
        if tag == T_TABLE:
            depth -= 1
        elif depth != 1:
            continue
        elif tag in T_CELLS:
            repeat = int(el.get(q("table", "number-columns-repeated"), "1"))
            formula = el.get(q("table", "formula"))
            if formula is not None:
                stored = _odf_value(el)
                for i in range(min(repeat, 1024)):
                    out[(sheet, row, col + i)] = stored
                # An array formula is written once, in its first cell; the
                # other cells of its area hold only their stored values.
                rows = int(el.get(q("table", "number-matrix-rows-spanned"), "1"))
                cols = int(el.get(q("table", "number-matrix-columns-spanned"), "1"))
                if rows * cols > 1 and rows * cols <= 1_000_000:
                    array_cells.update((sheet, row + i, col + j) for i in range(rows) for j in range(cols)
                                       if i or j)
            elif (sheet, row, col) in array_cells:
                out[(sheet, row, col)] = _odf_value(el)
            col += repeat
            el.clear()
        elif tag == T_ROW:
            row += int(el.get(q("table", "number-rows-repeated"), "1"))
            el.clear()
    return out


def _odf_value(el):
    vtype = el.get(q("office", "value-type"))
    if el.get(q("calcext", "value-type")) == "error":
        return ("error", "".join(el.itertext()).strip())
    if vtype in ("float", "percentage", "currency"):
        return ("value", float(el.get(q("office", "value"))))
    if vtype == "boolean":
        return ("value", 1.0 if el.get(q("office", "boolean-value")) == "true" else 0.0)
    if vtype == "string":
        s = el.get(q("office", "string-value"))
        return ("text", s if s is not None else "".join(el.itertext()))
    if vtype in ("date", "time"):
        return ("date", el.get(q("office", "date-value")) or el.get(q("office", "time-value")))
    return None


def _read_xlsx(z):
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = {}
    if "xl/_rels/workbook.xml.rels" in z.namelist():
        for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
            rels[r.get("Id")] = r.get("Target")
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(q("x", "si")):
            shared.append("".join(t.text or "" for t in si.iter(q("x", "t"))))
    out = {}
    array_cells = set()
    for s in wb.iter(q("x", "sheet")):
        target = rels.get(s.get(q("r", "id")), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if target not in z.namelist():
            continue
        name = s.get("name")
        with z.open(target) as f:
            for _event, c in ET.iterparse(f):
                if c.tag != q("x", "c"):
                    continue
                fe = c.find(q("x", "f"))
                m = re.match(r"([A-Z]+)(\d+)", c.get("r", ""))
                if fe is not None and fe.get("t") == "array" and fe.get("ref"):
                    # The array's other cells have a <v> but no <f>.
                    a = re.match(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$", fe.get("ref"))
                    if a and a.group(3):
                        r1, r2 = int(a.group(2)) - 1, int(a.group(4)) - 1
                        c1, c2 = col_index(a.group(1)), col_index(a.group(3))
                        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 1_000_000:
                            array_cells.update((name, r, cc) for r in range(r1, r2 + 1) for cc in range(c1, c2 + 1))
                if fe is not None or (m and (name, int(m.group(2)) - 1, col_index(m.group(1))) in array_cells):
                    if m:
                        v = c.find(q("x", "v"))
                        t = c.get("t", "n")
                        stored = None
                        if v is not None and v.text is not None:
                            if t == "e":
                                stored = ("error", v.text)
                            elif t == "str":
                                stored = ("text", v.text)
                            elif t == "s":
                                stored = ("text", shared[int(v.text)])
                            elif t == "b":
                                stored = ("value", float(v.text))
                            else:
                                stored = ("value", float(v.text))
                        out[(name, int(m.group(2)) - 1, col_index(m.group(1)))] = stored
                c.clear()
    return out
