"""Where soffice's time goes when Calc calls a model function (issue 26,
item 5): `perf record` on soffice while it recalculates one formula over
simulated customers, then the samples by library. Not a test; run by hand
(needs perf and a benchmark build's .oxt; the simulation is bench/fits_vs_scipy.py's):

  PYTHONPATH=python /usr/bin/python3 bench/profile_in_calc.py --oxt build-bench/kpi-functions-*.oxt \
      [--rows 100000] [--runs 10] [--formula KPI.GG.FIT]

For each formula (the function and its floor, the benchmark build's empty
method with the same arguments) it prints the share of soffice's samples in
each library: libsclo.so is Calc (its range-to-sequence conversion, its
result matrix), libuno_cppu / libuno_sal the Anys and sequences, libc the
allocations, libkpi_addin the add-in (glue and core). Debian's LibreOffice
has no symbols beyond its exports, so the split is by library."""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fits_vs_scipy import simulate  # noqa: E402
from models_in_calc import customers  # noqa: E402

from kpitools.bench import report  # noqa: E402
from kpitools.office.session import Office  # noqa: E402

# name: (formula, width of its result row, or 0 for a column as long as the table)
FORMULAS = {
    "KPI.GG.FIT": ("=KPI.GG.FIT(A2:A{last};D2:D{last})", 4),
    "KPI.FLOORGGFIT": ("=KPI.FLOORGGFIT(A2:A{last};D2:D{last})", 4),
    "KPI.BGNBD.FIT": ("=KPI.BGNBD.FIT(A2:A{last};B2:B{last};C2:C{last})", 5),
    "KPI.FLOORBGNBDFIT": ("=KPI.FLOORBGNBDFIT(A2:A{last};B2:B{last};C2:C{last})", 5),
    "KPI.MAP": ('=KPI.MAP("BGNBD.PALIVE";$P$2:$S$2;A2:A{last};B2:B{last};C2:C{last})', 0),
    "KPI.FLOORMAP": ('=KPI.FLOORMAP("BGNBD.PALIVE";$P$2:$S$2;A2:A{last};B2:B{last};C2:C{last})', 0),
}


def profile(office, doc, sheet, formula, width, rows, runs, workdir):
    if width:
        out = sheet.getCellRangeByPosition(10, 1, 10 + width - 1, 1)
    else:
        out = sheet.getCellRangeByPosition(5, 1, 5, rows)  # F2:F{last}
    out.setArrayFormula(formula)
    doc.calculateAll()  # warm-up
    data = os.path.join(workdir, "perf.data")
    perf = subprocess.Popen(["perf", "record", "-q", "-F", "2000", "-p", str(office.proc.pid), "-o", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)  # perf attached
        t = time.perf_counter()
        for _ in range(runs):
            doc.calculateAll()
        secs = (time.perf_counter() - t) / runs
    finally:
        perf.send_signal(2)
        perf.wait(timeout=60)
    out.clearContents(16)
    rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--sort", "dso", "--percent-limit", "1"],
                         capture_output=True, text=True).stdout
    return secs, [ln for ln in rep.splitlines() if ln.strip() and not ln.startswith("#")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--formula", action="append", help="of " + ", ".join(FORMULAS))
    ap.add_argument("--workdir", default="/tmp")
    a = ap.parse_args()
    names = a.formula or ["KPI.GG.FIT", "KPI.FLOORGGFIT"]
    print(f"load average {report.load():.1f}; {a.rows:,} customers; {a.runs} calculateAll() per formula", flush=True)
    with tempfile.TemporaryDirectory(dir=a.workdir) as work, Office(oxt=a.oxt, workdir=a.workdir,
                                                                    start_timeout=180) as office:
        doc = office.new_calc()
        sheet = doc.Sheets.getByIndex(0)
        customers(sheet, *simulate(a.rows))
        sheet.getCellRangeByName("P2:S2").setDataArray(((0.243, 4.414, 0.793, 2.426),))  # BG/NBD parameters
        for name in names:
            formula, width = FORMULAS[name]
            secs, lines = profile(office, doc, sheet, formula.format(last=a.rows + 1), width, a.rows, a.runs, work)
            print(f"\n{name}: {secs * 1000:,.1f} ms a recalculation (mean of {a.runs}, perf attached); "
                  "share of soffice's samples by library", flush=True)
            for line in lines:
                print("  " + line.strip(), flush=True)
        doc.close(True)
    print(f"\nload average {report.load():.1f} after")


if __name__ == "__main__":
    main()
