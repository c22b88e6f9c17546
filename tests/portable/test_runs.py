"""Formulas filled down, converted as runs (issue 26, item 1).

kpi-portable now reads, rewrites and writes a formula filled down a column
once and lets Calc fill it (runs.py, convert._plan_run/_fill), where it
used to set each cell on its own (quadratic in Calc 7.4: 226 s for 20,000
rows). What this must not change, checked here on a workbook built by the
test, converted by the command line and opened WITHOUT the extension:

- every cell of a run shows the value worked out by hand from its own row
  (column C: cost / leads of that row; column E: another sheet's cells);
- every cell keeps its own format: a fill copies the first cell's, so red
  rows, a percentage row and a bold row inside a run stay as they were;
- a run broken in the middle (column D: one cell refers to the wrong row,
  as a hand edit would) keeps that cell's own formula and value;
- a comment inside a run stays;
- an implicit intersection filled past its range (column F) still gives
  #VALUE! below the range in the copy (the run check refuses it: the
  rewrite depends on the row);
- the summary lists each cell with the native formula Calc holds for it
  (its own row's references).

Frozen cells are seen as such (issue 25, item 6): F6:F8, kept as values,
are shaded in the copy (no other cell is) and listed with their formula on
a sheet "Not recalculated" added at the end; the summary names it.

Every formula of the copy fits Excel's 8,192 characters (issue 25, item 3),
not only the rewritten ones: G2, a plain formula of 8,400 characters, keeps
its value (2,800 × A2) and is listed; G3, 8,100 characters, stays a formula.

And runs.shift, the text check the runs are found with, on hand-written
texts (sheet names with digits, strings, names that look like cells).
"""
import json
import os
import subprocess
import sys
import tempfile

from harness import Checker, args_from_argv, same
from kpitools.office.session import Office, cell_result
from kpitools.portable.runs import runs, shift

import uno

N = 300  # rows of data, 2..N+1
COST = [100.0 + 7 * i for i in range(N)]
LEADS = [float(3 + i % 11) for i in range(N)]
OTHER = [50.0 + i for i in range(N)]
RED = {10, 11, 250}  # rows (1-based) with a red background inside the C run
PERCENT_ROW = 20
BOLD_ROW = 30
BROKEN_ROW = 40  # D40 refers to row 41: the run is broken there
NOTE_ROW = 60


class Check(Checker):
    def eq(self, what, got, want, detail=""):
        self.check(got == want, f"{what}: got {got!r}, expected {want!r} {detail}".rstrip())

    def ok(self, what, cond):
        self.check(bool(cond), what)


def check_shift(ck):
    ck.eq("shift: plain", shift("=KPI.CPL(A2;B2)", 1), "=KPI.CPL(A3;B3)")
    ck.eq("shift: absolute rows stay", shift("=KPI.CPL(A$2:A$9;$B2)", 3), "=KPI.CPL(A$2:A$9;$B5)")
    ck.eq("shift: sheet names and strings stay",
          shift("=KPI.CPL('Q1 2024'.A2;AB1.C2)&\"B2\"", 1), "=KPI.CPL('Q1 2024'.A3;AB1.C3)&\"B2\"")
    ck.eq("shift: functions, numbers and dotted names stay",
          shift("=LOG10(A2)+1E5+KPI.CLV.PREDICT(B2)", 1), "=LOG10(A3)+1E5+KPI.CLV.PREDICT(B3)")
    ck.eq("shift: past the last row is refused", shift("=A1048576", 1), None)
    texts = [["=KPI.CPL(A1;B1)"], ["=KPI.CPL(A2;B2)"], ["=KPI.CPL(A2;B3)"], ["=KPI.CPL(A3;B4)"], [""],
             ["=KPI.CTR(A6;B6)"]]
    ck.eq("runs: broken where a row is not the one above filled down",
          runs(texts, 0, lambda t: "KPI." in t), [(0, 1), (2, 3), (5, 5)])


def build(path, oxt, workdir):
    with Office(oxt=oxt, workdir=workdir) as office:
        doc = office.new_calc()
        doc.Sheets.insertNewByName("Other 2", 1)
        sh, other = doc.Sheets.getByIndex(0), doc.Sheets.getByName("Other 2")
        sh.getCellRangeByPosition(0, 0, 5, 0).setDataArray((("cost", "leads", "CPL", "broken", "other", "inter"),))
        sh.getCellRangeByPosition(0, 1, 1, N).setDataArray(tuple(zip(COST, LEADS)))
        other.getCellRangeByPosition(0, 1, 0, N).setDataArray(tuple((v,) for v in OTHER))
        rows = range(2, N + 2)
        sh.getCellRangeByPosition(2, 1, 2, N).setFormulaArray(tuple((f"=KPI.CPL(A{r};B{r})",) for r in rows))
        sh.getCellRangeByPosition(3, 1, 3, N).setFormulaArray(
            tuple((f"=KPI.CPL(A{r};B{r + 1 if r == BROKEN_ROW else r})",) for r in rows))
        sh.getCellRangeByPosition(4, 1, 4, N).setFormulaArray(
            tuple((f"=KPI.CPL($'Other 2'.A{r};B{r})",) for r in rows))
        sh.getCellRangeByPosition(5, 1, 5, 7).setFormulaArray(
            tuple((f"=KPI.CPL(A$2:A$5*2;B{r})",) for r in range(2, 9)))
        sh.getCellByPosition(6, 1).setFormula("=" + "+".join(["A2"] * 2800))  # 8,400 characters
        sh.getCellByPosition(6, 2).setFormula("=" + "+".join(["A3"] * 2700))  # 8,100 characters
        for r in RED:
            sh.getCellByPosition(2, r - 1).CellBackColor = 0xFF0000
        sh.getCellByPosition(2, PERCENT_ROW - 1).NumberFormat = 10  # 0.00%
        sh.getCellByPosition(2, BOLD_ROW - 1).CharWeight = 150.0
        sh.getAnnotations().insertNew(uno.createUnoStruct("com.sun.star.table.CellAddress", 0, 2, NOTE_ROW - 1),
                                      "checked by Marie")
        office.save_as(doc, path, "calc8")
        doc.close(True)


def expected(col, r):
    i = r - 2
    if col == "C":
        return COST[i] / LEADS[i]
    if col == "D":
        return COST[i] / LEADS[i + 1 if r == BROKEN_ROW else i]
    if col == "E":
        return OTHER[i] / LEADS[i]
    # F: A$2:A$5*2 read at the row (implicit intersection), #VALUE! below row 5.
    return COST[i] * 2 / LEADS[i] if r <= 5 else ("error", 519)


def main():
    a = args_from_argv()
    ck = Check("portable.runs")
    check_shift(ck)
    work = tempfile.mkdtemp(prefix="runs-", dir=a.workdir)
    src, out = os.path.join(work, "runs.ods"), os.path.join(work, "runs-portable.ods")
    build(src, a.oxt, work)
    r = subprocess.run([sys.executable, "-m", "kpitools.portable.cli", "--oxt", a.oxt, "--catalogue", a.catalogue,
                        src, "-o", out, "--format", "json"], capture_output=True, text=True, timeout=300)
    ck.eq("kpi-portable exit code", r.returncode, 0, r.stderr[-2000:])
    summary = json.loads(r.stdout) if r.returncode == 0 else {"rewritten": [], "frozen": []}
    natives = {x["cell"]: x["native"] for x in summary["rewritten"]}
    ck.eq("rewritten cells", len(natives), 3 * N + 4)
    ck.eq("frozen cells (F6:F8, below the range; G2, too long)", sorted(x["cell"] for x in summary["frozen"]),
          ["Sheet1.F6", "Sheet1.F7", "Sheet1.F8", "Sheet1.G2"])
    ck.ok("C150's native formula reads its own row",
          "A150" in natives.get("Sheet1.C150", "") and "A149" not in natives.get("Sheet1.C150", ""))
    ck.ok("D40's native formula keeps the broken reference",
          "B41" in natives.get("Sheet1.D40", "") and "B40" not in natives.get("Sheet1.D40", ""))
    with Office(workdir=work) as office:  # no extension: the copy stands alone
        doc = office.load(out)
        doc.calculateAll()
        sh = doc.Sheets.getByIndex(0)
        formulas = sh.getCellRangeByPosition(0, 0, 5, N).getFormulaArray()
        ck.ok("no KPI. left in the copy", not any("KPI." in f for row in formulas for f in row))
        bad = []
        for col, c in (("C", 2), ("D", 3), ("E", 4), ("F", 5)):
            for row in (range(2, N + 2) if col != "F" else range(2, 9)):
                got, want = cell_result(sh.getCellByPosition(c, row - 1)), expected(col, row)
                want = want if isinstance(want, tuple) else ("value", want)
                if not same(got, want):
                    bad.append((f"{col}{row}", got, want))
        ck.eq("every cell's value, by hand (first differences)", bad[:5], [])
        ck.eq("G2 keeps its value", (sh.getCellByPosition(6, 1).getType().value, sh.getCellByPosition(6, 1).getValue()),
              ("VALUE", 2800 * COST[0]))
        ck.eq("G3 stays a formula", (len(sh.getCellByPosition(6, 2).getFormula()), sh.getCellByPosition(6, 2).getValue()),
              (8100, 2700 * COST[1]))
        ck.eq("red rows keep their background",
              [sh.getCellByPosition(2, r - 1).CellBackColor for r in sorted(RED)], [0xFF0000] * len(RED))
        ck.eq("the rows around them keep none",
              [sh.getCellByPosition(2, r - 1).CellBackColor for r in (9, 12, 249, 251)], [-1] * 4)
        ck.eq("the percentage row keeps its format", sh.getCellByPosition(2, PERCENT_ROW - 1).NumberFormat, 10)
        ck.eq("the first row keeps the standard format", sh.getCellByPosition(2, 1).NumberFormat, 0)
        ck.eq("the bold row stays bold", sh.getCellByPosition(2, BOLD_ROW - 1).CharWeight, 150.0)
        ck.eq("the row below it is not bold", sh.getCellByPosition(2, BOLD_ROW).CharWeight, 100.0)
        shade = 0xFFE4B5
        ck.eq("the frozen cells are shaded", [sh.getCellByPosition(5, r - 1).CellBackColor for r in (6, 7, 8)],
              [shade] * 3)
        ck.eq("the rewritten ones are not", [sh.getCellByPosition(5, r - 1).CellBackColor for r in (2, 5)], [-1] * 2)
        ck.eq("the summary names the listing sheet", summary.get("listing"), "Not recalculated")
        names = doc.Sheets.getElementNames()
        ck.eq("the listing is the last sheet", names[-1] if names else None, "Not recalculated")
        if names and names[-1] == "Not recalculated":
            listed = doc.Sheets.getByName("Not recalculated").getCellRangeByPosition(0, 3, 2, 3).getDataArray()[0]
            ck.eq("it lists the block and its formula", listed[:2],
                  ("Sheet1.F6:F8", "=KPI.CPL(A$2:A$5*2;B6) … =KPI.CPL(A$2:A$5*2;B8)"))
            ck.ok("and why", "intersection" in listed[2])
            longest = doc.Sheets.getByName("Not recalculated").getCellRangeByPosition(0, 4, 2, 4).getDataArray()[0]
            ck.eq("the long formula is listed", (longest[0], "8,400 characters" in longest[2]), ("Sheet1.G2", True))
        notes = sh.getAnnotations()
        texts = {(notes.getByIndex(i).Position.Column, notes.getByIndex(i).Position.Row): notes.getByIndex(i).String
                 for i in range(notes.getCount())}
        ck.eq("the comment inside the run stays", texts.get((2, NOTE_ROW - 1)), "checked by Marie")
        doc.close(True)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
