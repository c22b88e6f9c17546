"""The bad-input matrix, in real Calc: every function x every argument x
{blank, text, boolean, date, negative, zero, huge, 2.5, error cell, range with an
error, empty range, 1x1 range, 2-D range, range with a formula giving "",
range with text}
(+ a whole-column range for the first argument), each cell's expected
result given by an independent reference model (reference.py) of the
documented definitions, applied to the cells as Calc passes them. soffice must still answer at the end."""
import json
import sys

from harness import args_from_argv, Checker, same, write_cells
from kpitools.office.session import cell_result, Office
from kpitools.sheet.errors import ERRORS
from oracles import reference

ROWS = 1048576


def num(x):
    return ("num", float(x))


BLANK, TEXT = ("blank",), ("text", "text")  # $Data.A2 holds the word "text"

# What each condition puts in the argument's place: the reference in the
# formula, and what the add-in receives (cells), or the error Calc raises
# before calling the add-in.
CONDITIONS = {
    "blank": ("$Data.A1", [[num(0)]]),          # a lone blank cell is passed as 0
    "text": ("$Data.A2", [[TEXT]]),
    "boolean": ("$Data.A3", [[num(1)]]),        # TRUE is the number 1
    "date": ("$Data.A4", [[num(45306)]]),       # 2024-01-15 as a date serial
    "negative": ("$Data.A5", [[num(-5)]]),
    "zero": ("$Data.A6", [[num(0)]]),
    "huge": ("$Data.A7", [[num(1e300)]]),
    # Issue 24: a percentage typed as a whole number where a fraction of one
    # belongs (#NUM!), a count that is not whole where people are counted.
    "2.5": ("$Data.A9", [[num(2.5)]]),
    "error cell": ("$Data.A8", "#DIV/0!"),      # Calc passes the cell's own error on
    "range with error": ("$Data.B1:B3", "Err:504"),  # Calc does not call the add-in
    "empty range": ("$Data.C1:C3", [[BLANK], [BLANK], [BLANK]]),
    "1x1 range": ("$Data.D1:D1", [[num(7)]]),
    "2-D range": ("$Data.E1:F2", [[num(1), num(2)], [num(3), num(4)]]),
    # A formula giving "" (a month or a campaign not filled in yet, a common
    # template pattern): Calc hands the add-in an empty string, as for a blank.
    "range with empty text": ("$Data.G1:G3", [[num(5)], [BLANK], [num(7)]]),
    # Issue 25: a survey's "no answer" inside the scores: the function says
    # #VALUE!; a native copy must not skip it silently (COUNTIF does).
    "range with text": ("$Data.H1:H3", [[num(5)], [("text", "no answer")], [num(7)]]),
}
# The Data sheet the conditions refer to: a number, or a formula (text starting with "=").
DATA = {"A2": "text", "A3": "=TRUE()", "A4": "=DATE(2024;1;15)", "A5": -5, "A6": 0, "A7": 1e300, "A8": "=1/0", "A9": 2.5,
        "B1": 1, "B2": "=1/0", "B3": 3, "D1": 7, "E1": 1, "F1": 2, "E2": 3, "F2": 4,
        "G1": 5, "G2": '=IF(1;"";0)', "G3": 7,
        "H1": 5, "H2": "no answer", "H3": 7, "J1": 0.9, "J2": 0.1, "J3": 0.5, "K1": 1, "K2": 0, "K3": 1, "Z1": 1, "Z2": 2, "Z3": 3}
WHOLE_COLUMN = ("$Data.Z:Z", [[num(1)], [num(2)], [num(3)]] + [[BLANK]] * (ROWS - 3))


# A valid call of each function: (formula text, cells) per argument; None
# leaves an optional argument out.
def s(x):
    return (repr(x) if not isinstance(x, bool) else ("TRUE()" if x else "FALSE()"), [[num(x)]])


def row(*xs):
    return ("{" + ";".join(repr(x) for x in xs) + "}", [[num(x) for x in xs]])


BOUNDED = "a number >= 0 or #NUM!"  # see reference.Unbounded
KNOWN_VALID = {}  # method -> the valid base call's value, where no model computes it

BASE = {
    "cpl": [s(1000), s(20)], "cpa": [s(1200), s(30)], "cac": [s(5000), s(25)], "cpc": [s(300), s(600)],
    "cpm": [s(600), s(200000)], "ctr": [s(150), s(10000)], "convrate": [s(45), s(1500)],
    "roi": [s(15000), s(10000)], "roas": [s(20000), s(5000)], "growth": [s(1200), s(1000)],
    "share": [s(3), s(12)], "openrate": [s(2450), s(9800)], "ctor": [s(294), s(2450)],
    "unsubrate": [s(49), s(9800)], "bouncerate": [s(200), s(10000)], "engagement": [s(540), s(12000)],
    "mql2sql": [s(30), s(120)], "retention": [s(1100), s(200), s(1000)], "churn": [s(50), s(1000)],
    "aov": [s(45000), s(600)], "arpu": [s(90000), s(3000)], "clv": [s(75), s(4), s(3), s(0.3)],
    "clvret": [s(100), s(0.8), s(0.1), s(True)], "ltv2cac": [s(1200), s(400)],
    "payback": [s(400), s(50), s(0.8)], "nps": [row(10, 9, 3)], "npscount": [s(50), s(30), s(20)],
    "timetoclose": [row(45000, 45010), row(45030, 45025), s(1), row(1, 0)],
    # Cell ranges, not inline arrays: a portable copy rewrites SCOREAUC only
    # over two ranges of one shape (issue 25), as the conditions' columns are.
    "scoreauc": [("$Data.J1:J3", [[num(0.9)], [num(0.1)], [num(0.5)]]), ("$Data.K1:K3", [[num(1)], [num(0)], [num(1)]])],
    "funnel": [row(100, 50, 10)],
    "map": [('"CLV"', [[("text", "CLV")]]), row(50, 100), row(2, 1), row(3, 2), s(0.5)],
    # Issue 14.
    "winrate": [s(30), s(70)], "pipecoverage": [s(300000), s(100000)], "romi": [s(50000), s(0.4), s(10000)],
    "breakevenroas": [s(0.25)], "frequency": [s(50000), s(20000)], "grp": [s(3000000), s(1500000)],
    "viewrate": [s(1200), s(4000)], "cpv": [s(600), s(12000)], "lift": [s(30), s(1000), s(18), s(1000)],
    "abpvalue": [s(200), s(1000), s(250), s(1000)], "nrr": [s(100000), s(15000), s(5000), s(8000)],
    "cohort": [('{"A";"B";"A"}', [[("text", "A"), ("text", "B"), ("text", "A")]]), row(45292, 45300, 45323), s(0)],
    # Issue 24.
    "grr": [s(100000), s(5000), s(8000)], "quickratio": [s(20000), s(10000), s(5000), s(7000)],
    "incremental": [s(300), s(10000), s(20), s(1000)], "npsmoe": [s(50), s(30), s(20), s(0.95)],
    "absamplesize": [s(0.03), s(0.1), s(0.05), s(0.8), s(False)], "abmde": [s(53211), s(0.03), s(0.05), s(0.8)],
    "rateci": [s(30), s(1000), s(0.95)], "liftci": [s(30), s(1000), s(18), s(1000), s(0.95)],
    "rfm": [row(30, 40, 5), row(1, 3, 6), row(300, 40, 120), s(5)],
    "cohortrevenue": [('{"A";"B";"A"}', [[("text", "A"), ("text", "B"), ("text", "A")]]), row(45292, 45300, 45323),
                      row(50, 30, 20), s(0), s(45351)],
}


def build_cases(catalogue, chk):
    """[(formula, expected, label)]: every function's valid base call and each
    of its arguments under every condition (also the base cases
    platforms.aarch64_calc computes on both architectures)."""
    # The predictive-CLV functions' valid calls are their documented examples
    # (whose values were checked with SciPy, tests/oracles/).
    for fn in catalogue:
        if fn["method"] not in BASE and fn["method"] in reference.RANGE:
            _, values = reference._models().parse_call(fn["example"])
            BASE[fn["method"]] = [row(*v) if isinstance(v, list) else s(v) for v in values]
            first = fn["example_result"].split("|")[0].strip()
            KNOWN_VALID[fn["method"]] = float(first)

    missing = [fn["name"] for fn in catalogue if fn["method"] not in BASE]
    chk.check(not missing, f"every function has a valid base call in test_bad_input.py: missing {missing}")

    cases = []  # (formula, expected, label)
    for fn in catalogue:
        base = BASE.get(fn["method"])
        if base is None:
            continue
        conditions = list(CONDITIONS.items())
        for i in range(len(fn["args"])):
            # Past the valid call's arguments (KPI.MAP's columns 5-9, there for
            # the model functions) only the first is tested: appended to the call.
            if i > len(base):
                continue
            for name, cond in conditions + ([("whole column", WHOLE_COLUMN)] if i == 0 else []):
                texts = [b[0] for b in base] + ([None] if i == len(base) else [])
                texts[i] = cond[0]
                if isinstance(cond[1], str):  # Calc answers before the call
                    want = cond[1]
                else:
                    args = [b[1] for b in base] + ([None] if i == len(base) else [])
                    args[i] = cond[1]
                    try:
                        want = reference.expected(fn, args, catalogue)
                    except LookupError:
                        continue  # a model fit on other valid data: no independent value to compare
                    except reference.Unbounded:
                        want = BOUNDED

                formula = f"={fn['name']}({';'.join(texts)})"
                cases.append((formula, want, f"{fn['name']} arg {i + 1} ({fn['args'][i]['name']}) = {name}"))
        # The valid base call itself.
        formula = f"={fn['name']}({';'.join(b[0] for b in base)})"
        try:
            want = reference.expected(fn, [b[1] for b in base], catalogue)
        except LookupError:
            want = KNOWN_VALID[fn["method"]]
        cases.append((formula, want, f"{fn['name']} valid call"))
    return cases


def fill(doc, formulas):
    """The Data sheet the conditions refer to, and the formulas down column A
    of the first sheet (one call: each is a bridge round trip)."""
    doc.Sheets.insertNewByName("Data", 1)
    write_cells(doc.Sheets.getByName("Data"), DATA)
    column = doc.Sheets.getByIndex(0).getCellRangeByPosition(0, 0, 0, len(formulas) - 1)
    column.setFormulaArray(tuple((f,) for f in formulas))


def main():
    a = args_from_argv()
    catalogue = json.load(open(a.catalogue))
    chk = Checker("calc.bad_input")
    cases = build_cases(catalogue, chk)

    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        doc = office.new_calc()
        fill(doc, [formula for formula, _, _ in cases])
        sheet = doc.Sheets.getByIndex(0)
        doc.calculateAll()
        for r, (formula, want, label) in enumerate(cases):
            got = cell_result(sheet.getCellByPosition(0, r))
            if want == BOUNDED:
                ok = got == ("error", ERRORS["#NUM!"]) or (got[0] == "value" and got[1] >= 0)
                chk.check(ok, f"{label}: {formula} gave {got}, expected {BOUNDED}")
                continue
            exp = ("error", ERRORS[want]) if isinstance(want, str) else ("value", float(want))
            chk.check(same(got, exp, rel=1e-9), f"{label}: {formula} gave {got}, expected {exp}")
        print(f"{len(cases)} formulas evaluated")
        chk.check(office.alive(), "soffice still alive and responsive")
        doc.close(True)
        # ...and still able to work.
        doc = office.new_calc()
        c = doc.Sheets.getByIndex(0).getCellByPosition(0, 0)
        c.setFormula("=KPI.CPL(30000;200)")
        doc.calculateAll()
        chk.check(cell_result(c) == ("value", 150.0), "a fresh document still computes after the matrix")
        doc.close(True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
