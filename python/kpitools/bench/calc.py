"""Benchmark in real Calc: what the KPI functions cost against native
formulas, measured side by side in one headless soffice process.

  scripts/bench.sh            (builds the benchmark .oxt, runs this, writes its section of docs/benchmark.md)

For each size (rows of campaign data) and each variant, the variant's formulas
are the only ones in the document; calculateAll() is timed `--repeat` times
and the best run kept. Peak memory is soffice's peak resident set during the
variant (VmHWM, reset before each variant). Ratios are against the native
formula of the same row count, measured in the same run."""
import argparse
import random
import time

from kpitools.bench import report
from kpitools.office.session import Office, cell_result

import uno  # noqa: E402,F401
from com.sun.star.sheet.FillDirection import TO_BOTTOM  # noqa: E402


def peak_reset(pid):
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM (Linux >= 4.0)
    except OSError:
        pass


def peak_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def fill_data(sheet, n, rng):
    """B: cost, C: clicks, D: impressions, F: NPS answer 0-10, G: lead score, H: converted 0/1."""
    rows = []
    for _ in range(n):
        impressions = rng.randint(1000, 100000)
        clicks = rng.randint(0, impressions // 20)
        score = rng.random()
        rows.append((rng.randint(10, 5000), clicks, impressions, 0, rng.randint(0, 10), score,
                     1 if rng.random() < score * 0.6 else 0))
    sheet.getCellRangeByPosition(1, 1, 7, n).setDataArray(tuple(rows))


def column_formula(sheet, col, n, formula):
    first = sheet.getCellByPosition(col, 1)
    first.setFormula(formula)
    sheet.getCellRangeByPosition(col, 1, col, n).fillAuto(TO_BOTTOM, 1)


def time_calc(doc, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        doc.calculateAll()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True, help="a benchmark build's .oxt (cmake -DKPI_BENCHMARK=ON)")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--workdir", default="/tmp")
    ap.add_argument("--readme", help="also replace the table between the benchmark markers of this page (docs/guide/performance.md)")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    rng = random.Random(20261123)
    load0 = report.load()
    results = []  # (rows, variant, seconds, per_row_ns, ratio, peak_mb, check)
    with Office(oxt=a.oxt, workdir=a.workdir, start_timeout=180) as office:
        pid = office.proc.pid
        for n in sizes:
            doc = office.new_calc()
            sh = doc.Sheets.getByIndex(0)
            fill_data(sh, n, rng)
            last = n + 1
            out_col = 9  # J
            out = sh.getCellRangeByPosition(out_col, 1, out_col, n)

            def measure(name, setup, per_row=True, native=None):
                setup()
                doc.calculateAll()  # warm-up (first call loads the add-in)
                peak_reset(pid)
                secs = time_calc(doc, a.repeat)
                peak = peak_mb(pid)
                check = cell_result(sh.getCellByPosition(out_col, 1))
                out.clearContents(1 | 2 | 4 | 16)  # values, dates, strings, formulas
                sh.getCellRangeByName("L1").clearContents(16)
                ratio = secs / native if native else 1.0
                results.append((n, name, secs, secs / n * 1e9 if per_row else None, ratio, peak, check))
                print(f"{n:>9} rows  {name:<44} {secs * 1000:10.1f} ms  x{ratio:5.2f} vs native  peak {peak:7.0f} MB",
                      flush=True)
                return secs

            native = measure("native =C/D per row", lambda: column_formula(sh, out_col, n, "=C2/D2"))
            measure("KPI.CTR(C;D) per row", lambda: column_formula(sh, out_col, n, "=KPI.CTR(C2;D2)"), native=native)
            measure("empty add-in method per row (bridge only)",
                    lambda: column_formula(sh, out_col, n, "=KPI.NOOP(C2;D2)"), native=native)
            measure("KPI.MAP(\"CTR\";C;D), one array formula",
                    lambda: out.setArrayFormula(f'=KPI.MAP("CTR";C2:C{last};D2:D{last})'), native=native)
            agg = measure("native =SUM(B)/SUM(C) (aggregate)",
                          lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=SUM(B2:B{last})/SUM(C2:C{last})"),
                          per_row=False)
            measure("KPI.CPL(B;C) over the range (aggregate)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.CPL(B2:B{last};C2:C{last})"),
                    per_row=False, native=agg)
            measure("KPI.CPL(SUM(B);SUM(C)) (aggregate, SUM inside)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(
                        f"=KPI.CPL(SUM(B2:B{last});SUM(C2:C{last}))"), per_row=False, native=agg)
            # The UNO argument types an add-in may declare for a range (issue
            # 26, item 5), each on an empty method given the same two ranges.
            measure("empty method, the two ranges as `sequence<sequence<any>>` (bridge only)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.NOOP(B2:B{last};C2:C{last})"),
                    per_row=False, native=agg)
            measure("empty method, the two ranges as `any`, i.e. optional (bridge only)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.NOOPOPT(B2:B{last};C2:C{last})"),
                    per_row=False, native=agg)
            measure("empty method, the two ranges as `sequence<sequence<double>>` (bridge only)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.NOOPCOLS(B2:B{last};C2:C{last})"),
                    per_row=False, native=agg)
            nps_native = measure("native NPS with COUNTIF",
                                 lambda: sh.getCellByPosition(out_col, 1).setFormula(
                                     f'=100*(COUNTIF(F2:F{last};">=9")-COUNTIF(F2:F{last};"<=6"))/COUNT(F2:F{last})'),
                                 per_row=False)
            measure("KPI.NPS(F)", lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.NPS(F2:F{last})"),
                    per_row=False, native=nps_native)
            measure("KPI.SCOREAUC(G;H)",
                    lambda: sh.getCellByPosition(out_col, 1).setFormula(f"=KPI.SCOREAUC(G2:G{last};H2:H{last})"),
                    per_row=False)
            doc.close(True)

    lines = ["### KPI functions against native formulas (recalculation in Calc)", "",
             "| Rows | Variant | Best recalculation | ns per row | Ratio | Peak soffice memory |",
             "|---:|---|---:|---:|---:|---:|"]
    for n, name, secs, ns, ratio, peak, check in results:
        ns_txt = f"{ns:,.0f}" if ns is not None else "—"
        lines.append(f"| {n:,} | {name} | {secs * 1000:,.1f} ms | {ns_txt} | {ratio:.2f} | {peak:,.0f} MB |")
    lines += ["", f"Measured {report.today()} on {report.machine()}, LibreOffice 7.4 (Debian 12); best of {a.repeat} "
              "calculateAll() runs, all variants in one soffice process; load average "
              f"{load0:.1f} before, {report.load():.1f} after (a shared machine: the ratios, measured side by side, "
              "are what counts). Ratio: against the native formula of the same row count above it (per-row and "
              "column forms: =C/D; KPI.CPL: SUM/SUM; KPI.NPS: COUNTIF)."]
    report.replace_section(a.out, "calc", "python -m kpitools.bench.calc", "\n".join(lines))
    print(f"wrote its section of {a.out}")
    if a.readme:
        report.replace_in_page(a.readme, "benchmark", "\n".join(lines[2:]))  # the page has its own heading
        print(f"updated {a.readme}")


if __name__ == "__main__":
    main()
