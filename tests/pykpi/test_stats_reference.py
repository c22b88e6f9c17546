"""Issue 24's statistics in the Python module kpi against independent
libraries, to 1e-9 relative: statsmodels (sample size, interval of a rate
and of a lift), SciPy (the NPS variance from the multinomial covariance,
root finding for the MDE) and pandas (RFM as qcut of ranks, the cohort
revenue curve by groupby, the SaaS and holdout arithmetic). Prints each
function's first two cases (library value, ours), then 'N passed, N failed'."""
import math
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.optimize import brentq
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          samplesize_proportions_2indep_onetail)

import kpi  # PYTHONPATH: the built module (set by ctest)

REL = 1e-9
passed, failed = 0, []
shown = {}


def close(a, b, rel=REL, abs_=1e-15):
    return abs(a - b) <= max(rel * abs(b), abs_)


def check(name, label, ours, theirs, ok=None):
    global passed
    ok = all(close(float(o), float(t)) for o, t in zip(np.ravel(ours), np.ravel(theirs))) if ok is None else ok
    if shown.setdefault(name, 0) < 2:
        shown[name] += 1
        print(f"{name} {label}: library {np.ravel(theirs).tolist()} ours {np.ravel(ours).tolist()}")
    if ok and np.size(ours) == np.size(theirs):
        passed += 1
    else:
        failed.append(f"{name} {label}: ours {ours}, library {theirs}")


def z(conf):
    return stats.norm.isf((1 - conf) / 2)


# --- sample size and MDE: statsmodels' samplesize_proportions_2indep_onetail is
# the same formula (pooled sd under the null, unpooled under the alternative).
for p1, lift, alpha, power, one in [(0.03, 0.1, 0.05, 0.8, 0), (0.5, 0.5, 0.05, 0.9, 0), (0.1, -0.2, 0.01, 0.9, 0),
                                     (0.02, 0.15, 0.05, 0.8, 1), (0.7, 0.3, 0.1, 0.95, 0)]:
    n = samplesize_proportions_2indep_onetail(p1 * lift, p1, power, alpha=alpha,
                                              alternative="larger" if one else "two-sided")
    check("ABSAMPLESIZE", f"({p1}; {lift}; {alpha}; {power}; {one}) rounded up", kpi.absamplesize(p1, lift, alpha, power, one),
          math.ceil(n))
# The note's comparison: statsmodels' NormalIndPower on Cohen's h (arcsine) gives 53,182 for the example.
h = 2 * math.asin(math.sqrt(0.033)) - 2 * math.asin(math.sqrt(0.03))
cohen = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8, ratio=1)
check("ABSAMPLESIZE", "the note's NormalIndPower figure", 53182, math.ceil(cohen), ok=math.ceil(cohen) == 53182)
for n, p1, alpha, power in [(53211, 0.03, 0.05, 0.8), (1000, 0.2, 0.05, 0.8), (20000, 0.05, 0.01, 0.9),
                            (500, 0.5, 0.1, 0.8)]:
    d = brentq(lambda d: samplesize_proportions_2indep_onetail(d, p1, power, alpha=alpha) - n, 1e-9, 1 - p1,
               xtol=1e-16, rtol=4 * np.finfo(float).eps)
    check("ABMDE", f"({n}; {p1}; {alpha}; {power})", kpi.abmde(n, p1, alpha, power), d / p1)

# --- Wilson interval and the lift's interval.
for x, n, conf in [(30, 1000, 0.95), (0, 50, 0.95), (7, 9, 0.9), (12345, 67890, 0.99), (50, 50, 0.8), (1, 10**9, 0.95)]:
    lo, hi = proportion_confint(x, n, alpha=1 - conf, method="wilson")
    check("RATECI", f"({x}; {n}; {conf})", kpi.rateci(x, n, conf), [max(lo, 0.0), min(hi, 1.0)])
for c1, n1, c0, n0, conf in [(30, 1000, 18, 1000, 0.95), (250, 1000, 200, 1000, 0.95), (5, 100, 0, 100, 0.9),
                             (1234, 50000, 1100, 49000, 0.99)]:
    lo, hi = confint_proportions_2indep(c1, n1, c0, n0, compare="ratio", alpha=1 - conf)  # its default, "log-adjusted"
    check("LIFTCI", f"({c1}; {n1}; {c0}; {n0}; {conf})", kpi.liftci(c1, n1, c0, n0, conf), [lo - 1, hi - 1])

# --- NPS margin: Var(promoters - detractors) of a multinomial count, SciPy's covariance.
for p, pa, d, conf in [(50, 30, 20, 0.95), (120, 40, 90, 0.9), (7, 2, 1, 0.99), (10, 0, 0, 0.95)]:
    n = p + pa + d
    cov = stats.multinomial(n, [p / n, pa / n, d / n]).cov()
    var = cov[0, 0] + cov[2, 2] - 2 * cov[0, 2]
    check("NPSMOE", f"({p}; {pa}; {d}; {conf})", kpi.npsmoe(p, pa, d, conf), 100 * z(conf) * math.sqrt(max(var, 0)) / n)

# --- arithmetic, computed by pandas on a frame of cases.
saas = pd.DataFrame({"start": [100000, 5000, 80], "new": [20000, 300, 0], "exp": [15000, 0, 5], "con": [5000, 250, 1],
                     "churn": [8000, 0, 9]}, dtype=float)
saas["grr"] = (saas.start - saas.con - saas.churn) / saas.start
saas["qr"] = (saas.new + saas.exp) / (saas.con + saas.churn)
for r in saas.itertuples():
    check("GRR", f"({r.start:g}; {r.con:g}; {r.churn:g})", kpi.grr(r.start, r.con, r.churn), r.grr)
    check("QUICKRATIO", f"({r.new:g}; {r.exp:g}; {r.con:g}; {r.churn:g})", kpi.quickratio(r.new, r.exp, r.con, r.churn), r.qr)
hold = pd.DataFrame({"ce": [300, 10, 5000], "n_e": [10000, 100, 90000], "ch": [20, 30, 400],
                     "n_h": [1000, 100, 10000]}, dtype=float)
hold["inc"] = hold.ce - hold.n_e * hold.ch / hold.n_h
for r in hold.itertuples():
    check("INCREMENTAL", f"({r.ce:g}; {r.n_e:g}; {r.ch:g}; {r.n_h:g})", kpi.incremental(r.ce, r.n_e, r.ch, r.n_h), r.inc)

# --- RFM: without ties, the usual recipe pd.qcut(rank(method="first"), bins); with
# ties, the mean rank cut at the same quantiles of the ranks 1..n.
rng = np.random.default_rng(24)


def pandas_rfm(df, bins, ties):
    out = []
    for col, better_low in (("r", True), ("f", False), ("m", False)):
        s = -df[col] if better_low else df[col]
        if not ties:
            out.append(pd.qcut(s.rank(method="first"), bins, labels=False) + 1)
        else:
            edges = np.quantile(np.arange(1, len(s) + 1), np.linspace(0, 1, bins + 1))
            out.append(pd.cut(s.rank(method="average"), edges, include_lowest=True, labels=False) + 1)
    return np.column_stack(out).astype(float)


for size, bins in [(5, 5), (97, 5), (400, 10), (31, 3)]:
    df = pd.DataFrame({"r": rng.permutation(size) * 3.0 + 1, "f": rng.permutation(size) + 1.0,
                       "m": rng.permutation(size) * 10.5})
    got = kpi.rfm(df.r.values, df.f.values, df.m.values, bins)
    want = pandas_rfm(df, bins, ties=False)
    check("RFM", f"{size} customers without ties, {bins} bins (first row)", got[0], want[0], ok=np.array_equal(got, want))
for size, bins in [(60, 5), (1000, 4)]:
    df = pd.DataFrame({"r": rng.integers(0, 30, size) * 1.0, "f": rng.integers(1, 4, size) * 1.0,
                       "m": rng.integers(0, 50, size) * 5.0})
    got = kpi.rfm(df.r.values, df.f.values, df.m.values, bins)
    want = pandas_rfm(df, bins, ties=True)
    check("RFM", f"{size} customers with ties, {bins} bins (first row)", got[0], want[0], ok=np.array_equal(got, want))

# --- COHORT.REVENUE: pandas groupby on random purchases; calendar months,
# only months whose last day is on or before the as_of date.
EPOCH = pd.Timestamp("1899-12-30")
for size, as_of in [(300, None), (2000, "2024-09-30")]:
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 250, size), unit="D")
    buy = pd.DataFrame({"who": rng.integers(0, size // 4, size).astype(float), "day": days,
                        "amount": np.round(rng.gamma(2.0, 30.0, size), 2)})
    end = pd.Timestamp(as_of) if as_of else buy.day.max()
    buy = buy[buy.day <= end]
    first = buy.groupby("who").day.min().rename("first")
    buy = buy.join(first, on="who")
    buy["cohort"] = buy["first"].dt.to_period("M")
    buy["k"] = (buy.day.dt.to_period("M") - buy.cohort).apply(lambda x: x.n)
    size_of = first.dt.to_period("M").value_counts().sort_index()
    complete = (end + pd.Timedelta(days=1)).to_period("M")  # months before this one are complete
    rows = []
    for cohort, n in size_of.items():
        shown_k = (complete - cohort).n
        per = buy[buy.cohort == cohort].groupby("k").amount.sum().reindex(range(shown_k), fill_value=0.0)
        rows.append([float((cohort.to_timestamp() - EPOCH).days), float(n)] + list(per.cumsum() / n))
    as_of_arg = float((pd.Timestamp(as_of) - EPOCH).days) if as_of else math.nan
    got = kpi.cohort_revenue(buy.who.values, buy.day.values.astype("datetime64[D]"), buy.amount.values, 0,
                             *([as_of_arg] if as_of else []))
    ok = got.shape[0] == len(rows)
    for i, want in enumerate(rows):
        ok = ok and all(close(g, w) for g, w in zip(got[i][:len(want)], want)) and \
            all(kpi.error(x) == "#N/A" for x in got[i][len(want):])
    check("COHORT.REVENUE", f"{size} purchases, as_of {as_of} (first row)", got[0][:len(rows[0])], rows[0], ok=ok)

print(f"{passed} passed, {len(failed)} failed")
for f in failed:
    print("FAILED:", f)
sys.exit(1 if failed else 0)
