"""Fuzzing the module kpi's reading of arguments (issue 27, item 13).

Every function of the catalogue (build/generated/catalogue.json: those the
module offers), and kpi.error, called with random arguments: Python and
NumPy scalars of every kind, NumPy arrays of every dtype and byte order, 0-D
to 3-D, empty, strided, transposed, unaligned, read-only, broadcast and
masked; object arrays and lists mixing numbers, text, None, NaN, NaT,
dates, durations, Decimals, complex numbers and arbitrary objects; pandas
objects when pandas is installed; keyword arguments right and wrong.

Each call must return a float or a float64 array whose every element is a
finite number or an error payload the module documents (payloads.py, and
kpi.error must name the same), or raise TypeError or ValueError. Anything
else fails; a crash ends the run (a signal, or under AddressSanitizer its
report: tests/robustness/CMakeLists.txt runs this against the sanitized
module).

Seeded and reproducible: case I of seed S is the same call on every run
(its own random.Random), whatever ran before it. The run stops after
--seconds (KPI_PYKPI_FUZZ_SECONDS, when set, for a long run); --case I
replays one case and prints the call; after a crash, --trace prints each
call before it is made (the last one printed crashed).

usage: fuzz_conversion.py CATALOGUE_JSON [--seconds S] [--seed S] [--case I] [--trace]"""
import argparse
import datetime
import decimal
import fractions
import json
import math
import os
import random
import sys
import time
import warnings

import numpy as np

import payloads
import kpi

try:
    import pandas as pd
except ImportError:  # the fuzz runs without it, on NumPy's values only
    pd = None

warnings.simplefilter("ignore")  # NumPy's casts and pandas warn on the odd values given here
NAMES = {}  # Calc's error numbers -> names, from the catalogue's table
ERROR_NAN = payloads.from_bits(payloads.QUIET_NAN | 532)  # an error result given back as input
UNITS = ["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as", "15m", "3D"]
TEXTS = ["", "x", "10", "9", " ", "c1", "\udc80", "é", "\U0001f642", "#DIV/0!", "NaN", "x" * 300]


def ticks(r):
    """A datetime64/timedelta64 count: NaT, small, realistic or extreme."""
    return r.choice([-2**63, 0, 1, -1, r.randint(-10**5, 10**5), r.randint(-2**63 + 1, 2**63 - 1),
                     19723, 1704067200, 1704067200 * 10**9])


def dec(r):
    return r.choice([decimal.Decimal("1.5"), decimal.Decimal("NaN"), decimal.Decimal("sNaN"),
                     decimal.Decimal("-1e400"), fractions.Fraction(1, 3), fractions.Fraction(10**400, 3)])


SCALARS = [
    lambda r: r.choice([0.0, -0.0, 1.0, -5.0, 0.5, 9.0, 10.0, 1e300, -1e300, 5e-324, math.inf, -math.inf,
                        math.nan, ERROR_NAN]),
    lambda r: r.uniform(-1e6, 1e6),
    lambda r: r.randint(-3, 12),  # scores, counts, flags
    lambda r: r.choice([10**400, -10**400, 2**63, -2**63 - 1]),
    lambda r: r.choice([True, False]),
    lambda r: r.choice(TEXTS),
    lambda r: r.choice([b"", b"c1", b"\xff\x00"]),
    lambda r: None,
    lambda r: complex(r.random(), r.choice([0.0, 1.0])),
    lambda r: np.datetime64(ticks(r), r.choice(UNITS)) if r.random() < 0.9 else np.datetime64("NaT"),
    lambda r: np.timedelta64(ticks(r), r.choice(UNITS)),
    lambda r: datetime.date(r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28)),
    lambda r: datetime.datetime(r.randint(1, 9999), 1, 1, r.randint(0, 23), tzinfo=r.choice([None, datetime.timezone.utc])),
    lambda r: datetime.timedelta(days=r.uniform(-1e5, 1e5)),
    dec,
    lambda r: r.choice([np.float32(2.5), np.float16(-1), np.int8(-7), np.uint64(2**64 - 1), np.bool_(True),
                        np.longdouble("1e4000"), np.complex64(1j), np.str_("c2"), np.bytes_(b"c3"),
                        np.void(b"ab"), np.float64("nan")]),
    lambda r: r.choice([object(), {}, [1, [2]], {1}, range(3), slice(1), np.array([1.0, 2.0]), ...]),
    lambda r: itself(r.choice([np.empty(1, dtype=object), [1]])),
]


def itself(container):
    """An object array or a list holding itself (NumPy compares such an array with itself without end)."""
    if isinstance(container, list):
        container.append(container)
    else:
        container[0] = container
    return container


if pd is not None:
    SCALARS.append(lambda r: r.choice([pd.NaT, pd.NA, pd.Timestamp("2024-01-01 12:00", tz="Europe/Paris"),
                                       pd.Timedelta("1D"), pd.Period("2024-01")]))


def scalar(r):
    # Mostly what data holds (numbers, text, blanks), so that most calls get past their arguments.
    return r.choice(SCALARS[:8] if r.random() < 0.7 else SCALARS)(r)


DTYPES = ["f8", "i8", "?", "U6", "O", "O", "M8"]  # what data is mostly in; then the others
MORE_DTYPES = ["f4", "f2", "g", ">f8", "i1", "u8", ">i4", "c16", ">U6", "S6", "m8", "V8", [("a", "f8"), ("b", "i4")]]


def numbers(r, n):
    pool = [0, 1, -1, 3, 9, 10, 0.5, 45292, 1e300, math.inf, math.nan, ERROR_NAN]
    return [r.choice(pool) if r.random() < 0.7 else r.uniform(-100, 100) for _ in range(n)]


def array(r, shape):
    n = math.prod(shape)
    dtype = r.choice(DTYPES if r.random() < 0.7 else MORE_DTYPES)
    if dtype == "O":
        flat = np.empty(n, dtype=object)
        for i in range(n):
            flat[i] = scalar(r)
        return flat.reshape(shape)
    if dtype in ("M8", "m8"):
        unit = r.choice(UNITS + ["generic"]) if dtype == "M8" else r.choice(UNITS)
        a = np.array([ticks(r) for _ in range(n)], dtype="i8").view(dtype if unit == "generic" else f"{dtype}[{unit}]")
        return a.reshape(shape)
    if dtype in ("U6", ">U6", "S6"):
        texts = [r.choice(TEXTS)[:6] for _ in range(n)]
        if dtype == "S6":
            return np.array([t.encode("utf-8", "surrogatepass")[:6] for t in texts], dtype="S6").reshape(shape)
        if r.random() < 0.1 and n:  # code units beyond Unicode, as a raw buffer can hold
            return np.frombuffer(bytes(r.randrange(256) for _ in range(24 * n)), dtype=dtype).reshape(shape)
        return np.array(texts, dtype=dtype).reshape(shape)
    with np.errstate(all="ignore"):
        return np.array(numbers(r, n), dtype="f8").astype(np.dtype(dtype)).reshape(shape)


def unaligned(a):
    buf = bytearray(a.nbytes + 1)
    b = np.frombuffer(buf, dtype=a.dtype, offset=1, count=a.size).reshape(a.shape)
    b[...] = a
    return b


def masked(r, a):
    return np.ma.masked_array(a, mask=np.array([r.random() < 0.3 for _ in range(a.size)], dtype=bool).reshape(a.shape))


def shaped(r, a):
    """The same values as NumPy or Python hands them over in another form."""
    ways = [lambda: a, lambda: a, lambda: a.T, lambda: np.repeat(a, 2)[::2] if a.ndim else a,
            lambda: a[::-1] if a.ndim else a, lambda: np.broadcast_to(a, (2,) + a.shape),
            lambda: a.tolist(), lambda: tuple(np.atleast_1d(a).tolist()), lambda: masked(r, a)]
    if a.dtype != object and a.size:
        ways.append(lambda: unaligned(a))
    if pd is not None and a.ndim == 1:
        # (pandas itself prints errors on the dtypes and objects it cannot convert)
        if a.dtype.kind in "biufUSO" or a.dtype in (np.dtype("M8[ns]"), np.dtype("m8[ns]")):
            ways.append(lambda: pd.Series(a))
        if a.dtype.kind in "biufUS":
            ways.append(lambda: pd.Series(a.tolist(), dtype=r.choice(["Int64", "string", "object", "category"])))
    return r.choice(ways)()


def argument(r, n):
    """One random argument; n: the call's common length, so that most calls broadcast."""
    if r.random() < 0.35:
        return scalar(r)
    if n == LARGE:
        return np.random.default_rng(r.randrange(2**32)).choice(numbers(r, 8), LARGE)
    shape = r.choice([(), (n,), (n,), (n,), (1,), (n, 1), (1, n), (2, n), (0,), (2, 2, 2), (0, 3)])
    try:
        return shaped(r, array(r, shape))
    except Exception:  # noqa: BLE001 — a form NumPy or pandas refuses for these values: the plain array
        return array(r, shape)


LARGE = 100000  # a long column, in a call where no range is read once per row (that is quadratic by design)


def make_call(r, names, kinds):
    n = LARGE if len(set(kinds)) == 1 and r.random() < 0.02 else r.randint(0, 6)
    count = len(names) if r.random() < 0.8 else r.randint(0, len(names) + 1)
    args = [argument(r, n) for _ in range(count)]
    kwargs = {}
    if count <= len(names) and r.random() < 0.2:  # trailing arguments by keyword, now and then a wrong one
        keep = r.randint(0, count)
        kwargs = {names[j]: args[j] for j in range(keep, count)}
        args = args[:keep]
        if r.random() < 0.3:
            kwargs[r.choice(names + ["bogus", "\udc80"])] = argument(r, n)
    return args, kwargs


def check_result(got, fn):
    """None if got is what the module documents, else what is wrong."""
    if fn is kpi.error:  # names: None, an error's name, or an object array of them
        names = np.ravel(np.array(got, dtype=object)).tolist()
        ok = all(x is None or x in NAMES.values() for x in names)
        return None if ok and (got is None or isinstance(got, (str, np.ndarray))) else f"returned {got!r}"
    if isinstance(got, float):
        values, names = [got], [kpi.error(got)]
    elif isinstance(got, np.ndarray) and got.dtype == np.float64:
        values, names = got.ravel().tolist(), np.ravel(kpi.error(got)).tolist()
    else:
        return f"returned a {type(got).__name__}"
    for v, name in zip(values, names):
        try:
            decoded = payloads.decode(v, NAMES)
        except ValueError as e:
            return str(e)
        if (decoded if isinstance(decoded, str) else None) != name:
            return f"kpi.error says {name!r} of {v!r} ({decoded!r})"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("catalogue")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--case", type=int, help="replay this case only, printing the call")
    ap.add_argument("--trace", action="store_true", help="print each call before making it: after a crash, the last")
    a = ap.parse_args()
    seconds = float(os.environ.get("KPI_PYKPI_FUZZ_SECONDS") or a.seconds)  # the environment's, for a long run
    NAMES.update(payloads.error_names(a.catalogue))
    catalogue = json.load(open(a.catalogue))
    offered = [f for f in catalogue if all(x["kind"] not in ("name", "column") for x in f["args"])]
    targets = [(getattr(kpi, f["name"].removeprefix("KPI.").replace(".", "_").lower()), [x["name"] for x in f["args"]],
                [x["kind"] == "range" for x in f["args"]]) for f in offered] + [(kpi.error, ["x"], [False])]
    counts, failures = {"value": 0, "TypeError": 0, "ValueError": 0}, []
    start, i = time.monotonic(), 0
    cases = [a.case] if a.case is not None else None
    while (cases and i < 1) or (not cases and time.monotonic() - start < seconds):
        case = cases[0] if cases else i
        r = random.Random(a.seed * 1_000_003 + case)
        fn, names, kinds = r.choice(targets)
        args, kwargs = make_call(r, names, kinds)
        if cases or a.trace:
            print(f"case {case}: kpi.{fn.__name__}(*{args!r}, **{kwargs!r})", flush=True)
        try:
            got = fn(*args, **kwargs)
        except (TypeError, ValueError) as e:
            counts["TypeError" if isinstance(e, TypeError) else "ValueError"] += 1
            if cases:
                print(f"  raised {type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001 — any other exception is a finding
            failures.append(f"case {case} (kpi.{fn.__name__}): raised {type(e).__name__}: {e}")
        else:
            counts["value"] += 1
            wrong = check_result(got, fn)
            if wrong:
                failures.append(f"case {case} (kpi.{fn.__name__}): {wrong}")
            if cases:
                print(f"  returned {got!r}")
        i += 1
    print(f"{i} calls in {time.monotonic() - start:.1f} s (seed {a.seed}): {counts['value']} values,"
          f" {counts['TypeError']} TypeError, {counts['ValueError']} ValueError; {len(targets)} functions of {kpi.__file__}")
    if not cases and min(counts.values()) == 0:
        failures.append(f"the run never got one of its outcomes: {counts}")
    for f in failures[:20]:
        print("FAIL", f)
    print(f"{len(failures)} findings" + (f" (replay: --seed {a.seed} --case N)" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
