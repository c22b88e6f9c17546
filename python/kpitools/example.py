"""Opens the example campaign sheet in headless Calc with the extension
installed in an isolated profile, recalculates it and prints its KPIs.

  PYTHONPATH=python /usr/bin/python3 -m kpitools.example --oxt build/kpi-functions-*.oxt \
      --sheet examples/campaign.fods [--check]

--check compares the KPIs with values worked out by hand and exits non-zero
on a difference (the ctest test calc.example_sheet)."""
import argparse
import sys
import tempfile

from kpitools.office.session import Office, cell_result

# Worked out by hand from the sheet's inputs (see examples/campaign.fods).
EXPECTED = {
    "J4": 12000 / 240, "K4": 12000 / 9600, "L4": 9600 / 400000, "M4": 36 / 120, "N4": 12000 / 12, "O4": 30000 / 12000,
    "B8": 26500, "E8": 540, "J8": 26500 / 540, "K8": 26500 / 20000, "L8": 20000 / 2390000,
    "M8": 75 / 253, "N8": 26500 / 27, "O8": 60500 / 26500,
    "B15": 120 * 4 * 5 * 0.45, "B16": (120 * 4 * 5 * 0.45) / (26500 / 27),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--sheet", required=True)
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    failures = 0
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        doc = office.load(a.sheet)
        doc.calculateAll()
        sh = doc.Sheets.getByIndex(0)
        print(sh.getCellRangeByName("A1").getString())
        headers = [sh.getCellByPosition(c, 2).getString() for c in range(15)]
        kpi_cols = range(9, 15)
        print(f"{'':<10}" + "".join(f"{headers[c]:>14}" for c in kpi_cols))
        for r in range(3, 8):
            label = sh.getCellByPosition(0, r).getString()
            print(f"{label:<10}" + "".join(f"{sh.getCellByPosition(c, r).getString():>14}" for c in kpi_cols))
        for r in (14, 15):
            print(f"{sh.getCellByPosition(0, r).getString()}: {sh.getCellByPosition(1, r).getString()}")
        errors = []
        for r in range(0, 20):
            for c in range(15):
                kind, v = cell_result(sh.getCellByPosition(c, r))
                if kind == "error":
                    errors.append(f"{chr(65 + c)}{r + 1}")
        if errors:
            print("FAIL cells showing an error:", ", ".join(errors))
            failures += 1
        if a.check:
            for addr, want in EXPECTED.items():
                kind, got = cell_result(sh.getCellRangeByName(addr))
                if not (kind == "value" and abs(got - want) <= 1e-9 * max(1, abs(want))):
                    print(f"FAIL {addr}: {kind} {got}, expected {want}")
                    failures += 1
            checks = len(EXPECTED) + 1  # + "no cell shows an error"
            print(f"example sheet: {checks - failures} passed, {failures} failed")
        doc.close(True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
