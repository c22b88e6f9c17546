"""Every function of the catalogue, in real Calc: its documented example gives
its documented (hand-computed) result in a fresh document, the same after
saving as .ods and reloading, and the name stored in the file is KPI.<METHOD>,
in ODF and in XLSX."""
import json
import re
import sys
import zipfile

from harness import args_from_argv, Checker, parse_expected, same, stored_formulas
from kpitools.office.session import cell_result, Office


def expected_cells(fn):
    return [parse_expected(x) for x in fn["example_result"].split("|")]


def enter(sheet, row, fn):
    """Writes the example at `row`; returns the cells holding its result."""
    n = len(expected_cells(fn))
    if fn["array"]:
        # Inline arrays in API formulas use ';' between columns: the examples
        # are rows, so the result is a row of n cells.
        rng = sheet.getCellRangeByPosition(0, row, n - 1, row)
        rng.setArrayFormula(fn["example"])
        return [sheet.getCellByPosition(c, row) for c in range(n)]
    cell = sheet.getCellByPosition(0, row)
    cell.setFormula(fn["example"])
    return [cell]


def check_sheet(chk, sheet, catalogue, when):
    for row, fn in enumerate(catalogue):
        cells = [sheet.getCellByPosition(c, row) for c in range(len(expected_cells(fn)))]
        for cell, exp in zip(cells, expected_cells(fn)):
            got = cell_result(cell)
            chk.check(same(got, exp, rel=1e-9), f"{when}: {fn['example']} gave {got}, expected {exp}")


def main():
    a = args_from_argv()
    catalogue = json.load(open(a.catalogue))
    chk = Checker("calc.examples")
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        doc = office.new_calc()
        sheet = doc.Sheets.getByIndex(0)
        for row, fn in enumerate(catalogue):
            enter(sheet, row, fn)
        doc.calculateAll()
        check_sheet(chk, sheet, catalogue, "fresh document")

        ods = office.scratch("examples.ods")
        xlsx = office.scratch("examples.xlsx")
        office.save_as(doc, ods)
        office.save_as(doc, xlsx, "Calc MS Excel 2007 XML")
        doc.close(True)

        # The stored-name promise: of:=KPI.CPL(...) in ODF, KPI.CPL(...) in XLSX.
        odf = stored_formulas(ods)
        with zipfile.ZipFile(xlsx) as z:
            ooxml = re.findall(r"<f[^>]*>([^<]*)</f>", z.read("xl/worksheets/sheet1.xml").decode())
        for fn in catalogue:
            stored = "KPI." + fn["method"].upper() + "("
            chk.check(any(f.startswith("of:=" + stored) for f in odf), f"ODF stores {stored}: {odf[:3]}")
            chk.check(any(f.startswith(stored) for f in ooxml), f"XLSX stores {stored}: {ooxml[:3]}")

        for path, label in ((ods, "reloaded .ods"), (xlsx, "reloaded .xlsx")):
            doc = office.load(path)
            doc.calculateAll()
            check_sheet(chk, doc.Sheets.getByIndex(0), catalogue, label)
            doc.close(True)
        chk.check(office.alive(), "soffice still responds")
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
