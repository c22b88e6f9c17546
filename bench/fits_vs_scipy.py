"""The model fits of the core against SciPy, side by side in one run.

Simulates customer tables from the BG/NBD and Gamma-Gamma models (fixed seed;
r, alpha, a, b = 0.243, 4.414, 0.793, 2.426 and p, q, gamma = 6.25, 3.74,
15.44, the CDNOW estimates), times in weeks at a daily granularity as a table
derived from order dates is (39-week cohort), spend to the cent. Then, for
each size:

- SciPy: scipy.optimize.minimize(method="BFGS") with the analytic gradient on
  the log-parameters, identical rows grouped with numpy.unique (the recipe of
  the `lifetimes` package, made faster by the grouping); timed from the table
  to the parameters, best of REPEAT;
- the core: kpi::models::fit_bgnbd / fit_gg through build-bench's
  `fits_driver` (the table read first, then each call timed, best of REPEAT).

The parameters are compared with SciPy's maximum refined by Newton steps on
its gradient (not timed): "digits" is -log10 of the largest relative difference.

usage: fits_vs_scipy.py --driver PATH [--sizes 10000,100000,500000]
                        [--repeat 3] [--out docs/benchmark.md]
Writes its table in the fits section of --out (kpitools.bench.report; PYTHONPATH=python).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import digamma, gammaln

from kpitools.bench import report

BG_TRUE = (0.243, 4.414, 0.793, 2.426)
GG_TRUE = (6.25, 3.74, 15.44)
LOAD0 = report.load()  # the machine's load when the run began


def simulate(n, seed=20261123, continuous=False):
    rng = np.random.default_rng(seed)
    r, al, a, b = BG_TRUE
    lam = rng.gamma(r, 1.0 / al, n)
    p = rng.beta(a, b, n)
    T_days = rng.uniform(1, 39 * 7, n) if continuous else rng.integers(1, 39 * 7 + 1, n)
    T = T_days / 7.0
    x = np.zeros(n)
    tx_days = np.zeros(n)
    t = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1.0, idx.size) / lam[idx]
        past = t[idx] > T[idx]
        active[idx[past]] = False
        buy = idx[~past]
        x[buy] += 1
        tx_days[buy] = t[buy] * 7 if continuous else np.floor(t[buy] * 7)
        drop = rng.random(buy.size) < p[buy]
        active[buy[drop]] = False
    tx = tx_days / 7.0
    pp, q, g = GG_TRUE
    nu = rng.gamma(q, 1.0 / g, n)
    z = np.zeros(n)
    rep = x > 0
    z[rep] = rng.gamma(pp * x[rep], 1.0 / (nu[rep] * x[rep]))
    z[rep] = np.maximum(np.round(z[rep], 2), 0.01)
    return x, tx, T, z


# --- SciPy, written from the papers' likelihoods ------------------------------
def bg_negll(theta, x, tx, T, w):
    r, al, a, b = np.exp(theta)
    n = w.sum()
    la, lt, lT = np.log(a), np.log(al + tx), np.log(al + T)
    rx = r + x
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(al)
    A2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    l3 = -rx * lT
    with np.errstate(divide="ignore"):
        l4 = np.where(x > 0, la - np.log(np.maximum(b + x - 1, 1e-300)) - rx * lt, -np.inf)
    lse = np.logaddexp(l3, l4)
    w4 = np.exp(l4 - lse)
    w3 = 1 - w4
    ll = np.sum(w * (A1 + A2 + lse))
    gr = np.sum(w * (digamma(r + x) - digamma(r) + np.log(al) - w3 * lT - w4 * lt))
    gal = np.sum(w * (r / al - rx * (w3 / (al + T) + w4 / (al + tx))))
    ga = np.sum(w * (digamma(a + b) - digamma(a + b + x) + w4 / a))
    gb = np.sum(w * (digamma(a + b) + digamma(b + x) - digamma(b) - digamma(a + b + x)
                     - np.where(x > 0, w4 / np.maximum(b + x - 1, 1e-300), 0)))
    grad = np.array([gr, gal, ga, gb]) * np.array([r, al, a, b])
    return -ll / n, -grad / n


def gg_negll(theta, x, z, w):
    p, q, g = np.exp(theta)
    n = w.sum()
    px = p * x
    lz, lx, lu = np.log(z), np.log(x), np.log(g + x * z)
    ll = np.sum(w * (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g) + (px - 1) * lz + px * lx
                     - (px + q) * lu))
    gp = np.sum(w * x * (digamma(px + q) - digamma(px) + lz + lx - lu))
    gq = np.sum(w * (digamma(px + q) - digamma(q) + np.log(g) - lu))
    gg = np.sum(w * (q / g - (px + q) / (g + x * z)))
    return -ll / n, -np.array([gp, gq, gg]) * np.array([p, q, g]) / n


def scipy_bg(x, tx, T, gtol=1e-5, start=None):
    rows, w = np.unique(np.column_stack([x, tx, T]), axis=0, return_counts=True)
    x0 = np.log([1.0, T.mean(), 1.0, 1.0]) if start is None else np.log(start)
    res = minimize(bg_negll, x0, args=(rows[:, 0], rows[:, 1], rows[:, 2], w.astype(float)), jac=True,
                   method="BFGS", options={"gtol": gtol})
    return np.exp(res.x), -res.fun * len(x)


def scipy_gg(x, z, gtol=1e-5, start=None):
    keep = x > 0
    rows, w = np.unique(np.column_stack([x[keep], z[keep]]), axis=0, return_counts=True)
    x0 = np.log([1.0, 1.0, z[keep].mean()]) if start is None else np.log(start)
    res = minimize(gg_negll, x0, args=(rows[:, 0], rows[:, 1], w.astype(float)), jac=True, method="BFGS",
                   options={"gtol": gtol})
    return np.exp(res.x), -res.fun * keep.sum()


def newton_refine(negll, p, args, steps=4, h=1e-6):
    """SciPy's maximum made exact: Newton steps on its analytic gradient (in
    log-parameters), the Hessian by central differences. Not timed."""
    th = np.log(np.asarray(p, dtype=float))
    for _ in range(steps):
        g = negll(th, *args)[1]
        H = np.empty((th.size, th.size))
        for j in range(th.size):
            e = np.zeros(th.size)
            e[j] = h
            H[:, j] = (negll(th + e, *args)[1] - negll(th - e, *args)[1]) / (2 * h)
        th = th - np.linalg.solve((H + H.T) / 2, g)
    return np.exp(th)


def best(repeat, f):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000, out


def digits(p, ref):
    d = max(abs(u - v) / abs(v) for u, v in zip(p, ref))
    return 17.0 if d == 0 else -math.log10(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--sizes", default="10000,100000,500000")
    ap.add_argument("--continuous", default="100000",
                    help="sizes also run with continuous times (every row distinct)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rows = []
    runs = [(int(v), False) for v in args.sizes.split(",")]
    runs += [(int(v), True) for v in args.continuous.split(",") if v]
    for n, continuous in runs:
        x, tx, T, z = simulate(n, continuous=continuous)
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            path = f.name
            np.savetxt(f, np.column_stack([x, tx, T, z]), delimiter=",", fmt="%.17g")
        try:
            core = json.loads(subprocess.run([args.driver, path, str(args.repeat)], check=True,
                                             capture_output=True, text=True).stdout)
        finally:
            os.unlink(path)
        bg_ms, (bg_p, bg_ll) = best(args.repeat, lambda: scipy_bg(x, tx, T))
        gg_ms, (gg_p, gg_ll) = best(args.repeat, lambda: scipy_gg(x, z))
        bgr, bgw = np.unique(np.column_stack([x, tx, T]), axis=0, return_counts=True)
        bg_ref = newton_refine(bg_negll, bg_p, (bgr[:, 0], bgr[:, 1], bgr[:, 2], bgw.astype(float)))
        ggr, ggw = np.unique(np.column_stack([x[x > 0], z[x > 0]]), axis=0, return_counts=True)
        gg_ref = newton_refine(gg_negll, gg_p, (ggr[:, 0], ggr[:, 1], ggw.astype(float)))
        distinct_bg = len(np.unique(np.column_stack([x, tx, T]), axis=0))
        for name, sp_ms, sp_p, ref, c in (("KPI.BGNBD.FIT", bg_ms, bg_p, bg_ref, core["bgnbd"]),
                                          ("KPI.GG.FIT", gg_ms, gg_p, gg_ref, core["gg"])):
            ok = c["ok"]
            rows.append({
                "n": n, "fn": name, "times": "continuous" if continuous else "daily", "scipy_ms": sp_ms, "core_ms": c["ms"], "speedup": sp_ms / c["ms"],
                "core_digits": digits(c["params"], ref) if ok else float("nan"),
                "scipy_digits": digits(sp_p, ref), "params": c["params"], "distinct": distinct_bg,
            })
            print(f"{n:>7} {rows[-1]['times']:10} {name:14} scipy {sp_ms:9.1f} ms  core {c['ms']:8.1f} ms  "
                  f"x{sp_ms / c['ms']:5.2f}  digits core {rows[-1]['core_digits']:.1f} "
                  f"scipy(BFGS) {rows[-1]['scipy_digits']:.1f}  params {c['params']}", flush=True)
    if args.out:
        write(args.out, rows, args.repeat)


def write(path, rows, repeat):
    lines = ["### Model fits against SciPy (simulated customers)", "",
             "| Customers | Times | Distinct rows (BG/NBD) | Function | SciPy BFGS, grouped | Core | Core faster by | "
             "Digits of the maximum: core | SciPy BFGS |",
             "|---:|---|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['times']} | {r['distinct']:,} | {r['fn']} | {r['scipy_ms']:,.1f} ms | "
                     f"{r['core_ms']:,.1f} ms | {r['speedup']:.1f}× | {r['core_digits']:.1f} | "
                     f"{r['scipy_digits']:.1f} |")
    lines += ["", f"Measured {report.today()} on {report.machine()}, best of {repeat}, both in one run of "
              f"`bench/fits_vs_scipy.py`; load average {LOAD0:.1f} before, {report.load():.1f} after "
              "(SciPy: `minimize(method=\"BFGS\")`, analytic gradient, log-parameters, rows grouped with "
              "`numpy.unique`; the core: `fit_bgnbd`/`fit_gg` called by `build-bench/bench/fits_driver`). "
              "Data simulated from the CDNOW estimates (fixed seed), times in weeks at daily granularity "
              "(\"daily\", as from order dates) or unrounded (\"continuous\": every row distinct), spend to the "
              "cent. Digits: −log10 of the largest relative difference from the true maximum, SciPy's BFGS "
              "result refined by Newton steps on SciPy's gradient (not timed); SciPy's BFGS with its default "
              "gtol stops 3–6 digits from it. The same fits in Calc: the models section below."]
    report.replace_section(path, "fits", "bench/fits_vs_scipy.py", "\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
