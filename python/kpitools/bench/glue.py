"""Benchmark: what a call costs through the add-in's glue, the binary-UNO
glue of now against the C++ UNO glue it replaced (issue 22: within 10 %).

  scripts/bench.sh --only glue   (builds both benchmark .oxt, runs this)

Each glue is installed in its own soffice (they share the service name KPI,
so they cannot live in one profile); the two sessions run one after the
other, twice in alternation (before, now, before, now), so that a change in
the machine's load falls on both. Per session and workload: calculateAll()
`--repeat` times, the best kept; then the best of the two sessions.
Workloads: 100,000 rows of scalar calls (=KPI.CTR(C2;D2) and the empty
method =KPI.NOOP(C2;D2), one call per row), and one call over two
100,000-row ranges (=KPI.CPL(B;C), and KPI.NOOP / KPI.NOOPCOLS: the same
ranges as any and as doubles)."""
import argparse
import random

from kpitools.bench import report
from kpitools.bench.calc import column_formula, fill_data, time_calc
from kpitools.office.session import Office, cell_result


def workloads(n):
    last = n + 1
    return [
        ("KPI.CTR(C;D), one call per row", True, "=KPI.CTR(C2;D2)"),
        ("KPI.NOOP(C;D), empty method, one call per row", True, "=KPI.NOOP(C2;D2)"),
        ("KPI.CPL(B;C) over two ranges", False, f"=KPI.CPL(B2:B{last};C2:C{last})"),
        ("KPI.NOOP(B;C), empty method, two ranges as any", False, f"=KPI.NOOP(B2:B{last};C2:C{last})"),
        ("KPI.NOOPCOLS(B;C), empty method, two ranges as doubles", False, f"=KPI.NOOPCOLS(B2:B{last};C2:C{last})"),
    ]


def session(oxt, workdir, n, repeat):
    """Best calculateAll() per workload in one soffice with `oxt` installed; the first row's result too."""
    out = {}
    with Office(oxt=oxt, workdir=workdir, start_timeout=180) as office:
        doc = office.new_calc()
        sh = doc.Sheets.getByIndex(0)
        fill_data(sh, n, random.Random(20261206))
        col = 9
        for name, per_row, formula in workloads(n):
            if per_row:
                column_formula(sh, col, n, formula)
            else:
                sh.getCellByPosition(col, 1).setFormula(formula)
            doc.calculateAll()  # warm-up: the first call loads the add-in
            out[name] = (time_calc(doc, repeat), cell_result(sh.getCellByPosition(col, 1)))
            sh.getCellRangeByPosition(col, 1, col, n).clearContents(16)
        doc.close(True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="benchmark .oxt with the C++ UNO glue")
    ap.add_argument("--before-label", default="C++ UNO glue")
    ap.add_argument("--now", required=True, help="benchmark .oxt with the binary-UNO glue")
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workdir", default="/tmp")
    a = ap.parse_args()
    load0 = report.load()
    best = {"before": {}, "now": {}}
    for _ in range(2):
        for side, oxt in (("before", a.before), ("now", a.now)):
            for name, (secs, value) in session(oxt, a.workdir, a.rows, a.repeat).items():
                prev = best[side].get(name)
                if prev is None or secs < prev[0]:
                    best[side][name] = (secs, value)
                print(f"{side:>6}  {name:<58} {secs * 1000:9.1f} ms  first cell {value}", flush=True)
    lines = ["### The add-in's glue: binary UNO against the C++ UNO glue it replaced", "",
             f"| Workload ({a.rows:,} rows) | {a.before_label} | binary UNO (now) | now ÷ before | same first result |",
             "|---|---:|---:|---:|---|"]
    for name, _, _ in workloads(a.rows):
        (b, bv), (n, nv) = best["before"][name], best["now"][name]
        lines.append(f"| {name} | {b * 1000:,.1f} ms | {n * 1000:,.1f} ms | {n / b:.2f} | {'yes' if bv == nv else f'no: {bv} / {nv}'} |")
    lines += ["", f"Measured {report.today()} on {report.machine()}, LibreOffice 7.4 (Debian 12): each glue in its own "
              f"soffice, two sessions each in alternation, best of {a.repeat} calculateAll() runs per session; load "
              f"average {load0:.1f} before, {report.load():.1f} after. A ratio above 1 means the binary-UNO glue "
              "is slower. The 'before' .oxt is built from the last commit with the C++ glue (scripts/bench.sh)."]
    report.replace_section(a.out, "glue", "python -m kpitools.bench.glue", "\n".join(lines))
    print(f"wrote its section of {a.out}")


if __name__ == "__main__":
    main()
