"""The core's column path (kpi/column.hpp, issue 26 item 2) against the
per-call path it replaces for elementwise calls, and against NumPy/SciPy.

1. Every elementwise function on every case of the bad-input matrix
   (tests/calc/test_bad_input.py: text, blanks as None, NaN or "", negative,
   huge, 2.5 where a count belongs, parameter rows of the wrong size ...):
   each case alone, and all of a function's cases stacked into columns, give
   bit for bit what the per-call path gives (kpi._per_row: the generic
   evaluate() once per row, the path every call took before).
2. The same on random columns drawn from hostile values (-0, infinities,
   NaN, 5e-324, 1e300), with broadcasting ((50, 1) against (60,)), a single
   value against a column, and optional arguments left out.
3. Values against closed forms computed independently in NumPy and SciPy,
   to 1e-13 relative: KPI.CPL (numpy.divide), KPI.BGNBD.PALIVE (Fader,
   Hardie & Lee 2005, eq. 11) and KPI.BGNBD.EXPECTED (eq. 10, with
   scipy.special.hyp2f1, and in 40-digit arithmetic with mpmath).

Prints 'N passed, N failed'."""
import itertools
import json
import math
import sys
import warnings

import mpmath as mp
import numpy as np
from scipy.special import hyp2f1

from harness import Checker
from postgres import cases  # PYTHONPATH: the built module, python/ and tests/ (set by ctest)
import payloads
import kpi

warnings.simplefilter("ignore")  # the reference model and NumPy warn on extreme inputs
catalogue_path = payloads.catalogue_path(sys.argv)
catalogue = json.load(open(catalogue_path))
checker = Checker("pykpi.column_path")
check = checker.check


def elementwise(fn):
    """One value per row: not an aggregate, not an array (the models' parameter rows are read once)."""
    return cases.offered(fn) and not cases.is_aggregate(fn) and not fn["array"]


FUNCTIONS = [fn for fn in catalogue if elementwise(fn)]


def same_bits(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.array_equal(a.view(np.uint64), b.view(np.uint64))


def shown(x):
    return [payloads.decode(float(v), NAMES) for v in np.ravel(x)][:12]


NAMES = payloads.error_names(catalogue_path)

# --- 1. the bad-input matrix -------------------------------------------------
blanks = itertools.cycle([math.nan, ""])  # None given alone is an argument left out: in the stacked columns below


def as_python(info, cells):
    """A condition's cells as one Python cell (a parameter row as a list), or
    None where a single Python value holds no such cells (error cells, 2-D)."""
    flat = [c for row in cells for c in row]
    if any(c[0] not in ("num", "blank", "text") for c in flat):
        return None
    if info["kind"] == "range":
        if len(cells) > 1 and any(len(row) > 1 for row in cells):
            return None
        if all(c[0] == "num" for c in flat):
            return ("value", [c[1] for c in flat])
        return ("value", "text") if len(flat) == 1 and flat[0][0] == "text" else None
    if all(c[0] == "blank" for c in flat):
        return ("value", next(blanks))
    if len(flat) != 1:
        return None
    return ("value", "text" if flat[0][0] == "text" else flat[0][1])


by_function = {}
for fn, args, want, label in cases.matrix_cases(catalogue, typed=as_python):
    if elementwise(fn):
        by_function.setdefault(fn["name"], (fn, []))[1].append(([a and a[1] for a in args], label))

check(len(by_function) == len(FUNCTIONS),
      f"the matrix has cases for every elementwise function: {sorted(f['name'] for f in FUNCTIONS if f['name'] not in by_function)}")
calls = 0
for name, (fn, rows) in by_function.items():
    py = cases.sql_name(fn)
    column, per_row = getattr(kpi, py), lambda *a: kpi._per_row(py, *a)
    ranges = [i for i, a in enumerate(fn["args"]) if a["kind"] == "range"]
    for args, label in rows:
        given = list(itertools.takewhile(lambda a: a is not None, args))
        got, ref = column(*given), per_row(*given)
        calls += 1
        check(same_bits(got, ref), f"{name} {label} with {given!r}: column {shown(got)}, per row {shown(ref)}")
    # All of a function's cases as one call: columns of object arrays, one per
    # single-value argument, grouped by parameter rows (read once per call).
    # An omitted optional argument is a blank in the column (the blank rule
    # reads both alike).
    groups = {}
    for args, label in rows:
        groups.setdefault(repr([args[i] for i in ranges]), []).append(args)
    for key, group in groups.items():
        given = []
        for i, info in enumerate(fn["args"]):
            if i in ranges:
                given.append(group[0][i])
            else:
                # Every other NaN as None: the three blanks of Python (NaN, "", None).
                cells = [None if isinstance(a[i], float) and math.isnan(a[i]) and j % 2 else a[i] for j, a in enumerate(group)]
                given.append(np.array(cells, dtype=object))
        got, ref = column(*given), per_row(*given)
        singles = np.array([float(per_row(*itertools.takewhile(lambda a: a is not None, a))) for a in group])
        check(same_bits(got, ref) and same_bits(got, singles),
              f"{name}: {len(group)} matrix cases stacked (params {key}): column {shown(got)}, per row {shown(ref)}")
check(calls > 1000, f"the matrix gave {calls} elementwise calls: expected over a thousand")

# --- 2. hostile random columns, broadcasting, omitted optionals --------------
HOSTILE = np.array([0.0, -0.0, 1.0, 2.0, 2.5, 0.3, 0.95, -1.0, -2.5, 1e300, -1e300, 1e-300, 5e-324, math.inf, -math.inf,
                    math.nan, 7.0, 100.0, 45306.0, 1e6])
rng = np.random.default_rng(20261206)
for fn in FUNCTIONS:
    py = cases.sql_name(fn)
    column, per_row = getattr(kpi, py), lambda *a, py=py: kpi._per_row(py, *a)
    given = []
    for i, info in enumerate(fn["args"]):
        if info["kind"] == "range":  # the example's parameter row
            given.append(cases.parse_call(fn["example"])[1][i])
        else:
            # Fewer rows for the models: a huge horizon sums its series up to the row's own limit (seconds).
            given.append(rng.choice(HOSTILE, 3000 if fn["shape"] != "model" else 200))
    got, ref = column(*given), per_row(*given)
    check(same_bits(got, ref), f"{fn['name']} on hostile columns: column {shown(got)}, per row {shown(ref)}")
    # Plain numbers only (the path that reads the caller's array in place).
    plain = [g if info["kind"] == "range" else np.abs(g[np.isfinite(g)][:500]) + 1
             for g, info in zip(given, fn["args"])]
    size = min(len(p) for p, info in zip(plain, fn["args"]) if info["kind"] != "range")
    plain = [p if info["kind"] == "range" else p[:size] for p, info in zip(plain, fn["args"])]
    check(same_bits(column(*plain), per_row(*plain)), f"{fn['name']} on plain positive columns")
    # Broadcasting: the first single-value argument a (h, 1) column, the others rows of w.
    singles = [i for i, info in enumerate(fn["args"]) if info["kind"] != "range"]
    h, w = (50, 60) if fn["shape"] != "model" else (10, 12)
    shaped = list(given)
    for k, i in enumerate(singles):
        shaped[i] = given[i][:h].reshape(h, 1) if k == 0 else given[i][:w]
    got = column(*shaped)
    check(same_bits(got, per_row(*shaped)) and (len(singles) == 1 or got.shape == (h, w)),
          f"{fn['name']} broadcast ({h}, 1) against ({w},): {np.shape(got)}")
    # One value for every row: the first single-value argument a Python float.
    one = list(given)
    one[singles[0]] = 2.0
    check(same_bits(column(*one), per_row(*one)), f"{fn['name']} with a single value against columns")
    # The optional arguments left out.
    required = [g for g, info in zip(given, fn["args"]) if not info["optional"]]
    if len(required) < len(given):
        check(same_bits(column(*required), per_row(*required)), f"{fn['name']} with its optional arguments left out")

# --- 3. against NumPy and SciPy ------------------------------------------------


def close(got, want, rel=1e-13):
    return np.all(np.abs(got - want) <= rel * np.abs(want))


n = 200_000
cost, leads = rng.uniform(0, 1e4, n), rng.integers(0, 50, n).astype(float)
got = kpi.cpl(cost, leads)
want = np.divide(cost, leads, out=np.full(n, np.nan), where=leads > 0)
errors = kpi.error(got)
check(close(got[leads > 0], want[leads > 0]) and set(errors[leads == 0]) == {"#DIV/0!"} and not any(errors[leads > 0]),
      "kpi.cpl = numpy.divide where leads > 0, #DIV/0! where leads = 0")

# BG/NBD with the CDNOW parameters (Fader, Hardie & Lee 2005: r 0.243, alpha 4.414, a 0.793, b 2.426).
r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
params = np.array([r, alpha, a, b])
x = rng.integers(0, 30, n).astype(float)
T = rng.uniform(1, 39, n)
tx = np.where(x > 0, rng.uniform(0, 1, n) * T, 0.0)
odds = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)  # eq. 11's second term
palive = 1 / (1 + odds)
got = kpi.bgnbd_palive(params, x, tx, T)
check(close(got, palive), f"kpi.bgnbd_palive = the closed form in NumPy: worst relative error "
      f"{np.max(np.abs(got - palive) / palive):.2e}")
# P(alive) in 40-digit arithmetic (mpmath), to 1e-13 relative, through the column path and the per-call
# path alike (both compute it with the core's own exp and log, core/include/kpi/vecmath.hpp): the CDNOW
# customers above, and customers whose ratio (alpha + T) / (alpha + tx) is close to 1 (alpha 2e4)
# raised to a power of hundreds of purchases, where ln(alpha + T) - ln(alpha + tx) loses digits
# (glibc's logs in that form were 3e-12 off) and P(alive) is small (its relative error is lt's).


def exact_palive(p, X, TX, TT):
    Rm, ALm, Am, Bm = (mp.mpf(float(v)) for v in p)
    X, TX, TT = (mp.mpf(float(v)) for v in (X, TX, TT))
    return mp.mpf(1) if X == 0 else 1 / (1 + Am / (Bm + X - 1) * ((ALm + TT) / (ALm + TX)) ** (Rm + X))


mp.mp.dps = 40
hard = np.array([0.5, 2e4, 0.8, 2.5])
hx = rng.integers(100, 2000, 600).astype(float)
hT = rng.uniform(1, 400, 600)
htx = rng.uniform(0, 1, 600) * hT
for label, p, xs, txs, Ts in (("CDNOW customers", params, x[:600], tx[:600], T[:600]),
                              ("alpha 2e4, hundreds of purchases", hard, hx, htx, hT)):
    col = kpi.bgnbd_palive(p, xs, txs, Ts)
    one = np.array([float(kpi._per_row("bgnbd_palive", p, xs[i], txs[i], Ts[i])) for i in range(len(xs))])
    worst = max(float(abs(mp.mpf(float(col[i])) - exact_palive(p, xs[i], txs[i], Ts[i])) / exact_palive(p, xs[i], txs[i], Ts[i]))
                for i in range(len(xs)))
    check(worst <= 1e-13 and same_bits(col, one),
          f"kpi.bgnbd_palive = FHL 2005 eq. 11 in 40-digit arithmetic, {label}: worst relative error {worst:.2e}, "
          "the per-call path the same bits")
# texts.toml's worked example, by hand: a / (b + x - 1) = 0.793 / 3.426, (alpha + T) / (alpha + tx) =
# 43.274 / 34.844, raised to r + x = 2.243: 1 / (1 + 0.2314653 * 1.6257888) = 0.726578570080673.
got = float(kpi.bgnbd_palive(params, 2.0, 30.43, 38.86))
check(abs(got - 0.726578570080673) <= 1e-14, f"kpi.bgnbd_palive(CDNOW; 2; 30.43; 38.86) = 0.726578570080673 (got {got!r})")

# The expectation: eq. 10 in SciPy loses digits in 1 - P 2F1 (up to 9e-13 measured: SciPy's value,
# not the core's, is the one off, by mpmath's), so against SciPy to 1e-11 on 20,000 customers, and
# to 1e-13 against the same formula in 40-digit arithmetic (mpmath) on 300 of them.
m = 20_000
x, tx, T, odds = x[:m], tx[:m], T[:m], odds[:m]
t = rng.uniform(1, 52, m)
z = t / (alpha + T + t)
expected = ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
            / (1 + odds))
got = kpi.bgnbd_expected(params, t, x, tx, T)
check(close(got, expected, 1e-11), f"kpi.bgnbd_expected = eq. 10 with scipy.special.hyp2f1: worst relative error "
      f"{np.max(np.abs(got - expected) / expected):.2e}")
R, AL, A, B = (mp.mpf(v) for v in (r, alpha, a, b))
worst = 0.0
for i in range(300):
    X, TX, TT, tt = (mp.mpf(float(v)) for v in (x[i], tx[i], T[i], t[i]))
    od = A / (B + X - 1) * ((AL + TT) / (AL + TX)) ** (R + X) if X > 0 else 0
    exact = ((A + B + X - 1) / (A - 1) * (1 - ((AL + TT) / (AL + TT + tt)) ** (R + X)
             * mp.hyp2f1(R + X, B + X, A + B + X - 1, tt / (AL + TT + tt))) / (1 + od))
    worst = max(worst, float(abs(mp.mpf(float(got[i])) - exact) / exact))
check(worst <= 1e-13, f"kpi.bgnbd_expected = eq. 10 in 40-digit arithmetic (mpmath): worst relative error {worst:.2e}")
sys.exit(checker.finish())
