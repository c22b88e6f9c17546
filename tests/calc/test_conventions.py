"""The shared conventions, as a user sees them in real Calc: errors
(#DIV/0!, #NUM!, #VALUE!, Err:504), ranges summed as a sum over a sum, blank
cells skipped, arrays in both orientations. Expected values are worked out
by hand in the comments."""
import sys

from harness import args_from_argv, Checker, same, write_cells
from kpitools.office.session import cell_result, Office
from kpitools.sheet.errors import ERRORS

# Data laid out in the sheet before the formulas run (address: value or formula).
DATA = {
    # Twelve months of cost (B) and leads (C). Total cost 13000, total leads 140.
    **{f"B{r}": v for r, v in zip(range(2, 14), [1000, 1200, 900, 1100, 1000, 800, 700, 1500, 1300, 1000, 1200, 1300])},
    **{f"C{r}": v for r, v in zip(range(2, 14), [10, 12, 9, 10, 20, 8, 7, 15, 13, 10, 12, 14])},
    "E2": "=1/0",          # an error cell
    "E3": 5,
    "F2": "text",          # a text cell
    "G2": 100, "G4": 200,  # G3 blank
    "H2": -50,
    # NPS answers, a blank and a comment: 10 9 8 7 6 3 10 9 5 10 -> 20
    **{f"J{r}": v for r, v in zip(range(2, 12), [10, 9, 8, 7, 6, 3, 10, 9, 5, 10])},
    "J13": "no answer",
    # Funnel stages as a column
    "L2": 10000, "L3": 2500, "L4": 500, "L5": 100,
    "M2": "=TRUE()",
    "G5": '=IF(1;"";0)',  # a formula giving "": a month not filled in yet
}

# (formula, expected): a number, or an error name.
CASES = [
    ("=KPI.CPL(30000;200)", 150),
    ("=KPI.CPL(B2:B13;C2:C13)", 13000 / 140),  # sum over sum, not the mean of monthly CPLs
    ("=KPI.CTR(C2:C13;B2:B13)", 140 / 13000),
    ("=KPI.CPL(1;0)", "#DIV/0!"),
    ("=KPI.CPL(-1;2)", "#NUM!"),
    ("=KPI.CPL(H2;2)", "#NUM!"),
    ("=KPI.CPL(G2:H2;2)", "#NUM!"),           # a negative cell in a range
    ("=KPI.CPL(\"abc\";2)", "#VALUE!"),
    ("=KPI.CPL(F2;2)", "#VALUE!"),            # a cell holding text
    ("=KPI.CPL(F2:G2;2)", "#VALUE!"),         # text inside a range
    ("=KPI.CPL(G2:G4;3)", 100),               # blank G3 skipped: 300 / 3
    ("=KPI.CPL(G3;1)", 0),                    # a lone blank cell reads as 0, as in =G3/1
    ("=KPI.CPL(E2;1)", "#DIV/0!"),            # an error cell passes its error through
    ("=KPI.CPL(E2:E3;1)", "Err:504"),         # Calc does not call add-ins with an error inside a range
    ("=KPI.CPL(1)", "Err:504"),               # a missing required argument
    ("=KPI.CLV(75;4;3)", 900),
    ("=KPI.CLV(75;4;3;0.3)", 270),
    ("=KPI.CLV(G2:G4;4;3)", "#VALUE!"),       # a single-number argument given two values
    ("=KPI.CLV(75;4;3;1.5)", "#NUM!"),        # margin above 100 %
    ("=KPI.CLVRET(100;0.8;0.1;TRUE())", 110 / 0.3),
    ("=KPI.CLVRET(100;0.8;0.1;M2)", 110 / 0.3),
    ("=KPI.CLVRET(100;0.8;0.1;FALSE())", 80 / 0.3),
    ("=KPI.CLVRET(100;1.2;0.1)", "#NUM!"),
    ("=KPI.MQL2SQL(30;120)", 0.25),
    ("=KPI.MQL2SQL(30;0)", "#DIV/0!"),
    ("=KPI.MQL2SQL(-30;120)", "#NUM!"),
    ("=KPI.NPS(J2:J12)", 20),                 # blank J12 skipped
    ("=KPI.NPS(J2:J13)", "#VALUE!"),          # text J13: a score stored as text is not skipped unseen (issue 14)
    ("=KPI.NPS(J11:J12)", 100),               # J11 = 10, blank J12 skipped: one promoter
    ("=KPI.NPS(G2:G4)", "#NUM!"),             # 100 and 200 are not 0-10 scores
    ("=KPI.NPS(F2:F2)", "#VALUE!"),           # a text cell (issue 14)
    ("=KPI.NPS({11})", "#NUM!"),
    ("=KPI.NPS(G3)", -100),                   # Calc passes a lone blank cell as 0 (as in =G3+0): one detractor
    ("=KPI.RETENTION(1100;200;1000)", 0.9),
    ("=KPI.TIMETOCLOSE({45000;45010;45020};{45030;45025;45080};1)", 30),
    ("=KPI.SCOREAUC({1;2;3};{1;1;1})", "#DIV/0!"),
    ("=KPI.FUNNEL(L2:M3)", "#VALUE!"),        # 2-D
    # The blank rule (issue 24). What reaches the add-in as a blank: a range
    # of blank cells (even G3:G3) and a formula's "". A lone blank cell G3 is
    # read by Calc as 0 before the add-in is called, whatever the argument's
    # UNO type (any, sequence<sequence<any>>, sequence<sequence<double>>):
    # the probes below show it for the first two; KPI.MAP's double columns
    # cannot hold a blank at all.
    ("=KPI.GROWTH(G3:G3;1000)", "#N/A"),      # required, blank: no data yet (was -100 %)
    ("=KPI.GROWTH(G5;1000)", "#N/A"),         # the same with a formula's ""
    ("=KPI.GROWTH(G3;1000)", -1),             # remains: Calc passes the lone blank as 0
    ("=KPI.CLV(75;4;3;G3:G3)", 900),          # optional, blank: left out (75 x 4 x 3, was 0)
    ("=KPI.CLV(75;4;3;G5)", 900),             # optional `any` given "": left out
    ("=KPI.CLV(75;4;3;G3)", 0),               # remains: the `any` receives the double 0
    ("=KPI.PAYBACK(400;50;G3:G3)", 8),        # 400 / 50 (was #DIV/0!)
    ("=KPI.NRR(1000;G3:G3;G3:G3;100)", 0.9),  # expansion and contraction blank mean none
    ("=KPI.NPS(G3:G3)", "#DIV/0!"),           # no answers
    ("=KPI.NPSCOUNT(G3:G3;G3:G3;G3:G3)", "#DIV/0!"),
    ("=KPI.CPL(G3:G3;1)", "#N/A"),
    # Fractions of one and whole counts (issue 24, item 5).
    ("=KPI.CLVRET(100;0.8;10)", "#NUM!"),     # 10 meant 10 %: type 0.1 or 10%
    ("=KPI.CLVRET(100;0.8;10%)", 80 / 0.3),   # 266.67
    ("=KPI.ABPVALUE(0.03;1;0.018;1)", "#NUM!"),  # rates typed instead of counts (was 0.956)
    ("=KPI.LIFT(30;1000;18;1000)", 2 / 3),
]


FIRST = 30  # the row of CASES' first formula (0-based)


def fill(sheet):
    """Writes the data, the cases and the array formulas into the sheet (also
    the base cases platforms.aarch64_calc computes on both architectures)."""
    write_cells(sheet, DATA)
    for i, (formula, _) in enumerate(CASES):
        sheet.getCellByPosition(0, FIRST + i).setFormula(formula)
    # The funnel as an array formula, down a column and along a row.
    sheet.getCellRangeByName("C60:C63").setArrayFormula("=KPI.FUNNEL(L2:L5)")
    sheet.getCellRangeByName("C65:F65").setArrayFormula("=KPI.FUNNEL({100;0;5;1})")
    # Column-at-once: one call for four rows; G2:G4 has a blank (reads 0).
    sheet.getCellRangeByName("C70:C73").setArrayFormula('=KPI.MAP("CPL";B2:B5;C2:C5)')
    sheet.getCellRangeByName("D70:D72").setArrayFormula('=KPI.MAP("kpi.cpl";G2:G4;2)')


def main():
    a = args_from_argv()
    chk = Checker("calc.conventions")
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        doc = office.new_calc()
        sheet = doc.Sheets.getByIndex(0)
        fill(sheet)
        doc.calculateAll()

        for i, (formula, exp) in enumerate(CASES):
            got = cell_result(sheet.getCellByPosition(0, FIRST + i))
            want = ("error", ERRORS[exp]) if isinstance(exp, str) else ("value", float(exp))
            chk.check(same(got, want, rel=1e-9), f"{formula}: got {got}, expected {want}")

        for addr, exp in [("C60", 1), ("C61", 0.25), ("C62", 0.2), ("C63", 0.2),
                          ("C65", 1), ("D65", 0), ("E65", "#DIV/0!"), ("F65", 0.2),
                          ("C70", 100), ("C71", 100), ("C72", 100), ("C73", 110),  # 1000/10 1200/12 900/9 1100/10
                          ("D70", 50), ("D71", 0), ("D72", 100)]:
            got = cell_result(sheet.getCellRangeByName(addr))
            want = ("error", ERRORS[exp]) if isinstance(exp, str) else ("value", float(exp))
            chk.check(same(got, want), f"array {addr}: got {got}, expected {want}")

        # What the user reads in the cell, not only the error number.
        for formula, shown in [("=KPI.CPL(1;0)", "#DIV/0!"), ("=KPI.CPL(-1;2)", "#NUM!"),
                               ("=KPI.CPL(\"x\";2)", "#VALUE!")]:
            cell = sheet.getCellRangeByName("Z1")
            cell.setFormula(formula)
            doc.calculateAll()
            chk.check(cell.getString() == shown, f"{formula} shows {cell.getString()!r}, expected {shown!r}")
        chk.check(office.alive(), "soffice still responds")
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
