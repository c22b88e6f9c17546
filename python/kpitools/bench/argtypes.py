"""Benchmark: which UNO argument type Calc hands long numeric columns over
fastest (issue 26, item 5). Not a test.

  scripts/bench.sh --only argtypes   (builds the benchmark .oxt, runs this)

One call of an empty method over two columns of numbers (10,000, 100,000
and 1,000,000 rows), the columns declared as each type an add-in may use for
a range:
  sequence<sequence<double>>  KPI.NOOPCOLS (a required `column` argument)
  sequence<sequence<any>>     KPI.NOOP (a required argument of any other kind)
  any                         KPI.NOOPOPT (an optional argument: only `any` may be omitted)
The empty methods do nothing, so the time is Calc's: its conversion of the
ranges and its call through the bridge. The types are measured in turn,
round after round (--rounds), in one soffice, and each keeps its best
recalculation: a change in the machine's load falls on all three.
(table::XCellRange takes no copy at all, but accepts only a reference — no
expression, no inline array — and cannot be optional: not an option for
functions that take computed arrays; see docs/guide/robustness.md.)"""
import argparse
import time

from kpitools.bench import report
from kpitools.office.session import Office

TYPES = [
    ("sequence<sequence<double>>", "KPI.NOOPCOLS", "required column arguments (KPI.MAP's first two columns)"),
    ("sequence<sequence<any>>", "KPI.NOOP", "other required arguments (the fits' ranges, amounts)"),
    ("any", "KPI.NOOPOPT", "optional arguments (KPI.MAP's columns 3-9)"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True, help="a benchmark build's .oxt (cmake -DKPI_BENCHMARK=ON)")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--readme", help="also replace the table between this page's argtypes markers")
    ap.add_argument("--workdir", default="/tmp")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    load0 = report.load()
    best = {}  # (rows, method) -> seconds
    with Office(oxt=a.oxt, workdir=a.workdir, start_timeout=180) as office:
        for n in sizes:
            doc = office.new_calc()
            sh = doc.Sheets.getByIndex(0)
            sh.getCellRangeByPosition(0, 1, 1, n).setDataArray(tuple((float(i % 997), float(i % 991 + 1))
                                                                     for i in range(n)))
            cell = sh.getCellByPosition(3, 1)
            for r in range(a.rounds):
                for _, method, _ in TYPES:
                    cell.setFormula(f"={method}(A2:A{n + 1};B2:B{n + 1})")
                    doc.calculateAll()  # the formula compiled, the add-in loaded
                    t = time.perf_counter()
                    doc.calculateAll()
                    secs = time.perf_counter() - t
                    best[(n, method)] = min(secs, best.get((n, method), float("inf")))
                    print(f"{n:>9} rows  round {r + 1}  {method:<13} {secs * 1000:9.1f} ms", flush=True)
            doc.close(True)
    load1 = report.load()
    lines = ["### Calc's hand-over of two numeric columns, by UNO argument type", "",
             "| Rows | Type | Used for | Best recalculation (empty method) | ns per cell | Against `sequence<sequence<double>>` |",
             "|---:|---|---|---:|---:|---:|"]
    for n in sizes:
        ref = best[(n, TYPES[0][1])]
        for typ, method, used in TYPES:
            s = best[(n, method)]
            lines.append(f"| {n:,} | `{typ}` | {used} | {report.ms(s)} | {s / (2 * n) * 1e9:,.0f} | {s / ref:.2f} |")
    lines += ["", f"Measured {report.today()} on {report.machine()}, LibreOffice 7.4 (Debian 12); one soffice, the "
              f"three types in turn for {a.rounds} rounds, best recalculation each; load average {load0:.1f} "
              f"before, {load1:.1f} after. The empty methods (KPI.NOOPCOLS, KPI.NOOP, KPI.NOOPOPT) exist only in "
              "the benchmark build (cmake -DKPI_BENCHMARK=ON)."]
    report.replace_section(a.out, "argtypes", "python -m kpitools.bench.argtypes", "\n".join(lines))
    print(f"wrote its section of {a.out}")
    if a.readme:
        report.replace_in_page(a.readme, "argtypes", "\n".join(lines[2:]))  # the page has its own heading
        print(f"updated {a.readme}")


if __name__ == "__main__":
    main()
