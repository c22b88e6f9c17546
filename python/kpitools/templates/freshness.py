"""Is a committed template what its generator makes now?

The templates written in Python are compared byte for byte
(make_templates.py --check). The predictive-CLV templates are built in Calc
(make_predictive.py), and Calc writes dates and settings of its own into the
file: it is regenerated into a scratch folder and compared sheet by sheet,
cell by cell (formula, value type, value, text), which is what a user gets."""
import os
import tempfile
import xml.etree.ElementTree as ET

from kpitools.sheet.xmlns import q

CELL_ATTRS = [("table", "formula"), ("office", "value-type"), ("office", "value"), ("office", "date-value"),
              ("office", "boolean-value"), ("office", "string-value")]


def sheet_cells(path):
    """{sheet: {(row, col): (formula, type, value..., text)}} of a flat ODF file."""
    sheets = {}
    with open(path, "rb") as f:
        for _event, table in ET.iterparse(f):
            if table.tag != q("table", "table"):
                continue
            cells, row = {}, 0
            for tr in table.iter(q("table", "table-row")):
                col = 0
                for tc in tr:
                    if tc.tag not in (q("table", "table-cell"), q("table", "covered-table-cell")):
                        continue
                    repeat = int(tc.get(q("table", "number-columns-repeated"), "1"))
                    content = tuple(tc.get(q(p, n)) for p, n in CELL_ATTRS) + ("".join(tc.itertext()),)
                    if any(content):
                        for i in range(min(repeat, 1024)):
                            cells[(row, col + i)] = content
                    col += repeat
                row += int(tr.get(q("table", "number-rows-repeated"), "1"))
            sheets[table.get(q("table", "name"))] = cells
            table.clear()
    return sheets


def differences(committed, fresh, most=5):
    """Lines saying where two flat ODF workbooks' cells differ (empty: same)."""
    a, b = sheet_cells(committed), sheet_cells(fresh)
    out = []
    if list(a) != list(b):
        out.append(f"sheets {list(a)} != {list(b)}")
    for name in a:
        ca, cb = a[name], b.get(name, {})
        for key in sorted(set(ca) | set(cb)):
            if ca.get(key) != cb.get(key):
                out.append(f"{name} row {key[0] + 1} column {key[1] + 1}: {ca.get(key)} != {cb.get(key)}")
                if len(out) >= most:
                    return out
    return out


def check_predictive(oxt, committed_dir, workdir=None):
    """Regenerates the predictive templates (English and French) with the .oxt and compares them with
    those in committed_dir; returns the differences, each line naming its file."""
    from kpitools.templates import make_predictive  # needs LibreOffice's uno module
    if workdir:
        os.makedirs(workdir, exist_ok=True)  # run alone, no other test has made it
    with tempfile.TemporaryDirectory(prefix="kpi-fresh-", dir=workdir) as tmp:
        make_predictive.main(["--oxt", oxt, "--out-dir", tmp, "--workdir", tmp])
        out = []
        for name in make_predictive.NAMES.values():
            committed = os.path.join(committed_dir, name + ".fods")
            if not os.path.isfile(committed):
                out.append(f"{committed}: missing")
                continue
            out += [f"{name}.fods: {d}" for d in differences(committed, os.path.join(tmp, name + ".fods"))]
        return out
