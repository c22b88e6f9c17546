"""KPI ▸ Save a portable copy…, dispatched as org.kpifunctions:portable with a
URL argument (what the file dialog returns; a macro may pass it) in headless
Calc with the built .oxt, on the example campaign sheet:

- the .xlsx and .ods copies hold no KPI call, and every formula cell that
  called a KPI function shows, reopened, the value the extension computes in
  the original (native formulas against the C++ core: two engines);
- the open document keeps its KPI formulas and is not marked modified.
"""
import argparse
import os
import shutil
import sys
import zipfile

from harness import Checker
from kpitools.office.session import Office, props

# soffice must run the package inside the .oxt, not the source tree's.
os.environ.pop("PYTHONPATH", None)


def kpi_cells(doc):
    """{(sheet, row, col): (formula, value or error)} of the cells calling KPI."""
    out = {}
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        forms = sh.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow).getFormulaArray()
        for r, row in enumerate(forms):
            for c, f in enumerate(row):
                if "KPI." in f.upper():
                    cell = sh.getCellByPosition(c, r)
                    out[(sh.Name, r, c)] = (f, ("error", cell.getError()) if cell.getError() else cell.getValue())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--source-dir", required=True)
    opts = ap.parse_args()
    ck = Checker("menu.portable")
    with Office(oxt=opts.oxt, workdir=opts.workdir) as office:
        src = office.scratch("campaign.fods")
        shutil.copyfile(os.path.join(opts.source_dir, "examples", "campaign.fods"), src)
        doc = office.load(src)
        doc.calculateAll()
        before = kpi_cells(doc)
        ck.check(len(before) >= 10, f"the example has KPI cells ({len(before)})")
        helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", office.ctx)
        frame = doc.getCurrentController().getFrame()
        for ext in (".xlsx", ".ods"):
            out = os.path.abspath(office.scratch("portable" + ext))
            res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out))
            ck.check(res is not None and res.State == 1 and os.path.isfile(out),
                     f"{ext}: dispatch wrote the copy ({res.Result if res else None})")
            if not os.path.isfile(out):
                continue
            with zipfile.ZipFile(out) as z:
                xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
            ck.check(b"KPI." not in xml.upper(), f"{ext}: no KPI call left in the file")
            copy = office.load(out)
            try:
                copy.calculateAll()
                for (sheet, r, c), (formula, want) in before.items():
                    cell = copy.Sheets.getByName(sheet).getCellByPosition(c, r)
                    got = ("error", cell.getError()) if cell.getError() else cell.getValue()
                    same = got == want if isinstance(want, tuple) else (
                        not isinstance(got, tuple) and abs(got - want) <= 1e-9 * max(1.0, abs(want)))
                    ck.check(same, f"{ext}: {sheet}.{c},{r} {formula}: native {got} == extension {want}")
            finally:
                copy.close(True)
        ck.check(kpi_cells(doc) == before and not doc.isModified(),
                 "the open document keeps its KPI formulas and is not modified")
        doc.close(True)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
