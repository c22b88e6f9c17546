"""kpi-portable on frozen arrays and runs of frozen cells (issue 27, item 4),
black-box through build/kpi-portable, each run bounded as in
test_hostile_input.py (tests/audit/hostile.py: 30 s of CPU, 1.5 GB for the
whole process tree, 75 s of wall time, else killed and failed).

Every file is generated here and removed at the end:
  funnel.fods  2 KB: one KPI.FUNNEL cell over B2:B3 (100, 40) claiming a
               1000 x 1000 array
       -> written; one frozen entry counting 1,000,000 cells; in LibreOffice
          without the extension the block shows 1 in its first row, 0.4 in
          its second (40 / 100, computed here), #N/A in the 998,000 others,
          and carries ONE comment, on C2, naming the block
  map.fods     KPI.MAP("CTR"; C2:C20001; D2:D20001) as a 20,000-row array
               formula, and 200 single KPI.MAP cells below each other
       -> written; every row's value is C/D (computed here from the file's
          own numbers); one comment for the array, one for the run of 200

Before (the commit that added this test says which): the FUNNEL run was
killed past 30 s of CPU (60 s of CPU and 0.9 GB were not enough), the MAP
run too (20,000 rows: 88 s of CPU, then kpi-portable's own 120 s timeout).
"""
import json
import os
import shutil
import sys

from hostile import bounded, install_once, run_bounded, setup, write  # tests/audit/hostile.py
from make_cases import F, workbook  # tests/audit/make_cases.py
from kpitools.office.session import Office

SIDE = 1000
ROWS = 20000
SINGLE = 200  # single KPI.MAP cells, F2:F201
KEPT = "kpi-portable kept"


def funnel_fods(path):
    rows = [["Stage", "Count", "Rate"], ["S0", 100, F("=KPI.FUNNEL(B2:B3)", 1)], ["S1", 40]]
    text = workbook([("Q1", rows)]).replace(
        'table:formula="of:=KPI.FUNNEL', f'table:number-matrix-columns-spanned="{SIDE}" '
        f'table:number-matrix-rows-spanned="{SIDE}" table:formula="of:=KPI.FUNNEL')
    return write(path, text)


def clicks(i):
    return (i * 7) % 5, 3 + i % 11


def map_fods(path):
    rows = [["Id", "Clicks", "Clicks", "Impressions", "MAP", "One"]]
    for i in range(ROWS):
        c, d = clicks(i)
        rows.append([i, None, c, d, F(f'=KPI.MAP("CTR";C2:C{ROWS + 1};D2:D{ROWS + 1})', 0) if i == 0 else None,
                     F(f'=KPI.MAP("CTR";C{i + 2};D{i + 2})', 0) if i < SINGLE else None])
    text = workbook([("Q1", rows)]).replace(
        "table:formula='of:=KPI.MAP(\"CTR\";[.C2", f'table:number-matrix-columns-spanned="1" '
        f"table:number-matrix-rows-spanned=\"{ROWS}\" table:formula='of:=KPI.MAP(\"CTR\";[.C2", 1)
    assert f'rows-spanned="{ROWS}"' in text
    return write(path, text)


def comments(sheet):
    notes = sheet.getAnnotations()
    return [(notes.getByIndex(k).getPosition(), notes.getByIndex(k).getString()) for k in range(notes.getCount())]


def main():
    a, chk, work, inp = setup("portable.array_freeze", "portable-array-",
                              ("--oxt", "--catalogue", "--workdir", "--launcher"))
    try:
        shared = install_once(a.oxt, work)
        outs = {}
        for name, make in (("funnel", funnel_fods), ("map", map_fods)):
            src = make(os.path.join(inp, f"{name}.fods"))
            out = outs[name] = os.path.join(work, f"{name}.ods")
            r = run_bounded([a.launcher, "--shared", shared, "--format", "json", src, "-o", out], dict(os.environ))
            bounded(chk, f"{name}.fods -> .ods", r)
            chk.check(r.code == 0, f"{name}: exit 0 ({r.code}: {r.err.strip()[-300:]})")
            if r.code == 0:
                frozen = {e["cell"]: e for e in json.loads(r.out)["frozen"]}
                if name == "funnel":
                    e = frozen.get(f"Q1.C2:ALN{SIDE + 1}", {})
                    chk.check(e.get("cells") == SIDE * SIDE and len(e.get("value", [])) <= 1000,
                              f"funnel: one frozen block of a million cells, its values listed in part: "
                              f"{sorted(frozen)} {e.get('cells')}")
                else:
                    chk.check(f"Q1.E2:E{ROWS + 1}" in frozen and len(frozen) == 1 + SINGLE,
                              f"map: the array and the {SINGLE} cells frozen: {len(frozen)}")
        with Office(workdir=work) as bare:  # LibreOffice without the extension
            if os.path.exists(outs["funnel"]):
                doc = bare.load(outs["funnel"])
                sheet = doc.Sheets.getByName("Q1")
                data = sheet.getCellRangeByPosition(2, 1, SIDE + 1, SIDE).getDataArray()
                chk.check(set(data[0]) == {1.0} and set(data[1]) == {40 / 100},
                          f"funnel: rows 1 and 2 of the block show 1 and 0.4: {set(data[0])} {set(data[1])}")
                errors = sum(v is None for row in data[2:] for v in row)
                chk.check(errors == (SIDE - 2) * SIDE and sheet.getCellByPosition(SIDE, SIDE).getError() == 32767,
                          f"funnel: the other rows show #N/A: {errors} error cells")
                notes = comments(sheet)
                chk.check(len(notes) == 1 and (notes[0][0].Column, notes[0][0].Row) == (2, 1)
                          and f"Q1.C2:ALN{SIDE + 1}" in notes[0][1] and KEPT in notes[0][1],
                          f"funnel: one comment, on C2, naming the block: {[(n[0].Column, n[0].Row, n[1][:90]) for n in notes]}")
                doc.close(True)
            if os.path.exists(outs["map"]):
                doc = bare.load(outs["map"])
                sheet = doc.Sheets.getByName("Q1")
                data = sheet.getCellRangeByPosition(2, 1, 5, ROWS).getDataArray()
                wrong = [i for i, row in enumerate(data) if abs(row[2] - clicks(i)[0] / clicks(i)[1]) > 1e-12
                         or (i < SINGLE and abs(row[3] - clicks(i)[0] / clicks(i)[1]) > 1e-12)]
                chk.check(not wrong, f"map: every row shows clicks / impressions: {len(wrong)} rows differ, "
                                     f"first {wrong[:5]}")
                notes = sorted((n[0].Column, n[0].Row, n[1]) for n in comments(sheet))
                chk.check([n[:2] for n in notes] == [(4, 1), (5, 1)] and f"Q1.E2:E{ROWS + 1}" in notes[0][2]
                          and f"Q1.F2:F{SINGLE + 1}" in notes[1][2],
                          f"map: one comment for the array, one for the run: {[(c, r, t[:80]) for c, r, t in notes]}")
                doc.close(True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
