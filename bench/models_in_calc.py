"""The predictive models in real Calc, side by side in one run (issue 17,
items 1 and 3): not a test, run by scripts/bench.sh.

1. KPI.BGNBD.FIT and KPI.GG.FIT in Calc on simulated customer tables
   (bench/fits_vs_scipy.py's simulation, 100,000 and 500,000 customers):
   the recalculation of a sheet holding the table and the fit (best of
   REPEAT calculateAll), against SciPy's BFGS on the same table and the
   core alone (build-bench/bench/fits_driver), in the same run.
2. A column of P(alive) and of CLV for 100,000 customers with the fitted
   parameters: per-row KPI.BGNBD.PALIVE / KPI.CLV.PREDICT copied down,
   against one KPI.MAP("BGNBD.PALIVE"; ...) / KPI.MAP("CLV.PREDICT"; ...)
   array formula, and P(alive) as a native closed-form formula; the columns
   are checked equal.

usage: PYTHONPATH=python /usr/bin/python3 bench/models_in_calc.py --oxt OXT --driver FITS_DRIVER
           [--sizes 100000,500000] [--map-rows 100000] [--repeat 3] [--out docs/benchmark.md]
"""
import argparse
import json
import os
import subprocess
import tempfile

import numpy as np

from fits_vs_scipy import best, scipy_bg, scipy_gg, simulate
from kpitools.bench import report
from kpitools.bench.calc import column_formula, peak_mb, peak_reset, time_calc
from kpitools.office.session import Office

# CLV over 12 months, 1 % a month, times in weeks (4.345 weeks a month).
HORIZON, RATE, UNITS = 12, 0.01, 4.345


def customers(sheet, x, tx, T, z):
    """A: frequency, B: recency, C: age, D: average spend, rows 2..n+1."""
    rows = tuple(zip(x.tolist(), tx.tolist(), T.tolist(), z.tolist()))
    sheet.getCellRangeByPosition(0, 1, 3, len(rows)).setDataArray(rows)


def core_fit(driver, x, tx, T, z, repeat):
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        path = f.name
        np.savetxt(f, np.column_stack([x, tx, T, z]), delimiter=",", fmt="%.17g")
    try:
        return json.loads(subprocess.run([driver, path, str(repeat)], check=True, capture_output=True,
                                         text=True).stdout)
    finally:
        os.unlink(path)


def digits(p, q):
    d = max(abs(u - v) / abs(v) for u, v in zip(p, q))
    return 17.0 if d == 0 else -np.log10(d)


def fits(office, sizes, driver, repeat):
    rows = []
    for n in sizes:
        x, tx, T, z = simulate(n)
        doc = office.new_calc()
        try:
            sh = doc.Sheets.getByIndex(0)
            customers(sh, x, tx, T, z)
            last = n + 1
            core = core_fit(driver, x, tx, T, z, repeat)
            for name, formula, width, scipy in (
                    ("KPI.BGNBD.FIT", f"=KPI.BGNBD.FIT(A2:A{last};B2:B{last};C2:C{last})", 5,
                     lambda: scipy_bg(x, tx, T)),
                    ("KPI.GG.FIT", f"=KPI.GG.FIT(A2:A{last};D2:D{last})", 4, lambda: scipy_gg(x, z))):
                out = sh.getCellRangeByPosition(10, 1, 10 + width - 1, 1)
                out.setArrayFormula(formula)
                doc.calculateAll()  # warm-up (the first call loads the add-in)
                calc = time_calc(doc, repeat)
                params = list(out.getDataArray()[0][:width - 1])
                out.clearContents(16)
                # The floor: the benchmark build's empty method with the
                # function's own arguments (KPI.FLOORGGFIT...), same ranges,
                # same result shape: what Calc spends before and after any fit.
                out.setArrayFormula(formula.replace("=KPI.", "=KPI.FLOOR").replace(".FIT(", "FIT("))
                doc.calculateAll()
                floor = time_calc(doc, repeat)
                out.clearContents(16)
                sp_ms, (sp_params, _ll) = best(repeat, scipy)
                c = core["bgnbd" if "BGNBD" in name else "gg"]
                rows.append((n, name, sp_ms, c["ms"], calc * 1000, floor * 1000, digits(params, c["params"]),
                             digits(params, sp_params)))
                print(f"{n:>7} {name:14} scipy {sp_ms:9.1f} ms  core {c['ms']:8.1f} ms  in Calc {calc * 1000:8.1f} ms"
                      f"  floor {floor * 1000:8.1f} ms  params {params}", flush=True)
        finally:
            doc.close(True)
    return rows


def columns(office, n, repeat):
    """Per-row formulas against KPI.MAP for P(alive) and CLV over n customers."""
    x, tx, T, z = simulate(n)
    (bg, _), (gg, _) = scipy_bg(x, tx, T), scipy_gg(x, z)
    doc = office.new_calc()
    out = []
    try:
        sh = doc.Sheets.getByIndex(0)
        customers(sh, x, tx, T, z)
        # The parameters as values (K2:N2 BG/NBD, P2:R2 Gamma-Gamma), the CLV's terms in S2:U2.
        sh.getCellRangeByPosition(10, 1, 13, 1).setDataArray((tuple(float(v) for v in bg),))
        sh.getCellRangeByPosition(15, 1, 17, 1).setDataArray((tuple(float(v) for v in gg),))
        sh.getCellRangeByPosition(18, 1, 20, 1).setDataArray(((HORIZON, RATE, UNITS),))
        last = n + 1
        col = sh.getCellRangeByPosition(5, 1, 5, n)  # F2:F{last}
        pid = office.proc.pid
        cols = f"A2:A{last};B2:B{last};C2:C{last}"
        variants = [
            ("P(alive)", "native closed form per row",
             lambda: column_formula(sh, 5, n, "=IF(A2=0;1;1/(1+$M$2/($N$2+A2-1)*(($L$2+C2)/($L$2+B2))^($K$2+A2)))")),
            ("P(alive)", "KPI.BGNBD.PALIVE per row", lambda: column_formula(sh, 5, n, "=KPI.BGNBD.PALIVE($K$2:$N$2;A2;B2;C2)")),
            ("P(alive)", "KPI.MAP(\"BGNBD.PALIVE\"), one array formula",
             lambda: col.setArrayFormula(f'=KPI.MAP("BGNBD.PALIVE";$K$2:$N$2;{cols})')),
            # The floor: an empty method with KPI.MAP's arguments, the same
            # ranges, returning the same column (of zeros).
            ("P(alive)", "floor: empty method with KPI.MAP's arguments, same ranges and result",
             lambda: col.setArrayFormula(f'=KPI.FLOORMAP("BGNBD.PALIVE";$K$2:$N$2;{cols})')),
            ("CLV", "KPI.CLV.PREDICT per row",
             lambda: column_formula(sh, 5, n, "=KPI.CLV.PREDICT($K$2:$N$2;$P$2:$R$2;A2;B2;C2;D2;$S$2;$T$2;$U$2)")),
            ("CLV", "KPI.MAP(\"CLV.PREDICT\"), one array formula",
             lambda: col.setArrayFormula(f'=KPI.MAP("CLV.PREDICT";$K$2:$N$2;$P$2:$R$2;{cols};D2:D{last};'
                                         '$S$2;$T$2;$U$2)')),
            ("CLV", "floor: empty method with KPI.MAP's arguments, same ranges and result",
             lambda: col.setArrayFormula(f'=KPI.FLOORMAP("CLV.PREDICT";$K$2:$N$2;$P$2:$R$2;{cols};D2:D{last};'
                                         '$S$2;$T$2;$U$2)')),
        ]
        values = {}
        for what, name, setup in variants:
            setup()
            doc.calculateAll()  # warm-up
            peak_reset(pid)
            secs = time_calc(doc, repeat)
            got = [r[0] for r in col.getDataArray()]
            values[(what, name)] = got
            col.clearContents(1 | 2 | 4 | 16)
            out.append([what, name, secs, peak_mb(pid)])
            print(f"{n:>7} {what:8} {name:46} {secs * 1000:9.1f} ms", flush=True)
    finally:
        doc.close(True)
    # Ratios against the per-row KPI formula; the columns compared with it.
    for row in out:
        what, name = row[0], row[1]
        ref = [k for k in values if k[0] == what and "per row" in k[1] and "KPI" in k[1]][0]
        row.append(next(r[2] for r in out if (r[0], r[1]) == ref) / row[2])
        a, b = np.array(values[(what, name)], dtype=float), np.array(values[ref], dtype=float)
        row.append(None if name.startswith("floor") else float(np.max(np.abs(a - b) / np.maximum(1e-300, np.abs(b)))))
        native = [r for r in out if r[0] == what and r[1].startswith("native")]
        row.append(native[0][2] / row[2] if native else None)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--driver", required=True, help="build-bench/bench/fits_driver")
    ap.add_argument("--sizes", default="100000,500000")
    ap.add_argument("--map-rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp")
    ap.add_argument("--out", default=None)
    ap.add_argument("--readme", help="also write the floors' table between this page's floors markers "
                                     "(docs/guide/performance.md)")
    a = ap.parse_args()
    load0 = report.load()
    with Office(oxt=a.oxt, workdir=a.workdir, start_timeout=180) as office:
        fit_rows = fits(office, [int(s) for s in a.sizes.split(",")], a.driver, a.repeat)
        col_rows = columns(office, a.map_rows, a.repeat)
    if not a.out:
        return
    lines = ["### The models in Calc: fits against SciPy, KPI.MAP against per-row formulas", "",
             "| Customers | Function | SciPy BFGS, grouped | Core alone | In Calc (recalculation) | "
             "In Calc faster than SciPy by | Floor: empty method, same arguments | Floor faster than SciPy by | "
             "Digits: Calc vs core | Calc vs SciPy |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, name, sp, core, calc, floor, d_core, d_sp in fit_rows:
        lines.append(f"| {n:,} | {name} | {sp:,.1f} ms | {core:,.1f} ms | {calc:,.1f} ms | {sp / calc:.2f}× | "
                     f"{floor:,.1f} ms | {sp / floor:.2f}× | {d_core:.1f} | {d_sp:.1f} |")
    lines += ["", f"| Column of {a.map_rows:,} customers | Variant | Best recalculation | Faster than the per-row "
              "KPI formula by | Against the native formula | Largest relative difference from it | Peak soffice memory |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for what, name, secs, peak, speed, diff, native in col_rows:
        lines.append(f"| {what} | {name} | {report.ms(secs)} | {speed:.1f}× | "
                     f"{'—' if native is None else f'{native:.2f}×'} | {'—' if diff is None else f'{diff:.1e}'} | "
                     f"{peak:,.0f} MB |")
    lines += ["", f"Measured {report.today()} on {report.machine()}, LibreOffice 7.4; best of {a.repeat}, all in one "
              f"run of `bench/models_in_calc.py`; load average {load0:.1f} before, {report.load():.1f} after. "
              "Customers simulated as in the fits table (CDNOW estimates, fixed seed, daily times). In Calc: "
              "calculateAll() of a sheet holding the customer table and the fit's array formula (Calc hands "
              "the three columns to the add-in, which fits); SciPy: `minimize(method=\"BFGS\")` with the analytic "
              "gradient on the rows grouped with `numpy.unique`; core alone: `fits_driver`. Digits: −log10 of the "
              "largest relative difference between the parameters. Columns: the SciPy parameters as values, CLV "
              f"over {HORIZON} months at {RATE:.0%} a month ({UNITS} weeks a month); the native P(alive) is the "
              "closed form 1 / (1 + [x>0] · a/(b+x−1) · ((α+T)/(α+tₓ))^(r+x)). Floor: the benchmark build's empty "
              "method with the function's own arguments and result shape (KPI.FLOORBGNBDFIT, KPI.FLOORGGFIT, "
              "KPI.FLOORMAP; never in a release) on the same ranges: what Calc spends handing the ranges over and "
              "taking the result back, the least the function can cost in Calc whatever the add-in does."]
    report.replace_section(a.out, "models", "bench/models_in_calc.py", "\n".join(lines))
    print(f"wrote its section of {a.out}")
    if a.readme:
        report.replace_in_page(a.readme, "floors", floors_table(fit_rows, col_rows, a.map_rows, load0))
        print(f"updated {a.readme}")


def floors_table(fit_rows, col_rows, map_rows, load0):
    """Each model function beside its floor (the empty method with its
    arguments) and the reference it is held to: SciPy for the fits, the
    native closed form for P(alive)."""
    out = ["| Function | Customers | In Calc | Its floor | Floor's share | Reference | Calc vs reference | "
           "Floor vs reference |", "|---|---:|---:|---:|---:|---|---:|---:|"]
    for n, name, sp, _core, calc, floor, _d1, _d2 in fit_rows:
        out.append(f"| {name} | {n:,} | {calc:,.1f} ms | {floor:,.1f} ms | {floor / calc:.0%} | SciPy, {sp:,.1f} ms | "
                   f"{sp / calc:.2f}× | {sp / floor:.2f}× |")
    by = {(r[0], r[1]): r[2] * 1000 for r in col_rows}
    floor_name = "floor: empty method with KPI.MAP's arguments, same ranges and result"
    for what, name, ref_name in (("P(alive)", 'KPI.MAP("BGNBD.PALIVE"), one array formula', "native closed form per row"),
                                 ("CLV", 'KPI.MAP("CLV.PREDICT"), one array formula', "KPI.CLV.PREDICT per row")):
        calc, floor, ref = by[(what, name)], by[(what, floor_name)], by[(what, ref_name)]
        out.append(f"| {name.split(',')[0]} | {map_rows:,} | {calc:,.1f} ms | {floor:,.1f} ms | {floor / calc:.0%} | "
                   f"{ref_name}, {ref:,.1f} ms | {ref / calc:.2f}× | {ref / floor:.2f}× |")
    out += ["", f"Measured {report.today()} by `bench/models_in_calc.py` (`scripts/bench.sh --only models`), "
            f"LibreOffice 7.4, load average {load0:.1f} at the start; a ratio above 1 is faster than the reference. "
            "The floor is an empty method of the benchmark build with the function's own arguments and result "
            "shape, given the same ranges: what Calc alone spends on the call."]
    return "\n".join(out)


if __name__ == "__main__":
    main()
