"""Expressions over ranges in plain cells (issue 27, item 3): a portable copy
shows what the cell shows with the extension.

In a cell that is not an array formula, Calc computes =KPI.CPL(B$2:B$5*2;C$2:C$5)
with B$2:B$5*2 read at the cell's own row (implicit intersection): row 3
gives B3*2/SUM(C2:C5) (the plain range is still passed whole), a row outside
2..5 gives #VALUE!. The portable copy used to enter such a cell as an array
formula summing the whole range (D2: 200/19 instead of 20/19, and 200/19
below the range instead of #VALUE!). Now the copy reads the cell at the
cell's row (B$3*2 in row 3) and keeps #VALUE! below the range; a range
given to SUM inside the expression (column H) is not intersected: its cells
keep their values. A range beside the call (column I, *B$2:B$5) is read at
the cell's row too: the copy, an array formula, used to read its first cell.
So are another sheet's range (J) and a one-row range, at the cell's column (K). The workbook is
generated here; the expected values are worked out by hand from its data
(below), not by the conversion, and checked in the copy (.ods and .xlsx)
recalculated by LibreOffice without the extension and by Gnumeric, inside
and below the range. The extension's own values in the input are checked
against the same hand values first (the premise).
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import Checker, args_from_argv
from kpitools.office.session import Office, cell_result

COST = [10, 20, 30, 40]   # B2:B5
LEADS = [2, 4, 5, 8]      # C2:C5
OTHER = [100, 200, 300, 400]  # T.B2:B5, another sheet
ROW9 = [5, 7, 9]          # J9:L9, a one-row range
ROWS = range(2, 8)        # the formulas in rows 2..7: 2..5 inside the range, 6 and 7 below it
VALUE_ERROR = "#VALUE!"


def expected(col, r):
    """By hand: the range expression read at row r (Calc's implicit intersection)."""
    if col == "G":  # plain ranges, no expression: the whole ranges, 100 / 19, in every row
        return sum(COST) / sum(LEADS)
    if col == "H":  # a range given to SUM inside the expression: no intersection, 200 / 2 in every row
        return sum(COST) * 2 / LEADS[0]
    if col == "I":  # a range beside the call: (100 / 19) * B_r
        return sum(COST) / sum(LEADS) * COST[r - 2] if r <= 5 else VALUE_ERROR
    if col == "J":  # another sheet's range, read at this row: T.B_r * 2 / C2
        return OTHER[r - 2] * 2 / LEADS[0] if r <= 5 else VALUE_ERROR
    if col == "K":  # a one-row range, read at this column (K9 = 7): 7 * 10 / 2 in every row
        return ROW9[1] * 10 / LEADS[0]
    if col == "E":  # (B_r / 1000) / C2
        return COST[r - 2] / 1000 / LEADS[0] if r <= 5 else VALUE_ERROR
    if r > 5:
        return VALUE_ERROR
    # Only the expression is read at row r: the plain range C$2:C$5 is still summed whole.
    return {"D": COST[r - 2] * 2 / sum(LEADS), "F": (COST[r - 2] + 0) / sum(LEADS)}[col]


FORMULAS = {"D": "of:=KPI.CPL([.B$2:.B$5]*2;[.C$2:.C$5])",
            "E": "of:=KPI.CPL([.B$2:.B$5]/1000;[.C$2])",
            "F": "of:=KPI.CPL([.B$2:.B$5]+0;[.C$2:.C$5])",
            "G": "of:=KPI.CPL([.B$2:.B$5];[.C$2:.C$5])",
            "H": "of:=KPI.CPL(SUM([.B$2:.B$5])*2;[.C$2])",
            "I": "of:=KPI.CPL([.B$2:.B$5];[.C$2:.C$5])*[.B$2:.B$5]",
            "J": "of:=KPI.CPL([$T.B$2:.B$5]*2;[.C$2])",
            "K": "of:=KPI.CPL([.$J$9:.$L$9]*10;[.C$2])"}


def book():
    rows = []
    for r in range(1, 8):
        # A1 holds a label: Gnumeric's CSV starts at the first used row and column.
        cells = ['<table:table-cell office:value-type="string"><text:p>rows</text:p></table:table-cell>'
                 if r == 1 else '<table:table-cell/>']
        for vals in (COST, LEADS):
            cells.append(f'<table:table-cell office:value-type="float" office:value="{vals[r - 2]}"/>'
                         if 2 <= r <= 5 else '<table:table-cell/>')
        if r in ROWS:
            cells += [f'<table:table-cell table:formula="{FORMULAS[c]}"/>' for c in "DEFGHIJK"]
        rows.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    rows.append('<table:table-row><table:table-cell/></table:table-row><table:table-row>'
                '<table:table-cell table:number-columns-repeated="9"/>'
                + "".join(f'<table:table-cell office:value-type="float" office:value="{v}"/>' for v in ROW9)
                + "</table:table-row>")
    other = "".join(f'<table:table-row><table:table-cell/><table:table-cell office:value-type="float" '
                    f'office:value="{v}"/></table:table-row>' for v in OTHER)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>
<table:table table:name="S">{''.join(rows)}</table:table>
<table:table table:name="T"><table:table-row><table:table-cell/></table:table-row>{other}</table:table>
</office:spreadsheet></office:body></office:document>"""


def same(got, want):
    if isinstance(want, str):
        return got == want
    return isinstance(got, float) and abs(got - want) <= 1e-12 * max(1.0, abs(want))


def calc_values(doc):
    sheet = doc.Sheets.getByIndex(0)
    out = {}
    for c in "DEFGHIJK":
        for r in ROWS:
            kind, v = cell_result(sheet.getCellRangeByName(f"{c}{r}"))
            out[f"{c}{r}"] = {532: "#DIV/0!", 503: "#NUM!", 519: VALUE_ERROR}.get(v, f"Err:{v}") \
                if kind == "error" else v
    return out


def gnumeric_values(path, workdir):
    d = tempfile.mkdtemp(prefix="gnumeric-", dir=workdir)
    try:
        subprocess.run(["ssconvert", "--recalc", "-S", path, os.path.join(d, "%n.csv")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        with open(os.path.join(d, "0.csv"), newline="") as f:
            rows = list(csv.reader(f))
    finally:
        shutil.rmtree(d, ignore_errors=True)
    out = {}
    for c in "DEFGHIJK":
        for r in ROWS:
            text = rows[r - 1][ord(c) - 65] if r - 1 < len(rows) and ord(c) - 65 < len(rows[r - 1]) else ""
            try:
                out[f"{c}{r}"] = float(text)
            except ValueError:
                out[f"{c}{r}"] = text
    return out


def compare(chk, label, got):
    bad = [f"{k}: {got[k]} != {expected(k[0], int(k[1:]))}" for k in sorted(got)
           if not same(got[k], expected(k[0], int(k[1:])))]
    chk.check(not bad, f"{label}: {len(got)} cells as with the extension ({len(bad)} differ: {bad[:6]})")


def main():
    a = args_from_argv()
    chk = Checker("portable.intersection")
    os.makedirs(a.workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="portable-intersection-", dir=a.workdir)
    try:
        src = os.path.join(tmp, "intersection.fods")
        with open(src, "w", encoding="utf-8") as f:
            f.write(book())
        with Office(oxt=a.oxt, workdir=tmp) as office:
            doc = office.load(src)
            doc.calculateAll()
            compare(chk, "the extension in the input (the premise)", calc_values(doc))
            doc.close(True)
        outputs = [os.path.join(tmp, "copy" + ext) for ext in (".ods", ".xlsx")]
        for out in outputs:
            r = subprocess.run([sys.executable, "-m", "kpitools.portable.cli", "--oxt", a.oxt, "--catalogue",
                                a.catalogue, "--workdir", tmp, src, "-o", out, "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300)
            chk.check(r.returncode == 0, f"{os.path.basename(out)} written ({r.returncode}: {r.stderr.strip()[:300]})")
            if r.returncode == 0:
                summary = json.loads(r.stdout)
                native = {e["cell"] for e in summary["rewritten"]}
                # Inside the range the intersection is made explicit (B$3*2 in row 3):
                # native formulas; below it the cells keep #VALUE! as values. The
                # plain ranges (G) stay native in every row; SUM(range)*2 (H) keeps its
                # values (a range given to a function is not intersected: not rewritten).
                want = {f"S.{c}{r}" for c in "DEFIJ" for r in range(2, 6)} | {f"S.{c}{r}" for c in "GK" for r in ROWS}
                chk.check(native == want, f"native inside the range, values below it ({sorted(native ^ want)})")
                row3 = [e["native"] for e in summary["rewritten"] if e["cell"] == "S.D3"]
                chk.check(row3 and "B$3*2" in row3[0] and "B$2:B$5" not in row3[0],
                          f"D3 reads B$3*2, not the range ({row3[0][:80] if row3 else None})")
        with Office(workdir=tmp) as bare:  # no extension
            for out in outputs:
                if os.path.exists(out):
                    doc = bare.load(out)
                    doc.calculateAll()
                    compare(chk, f"{os.path.basename(out)} in LibreOffice without the extension", calc_values(doc))
                    doc.close(True)
        for out in outputs:
            if os.path.exists(out):
                compare(chk, f"{os.path.basename(out)} in Gnumeric", gnumeric_values(out, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
