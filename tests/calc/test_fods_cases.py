"""Test cases written as spreadsheets: every tests/calc/cases/*.fods has a
sheet "Cases" with Function | Expected | Correct | Why columns (the
convention of LibreOffice's own sc/qa/unit/data/functions). The harness
opens each file in real Calc with the extension, recalculates, and requires
every Correct cell to be TRUE; then saves as .ods, reloads and checks again."""
import glob
import os
import sys

from harness import args_from_argv, Checker
from kpitools.office.session import cell_result, Office


def check_cases(chk, doc, label):
    sheet = doc.Sheets.getByName("Cases")
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    last_row = cursor.getRangeAddress().EndRow
    n = 0
    for row in range(1, last_row + 1):
        fcell = sheet.getCellByPosition(0, row)
        if not fcell.getFormula():
            continue
        n += 1
        correct = cell_result(sheet.getCellByPosition(2, row))
        why = sheet.getCellByPosition(3, row).getString()
        chk.check(correct == ("value", 1.0),
                  f"{label} row {row + 1}: {fcell.getFormula()} = {cell_result(fcell)}, Correct = {correct}, "
                  f"expected {sheet.getCellByPosition(1, row).getString()} ({why})")
    chk.check(n > 0, f"{label}: has cases")
    return n


def main():
    a = args_from_argv()
    chk = Checker("calc.fods_cases")
    files = sorted(glob.glob(os.path.join(a.source_dir, "tests", "calc", "cases", "*.fods")))
    chk.check(len(files) > 0, "found case files")
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for path in files:
            name = os.path.basename(path)
            doc = office.load(path)
            doc.calculateAll()
            n = check_cases(chk, doc, name)
            print(f"{name}: {n} cases")
            saved = office.scratch(name.replace(".fods", ".ods"))
            office.save_as(doc, saved)
            doc.close(True)
            doc = office.load(saved)
            doc.calculateAll()
            check_cases(chk, doc, name + " (saved and reloaded)")
            doc.close(True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
