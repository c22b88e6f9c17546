"""An independent reference model of the KPI functions, for the bad-input
matrix: the documented definitions (docs/functions.md) and argument
conventions written again in Python, on the cells as Calc hands them to an
add-in. Nothing here is derived from the C++ code's output.

A cell is ("num", x), ("blank",) or ("text",). An argument is a list of rows
of cells, or None when omitted. Results are a float or an error name."""
import math
from fractions import Fraction

DIV0, NUM, VALUE, ARGS, NA = "#DIV/0!", "#NUM!", "#VALUE!", "Err:504", "#N/A"


class Fail(Exception):
    def __init__(self, error):
        super().__init__(error)
        self.error = error


def fin(x):
    if not math.isfinite(x):
        raise Fail(NUM)
    return x


def nonneg(x):
    return math.isfinite(x) and x >= 0


def cells(arg):
    return [c for row in arg for c in row]


def amount(arg):
    total = 0.0
    for c in cells(arg):
        if c[0] == "text":
            raise Fail(VALUE)
        if c[0] == "num":
            if not nonneg(c[1]):
                raise Fail(NUM)
            total += c[1]
    return fin(total)


def number(arg):
    found = [c for c in cells(arg) if c[0] != "blank"]
    for i, c in enumerate(found):
        if c[0] == "text" or i >= 1:
            raise Fail(VALUE)
    if not found:
        raise Fail(NA)  # the blank rule: a required number left blank is "no data yet"
    if not math.isfinite(found[0][1]):
        raise Fail(NUM)
    return found[0][1]


def is_blank(arg):
    return all(c[0] == "blank" for c in cells(arg))


def optional(arg, fallback):
    """The blank rule for an optional argument: blank is the same as left out."""
    return fallback if arg is None or is_blank(arg) else number(arg)


# The required arguments a blank means 0 for (docs/functions.md, "Blank
# cells"): additions and subtractions whose absence is none.
ZERO_IF_BLANK = {("retention", "new_customers"), ("nrr", "expansion"), ("nrr", "contraction"),
                 ("nrr", "churned"), ("npscount", "promoters"), ("npscount", "passives"),
                 ("npscount", "detractors")}


def ratio(n, d):
    if not nonneg(n) or not nonneg(d):
        raise Fail(NUM)
    if d == 0:
        raise Fail(DIV0)
    return fin(n / d)


def part_of(p, w):
    if nonneg(p) and nonneg(w) and p > w:
        raise Fail(NUM)
    return ratio(p, w)


def fraction(x):
    return math.isfinite(x) and 0 <= x <= 1


# --- scalar functions: reduced arguments -> value ------------------------------
def _clv(aov, f, life, m):
    if not (nonneg(aov) and nonneg(f) and nonneg(life) and fraction(m)):
        raise Fail(NUM)
    return fin(aov * f * life * m)


def _clvret(m, r, d, now):
    if not (math.isfinite(m) and math.isfinite(r) and math.isfinite(d)):
        raise Fail(NUM)
    if d <= -1 or d > 1 or r < 0 or r > 1 or r >= 1 + d:
        raise Fail(NUM)
    return fin(m * (1 + d) / (1 + d - r) if now != 0 else m * r / (1 + d - r))


def _payback(cac, rev, m):
    if not (nonneg(cac) and nonneg(rev) and fraction(m)):
        raise Fail(NUM)
    return ratio(cac, rev * m)


def _retention(end, new, start):
    if not (nonneg(end) and nonneg(new) and nonneg(start)):
        raise Fail(NUM)
    if end - new < 0:
        raise Fail(NUM)
    return part_of(end - new, start)


def _npscount(p, pa, d):
    if not (nonneg(p) and nonneg(pa) and nonneg(d)):
        raise Fail(NUM)
    n = fin(p + pa + d)
    if n == 0:
        raise Fail(DIV0)
    return fin(100 * (p - d) / n)


# --- issue 14 (definitions, round 2) ------------------------------------------
def _winrate(won, lost):
    if not (nonneg(won) and nonneg(lost)):
        raise Fail(NUM)
    decided = fin(won + lost)
    if decided == 0:
        raise Fail(DIV0)
    return won / decided


def _romi(revenue, margin, cost):
    if not (nonneg(revenue) and fraction(margin) and nonneg(cost)):
        raise Fail(NUM)
    if cost == 0:
        raise Fail(DIV0)
    return fin((revenue * margin - cost) / cost)


def _breakevenroas(margin):
    if not fraction(margin):
        raise Fail(NUM)
    if margin == 0:
        raise Fail(DIV0)
    return 1 / margin


def _frequency(impressions, reach):
    # everyone reached saw at least one impression
    if nonneg(impressions) and nonneg(reach) and reach > impressions:
        raise Fail(NUM)
    return ratio(impressions, reach)


def count(x):
    """A count of people (visitors, conversions): whole and not negative."""
    return nonneg(x) and x == math.floor(x)


def _lift(ct, vt, cc, vc):
    if not all(count(x) for x in (ct, vt, cc, vc)):
        raise Fail(NUM)
    if vt == 0 or vc == 0 or cc == 0:
        raise Fail(DIV0)
    return fin((ct / vt) / (cc / vc) - 1)


def _abpvalue(ca, na, cb, nb):
    """Two-sided p-value of the pooled two-proportion z-test, with the C
    library's erfc (math.erfc): P(|Z| >= z) = erfc(z / sqrt 2)."""
    if not all(count(x) for x in (ca, na, cb, nb)):
        raise Fail(NUM)
    if ca > na or cb > nb:
        raise Fail(NUM)
    if na == 0 or nb == 0:
        raise Fail(DIV0)
    # In exact rationals: no pooled count overflows (1e308 per group), no
    # variance underflows (1e300 visitors); z^2 only becomes a float at the end.
    ca, na, cb, nb = (Fraction(x) for x in (ca, na, cb, nb))
    pooled = (ca + cb) / (na + nb)
    variance = pooled * (1 - pooled) * (1 / na + 1 / nb)
    if not variance > 0:
        raise Fail(DIV0)
    z2 = (ca / na - cb / nb) ** 2 / variance
    z = math.sqrt(float(z2)) if z2 < Fraction(10) ** 300 else math.inf
    return math.erfc(z / math.sqrt(2))


def _nrr(start, expansion, contraction, churned):
    if not all(nonneg(x) for x in (start, expansion, contraction, churned)):
        raise Fail(NUM)
    if fin(contraction + churned) > start:
        raise Fail(NUM)
    if start == 0:
        raise Fail(DIV0)
    return fin((start + expansion - contraction - churned) / start)


SCALAR = {
    "cpl": ratio, "cpa": ratio, "cac": ratio, "cpc": ratio,
    "cpm": lambda c, i: fin(1000 * ratio(c, i)),
    "ctr": ratio, "convrate": ratio, "openrate": ratio, "ctor": ratio, "engagement": ratio,
    "mql2sql": ratio, "roas": ratio, "aov": ratio, "arpu": ratio, "ltv2cac": ratio,
    "share": part_of, "unsubrate": part_of, "bouncerate": part_of, "churn": part_of,
    "roi": lambda r, i: (ratio(r, i), fin((r - i) / i))[1],
    "growth": lambda c, p: (ratio(c, p), fin((c - p) / p))[1],
    "retention": _retention, "clv": _clv, "clvret": _clvret, "payback": _payback,
    "npscount": _npscount,
    "winrate": _winrate, "pipecoverage": ratio, "romi": _romi, "breakevenroas": _breakevenroas,
    "frequency": _frequency, "grp": lambda i, p: fin(100 * ratio(i, p)), "viewrate": part_of, "cpv": ratio,
    "lift": _lift, "abpvalue": _abpvalue, "nrr": _nrr,
}


# --- functions reading ranges cell by cell ------------------------------------
def _nps(args):
    p = pa = d = 0
    for c in cells(args[0]):
        if c[0] == "text" and c[1] != "":
            raise Fail(VALUE)  # a score stored as text (issue 14)
        if c[0] != "num":
            continue  # blank, or a formula's ""
        s = c[1]
        if not (0 <= s <= 10) or s != math.floor(s):
            raise Fail(NUM)
        if s >= 9:
            p += 1
        elif s >= 7:
            pa += 1
        else:
            d += 1
    return _npscount(p, pa, d)


def _pairs(a, b):
    ca, cb = cells(a), cells(b)
    if len(ca) != len(cb):
        raise Fail(VALUE)
    xs, ys = [], []
    for x, y in zip(ca, cb):
        if x[0] == "text" or y[0] == "text":
            raise Fail(VALUE)
        if x[0] == "blank" or y[0] == "blank":
            continue
        xs.append(x[1])
        ys.append(y[1])
    return xs, ys


def _won_pairs(a, b, won):
    """_pairs keeping the rows whose `won` cell is 1 (issue 14)."""
    ca, cb, cw = cells(a), cells(b), cells(won)
    if len(ca) != len(cb) or len(cw) != len(ca):
        raise Fail(VALUE)
    xs, ys = [], []
    for x, y, w in zip(ca, cb, cw):
        if "text" in (x[0], y[0], w[0]):
            raise Fail(VALUE)
        if w[0] == "num" and w[1] not in (0.0, 1.0):
            raise Fail(NUM)
        if "blank" in (x[0], y[0], w[0]) or w[1] == 0.0:
            continue
        xs.append(x[1])
        ys.append(y[1])
    return xs, ys


def _timetoclose(args):
    won = args[3] if len(args) > 3 else None
    first, close = _pairs(args[0], args[1]) if won is None or is_blank(won) else _won_pairs(args[0], args[1], won)
    stat = optional(args[2], 0.0)
    if stat not in (0.0, 1.0):
        raise Fail(NUM)
    days = []
    for f, c in zip(first, close):
        if not (math.isfinite(f) and math.isfinite(c) and math.isfinite(c - f)) or c - f < 0:
            raise Fail(NUM)
        days.append(c - f)
    if not days:
        raise Fail(DIV0)
    if stat == 0.0:
        return fin(sum(days) / len(days))
    days.sort()
    n = len(days)
    return days[n // 2] if n % 2 else (days[n // 2 - 1] + days[n // 2]) / 2


def _scoreauc(args):
    s, y = _pairs(args[0], args[1])
    for a, b in zip(s, y):
        if not math.isfinite(a) or b not in (0.0, 1.0):
            raise Fail(NUM)
    pos = [a for a, b in zip(s, y) if b == 1]
    neg = [a for a, b in zip(s, y) if b == 0]
    if not pos or not neg:
        raise Fail(DIV0)
    # The definition itself: all pairs (the inputs here are small).
    wins = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


def _funnel_first(args):
    """The first cell of KPI.FUNNEL's result (what a non-array formula shows)."""
    rows = args[0]
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0 or (len(rows) > 1 and width > 1):
        raise Fail(VALUE)
    vals = []
    for c in cells(rows):
        if c[0] != "num":
            raise Fail(VALUE)
        vals.append(c[1])
    return ratio(vals[0], vals[0])


def _map_first(fns):
    """The first row of KPI.MAP's result; `fns` maps names to catalogue entries."""
    def run(args):
        name_cells = cells(args[0])
        if len(args[0]) != 1 or len(args[0][0]) != 1 or name_cells[0][0] != "text":
            raise Fail(VALUE)
        fn = fns.get(name_cells[0][1].upper().removeprefix("KPI."))
        if fn is None or fn["method"] in RANGE or fn["array"]:
            raise Fail(VALUE)
        columns = []
        for i, a in enumerate(args[1:]):
            if a is None:
                break
            if i < 2:  # typed as doubles: Calc turns blank and text inside a range into 0,
                # but refuses a lone text cell (measured: #VALUE! without a call)
                if len(a) == 1 and len(a[0]) == 1 and a[0][0][0] == "text":
                    raise Fail(VALUE)
                a = [[("num", 0.0) if c[0] != "num" else c for c in row] for row in a]
            width = max(len(r) for r in a)
            if len(a) > 1 and width > 1:
                raise Fail(VALUE)
            columns.append(cells(a))
        if len(columns) > len(fn["args"]):
            raise Fail(VALUE)
        if any(not info["optional"] for info in fn["args"][len(columns):]):
            raise Fail(ARGS)
        n = len(columns[0])
        if any(len(c) not in (n, 1) for c in columns):
            raise Fail(VALUE)
        xs = []
        for info, col in zip(fn["args"], columns):
            c = col[0]
            if c[0] == "text":
                raise Fail(VALUE)
            v = 0.0 if c[0] == "blank" else c[1]
            if not math.isfinite(v) or (info["kind"] == "amount" and v < 0):
                raise Fail(NUM)
            xs.append(v)
        xs += [float(info["fallback"]) for info in fn["args"][len(columns):]]
        return SCALAR[fn["method"]](*xs)
    return run


def _cohort_first(args):
    """The first cell of KPI.COHORT's table (what a non-array formula shows):
    the first day of the oldest cohort's month. The whole table is worked out
    (naively, with Python's calendar) so that its size limit is modelled."""
    import datetime
    period = optional(args[2], 0.0)
    if period < 0:
        raise Fail(NUM)
    # as_of: the date the data is complete to (0, blank or omitted: the last purchase).
    as_of = optional(args[3], 0.0) if len(args) > 3 else 0.0
    if as_of != 0 and not -693593 <= as_of <= 2958465:
        raise Fail(NUM)
    ids, dates = cells(args[0]), cells(args[1])
    if len(ids) != len(dates):
        raise Fail(VALUE)
    epoch = datetime.date(1899, 12, 30)
    purchases = []
    for who, when in zip(ids, dates):
        who_blank = who[0] == "blank" or (who[0] == "text" and who[1] == "")
        when_blank = when[0] == "blank" or (when[0] == "text" and when[1] == "")
        if when[0] == "text" and not when_blank:
            raise Fail(VALUE)
        if who_blank and when_blank:
            continue
        if who_blank or when_blank:
            raise Fail(VALUE)
        if who[0] == "num" and not math.isfinite(who[1]):
            raise Fail(NUM)
        if not -693593 <= when[1] <= 2958465:  # 0001-01-01 .. 9999-12-31
            raise Fail(NUM)
        purchases.append(((who[0], who[1]), math.floor(when[1])))
    if not purchases:
        raise Fail(DIV0)
    month = lambda d: (lambda x: x.year * 12 + x.month - 1)(epoch + datetime.timedelta(days=d))
    first = {}
    for who, d in purchases:
        first[who] = min(first.get(who, d), d)
    last = max(d for _, d in purchases)
    complete = math.floor(as_of) if as_of != 0 else last
    if complete < last:  # a purchase after as_of
        raise Fail(NUM)
    cohorts = {}
    for who, d in first.items():
        cohorts.setdefault(month(d), []).append(d)
    widest = 0
    for m, firsts in cohorts.items():
        # Periods the data covers to their last day; period 0 always.
        shown = math.floor((complete + 1 - max(firsts)) / period) if period > 0 else month(complete + 1) - m
        widest = max(widest, shown, 1)
    if 2 + widest > 16384 or len(cohorts) * (2 + widest) > 4194304:
        raise Fail(NUM)
    oldest = min(cohorts)
    return float((datetime.date(oldest // 12, oldest % 12 + 1, 1) - epoch).days)


RANGE = {"nps": _nps, "timetoclose": _timetoclose, "scoreauc": _scoreauc, "funnel": _funnel_first,
         "cohort": _cohort_first}


# --- issue 24: statistics ------------------------------------------------------
# Normal quantiles from the standard library (Wichura's AS241), not Boost.
def _z_upper(tail):
    from statistics import NormalDist
    return NormalDist().inv_cdf(1 - tail) if tail >= 0.5 else -NormalDist().inv_cdf(tail)


def _count(x):
    return nonneg(x) and x == math.floor(x)


def _open_unit(x):
    return math.isfinite(x) and 0 < x < 1


def _grr(start, contraction, churned):
    if not all(nonneg(x) for x in (start, contraction, churned)):
        raise Fail(NUM)
    if fin(contraction + churned) > start:
        raise Fail(NUM)
    if start == 0:
        raise Fail(DIV0)
    return (start - (contraction + churned)) / start


def _quickratio(new, expansion, contraction, churned):
    if not all(nonneg(x) for x in (new, expansion, contraction, churned)):
        raise Fail(NUM)
    gained, lost = fin(new + expansion), fin(contraction + churned)
    if lost == 0:
        raise Fail(DIV0)
    return fin(gained / lost)


def _incremental(ce, ne, ch, nh):
    if not all(_count(x) for x in (ce, ne, ch, nh)) or ce > ne or ch > nh:
        raise Fail(NUM)
    if nh == 0:
        raise Fail(DIV0)
    return fin(ce - ne * (ch / nh))


def _npsmoe(p, pa, d, conf):
    if not all(_count(x) for x in (p, pa, d)) or not _open_unit(conf):
        raise Fail(NUM)
    n = fin(p + pa + d)
    if n == 0:
        raise Fail(DIV0)
    pp, pd_ = p / n, d / n
    return fin(100 * _z_upper((1 - conf) / 2) * (math.sqrt(max(0.0, pp + pd_ - (pp - pd_) ** 2)) / math.sqrt(n)))


def _ab_root(p1, p2, za, zb):
    m = (p1 + p2) / 2
    return za * math.sqrt(2 * m * (1 - m)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))


def _absamplesize(p1, lift, alpha, power, one_sided):
    if not (math.isfinite(p1) and math.isfinite(lift)) or not 0 < p1 < 1:
        raise Fail(NUM)
    if not (_open_unit(alpha) and _open_unit(power)):
        raise Fail(NUM)
    p2 = p1 * (1 + lift)
    if not 0 < p2 <= 1:
        raise Fail(NUM)
    if p2 - p1 == 0:
        raise Fail(DIV0)
    root = _ab_root(p1, p2, _z_upper(alpha if one_sided != 0 else alpha / 2), _z_upper(1 - power))
    if not root > 0:
        raise Fail(NUM)
    return fin(math.ceil(fin((root / (p2 - p1)) ** 2)))


def _abmde(n, p1, alpha, power):
    if not _count(n) or not (math.isfinite(p1) and 0 < p1 < 1) or not (_open_unit(alpha) and _open_unit(power)):
        raise Fail(NUM)
    if n == 0:
        raise Fail(DIV0)
    za, zb = _z_upper(alpha / 2), _z_upper(1 - power)
    h = lambda d: _ab_root(p1, p1 + d, za, zb) - math.sqrt(n) * d  # noqa: E731
    lo, hi = 0.0, 1 - p1
    if not h(lo) > 0 or h(hi) > 0:
        raise Fail(NUM)
    while True:  # bisection to adjacent doubles
        mid = lo + (hi - lo) / 2
        if mid <= lo or mid >= hi:
            break
        lo, hi = (mid, hi) if h(mid) > 0 else (lo, mid)
    return fin(hi / p1)


def _required(a):
    """A count argument of the interval functions: a lone blank cell is #N/A."""
    if len(a) == 1 and len(a[0]) == 1 and a[0][0][0] == "blank":
        raise Fail("#N/A")
    return amount(a)


def _optional(a, fallback):
    """A blank (or wholly blank range) for an optional argument is leaving it out."""
    if a is None or all(c[0] == "blank" for c in cells(a)):
        return fallback
    return number(a)


def _rateci_first(args):
    x, n, conf = _required(args[0]), _required(args[1]), _optional(args[2], 0.95)
    if not (_count(x) and _count(n)) or x > n or not _open_unit(conf):
        raise Fail(NUM)
    if n == 0:
        raise Fail(DIV0)
    z = _z_upper((1 - conf) / 2)
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return min(max(centre - half, 0.0), 1.0)


def _liftci_first(args):
    c1, n1, c0, n0 = (_required(a) for a in args[:4])
    conf = _optional(args[4], 0.95)
    if not all(_count(x) for x in (c1, n1, c0, n0)) or c1 > n1 or c0 > n0 or not _open_unit(conf):
        raise Fail(NUM)
    if n1 == 0 or n0 == 0:
        raise Fail(DIV0)
    c1, n1, c0, n0 = c1 + 0.5, n1 + 0.5, c0 + 0.5, n0 + 0.5
    var = max(0.0, 1 / c1 - 1 / n1 + 1 / c0 - 1 / n0)
    return fin(math.exp(math.log((c1 / n1) / (c0 / n0)) - _z_upper((1 - conf) / 2) * math.sqrt(var)) - 1)


def _records(ranges):
    """Rows of the given ranges read together: wholly blank rows skipped
    (None), a partly blank row or text -> #VALUE!."""
    columns = [cells(r) for r in ranges]
    if len({len(c) for c in columns}) != 1:
        raise Fail(VALUE)
    out = []
    for row in zip(*columns):
        blank = [c[0] == "blank" or (c[0] == "text" and c[1] == "") for c in row]
        if any(c[0] == "text" and not b for c, b in zip(row, blank)):
            raise Fail(VALUE)
        if all(blank):
            out.append(None)
            continue
        if any(blank):
            raise Fail(VALUE)
        out.append([c[1] for c in row])
    return out


def _rfm_first(args):
    """KPI.RFM's first cell: the first customer's recency score, by the
    definition (mean ranks in exact fractions, then the qcut bin)."""
    bins = _optional(args[3], 5.0)
    if not (2 <= bins <= 100 and bins == math.floor(bins)):
        raise Fail(NUM)
    rows = _records(args[:3])
    for r in rows:
        if r is not None and (not all(math.isfinite(x) for x in r) or r[0] < 0 or r[1] < 0):
            raise Fail(NUM)
    values = [r[0] for r in rows if r is not None]
    n = len(values)
    if n < 2:
        raise Fail(DIV0)
    if rows[0] is None:
        raise LookupError("the first row is empty: nothing shown in a single cell")
    v = values[0]
    better, same = sum(1 for x in values if x > v), sum(1 for x in values if x == v)  # more days is worse
    rank = Fraction(2 * better + same + 1, 2)  # mean rank, 1 = worst
    return float(max(1, math.ceil(Fraction(int(bins)) * (rank - 1) / (n - 1))))


def _cohortrevenue_first(args):
    """KPI.COHORT.REVENUE's first cell: the first day of the oldest cohort's
    month, with the checks of its definition (naively, Python's calendar)."""
    import datetime
    period = _optional(args[3], 0.0)
    if period < 0:
        raise Fail(NUM)
    # as_of (docs/functions.md): blank or 0 means the last purchase date, as in
    # KPI.COHORT; a purchase after it is #NUM! (the data is complete up to it).
    as_of = None
    if args[4] is not None and not all(c[0] == "blank" for c in cells(args[4])):
        as_of = number(args[4])
        if as_of != 0 and not -693593 <= as_of <= 2958465:
            raise Fail(NUM)
        as_of = math.floor(as_of) if as_of != 0 else None
    ids, dates, amounts = cells(args[0]), cells(args[1]), cells(args[2])
    if not len(ids) == len(dates) == len(amounts):
        raise Fail(VALUE)
    purchases = []
    for who, when, amt in zip(ids, dates, amounts):
        blank = [c[0] == "blank" or (c[0] == "text" and c[1] == "") for c in (who, when, amt)]
        if (when[0] == "text" and not blank[1]) or (amt[0] == "text" and not blank[2]):
            raise Fail(VALUE)
        if all(blank):
            continue
        if any(blank):
            raise Fail(VALUE)
        if who[0] == "num" and not math.isfinite(who[1]):
            raise Fail(NUM)
        if not -693593 <= when[1] <= 2958465 or not math.isfinite(amt[1]):
            raise Fail(NUM)
        day = math.floor(when[1])
        if as_of is not None and day > as_of:
            raise Fail(NUM)
        purchases.append(((who[0], who[1]), day))
    if not purchases:
        raise Fail(DIV0)
    epoch = datetime.date(1899, 12, 30)
    month = lambda d: (lambda x: x.year * 12 + x.month - 1)(epoch + datetime.timedelta(days=d))  # noqa: E731
    first = {}
    for who, d in purchases:
        first[who] = min(first.get(who, d), d)
    end = as_of if as_of is not None else max(d for _, d in purchases)
    cohorts = {}
    for d in first.values():
        cohorts.setdefault(month(d), []).append(d)
    widest = 0
    for m, firsts in cohorts.items():
        k = math.floor((end + 1 - max(firsts)) / period) if period > 0 else month(end + 1) - m
        if k > 16384:
            raise Fail(NUM)
        widest = max(widest, k)
    if 2 + widest > 16384 or len(cohorts) * (2 + widest) > 4194304:
        raise Fail(NUM)
    oldest = min(cohorts)
    return float((datetime.date(oldest // 12, oldest % 12 + 1, 1) - epoch).days)


SCALAR.update({"grr": _grr, "quickratio": _quickratio, "incremental": _incremental, "npsmoe": _npsmoe,
               "absamplesize": _absamplesize, "abmde": _abmde})
RANGE.update({"rateci": _rateci_first, "liftci": _liftci_first, "rfm": _rfm_first,
              "cohortrevenue": _cohortrevenue_first})


def expected(fn, args, catalogue=()):
    """fn: the catalogue entry (dict from catalogue.json); args: list of
    arguments as cells (None = omitted). Returns a float or an error name."""
    try:
        if fn["method"] == "map":
            return _map_first({f["name"].removeprefix("KPI."): f for f in catalogue})(args)
        if fn["method"] in RANGE:
            return RANGE[fn["method"]](args)
        if fn["method"] not in SCALAR:
            raise KeyError(f"no reference model for {fn['name']}: add one to tests/oracles/reference.py")
        xs = []
        for info, a in zip(fn["args"], args):
            if a is None or (info["optional"] and is_blank(a)):
                xs.append(float(info["fallback"]))
            elif is_blank(a):
                if (fn["method"], info["name"]) not in ZERO_IF_BLANK:
                    raise Fail(NA)
                xs.append(0.0)
            elif info["kind"] == "amount":
                xs.append(amount(a))
            else:
                xs.append(number(a))
        return SCALAR[fn["method"]](*xs)
    except Fail as f:
        return f.error


# --- predictive CLV models (issue #8) -----------------------------------------
# The formulas come from tests/oracles/clvmodels_reference.py (SciPy, written
# from the papers); here only the argument conventions and validity rules of
# docs/functions.md are added.
def _models():
    from oracles import clvmodels_reference  # imported late: SciPy is slow to load
    return clvmodels_reference


def _line(arg):
    rows = arg
    width = max((len(r) for r in rows), default=0)
    if not rows or width == 0 or (len(rows) > 1 and width > 1):
        raise Fail(VALUE)
    vals = []
    for c in cells(rows):
        if c[0] != "num":
            raise Fail(VALUE)
        vals.append(c[1])
    return vals


def _params(arg, n):
    vals = _line(arg)
    if len(vals) not in (n, n + 1):
        raise Fail(VALUE)
    if not all(math.isfinite(v) and v > 0 for v in vals[:n]):
        raise Fail(NUM)
    return vals[:n]


def _whole(x):
    return math.isfinite(x) and x == math.floor(x)


def _customer(x, tx, T):
    if not _whole(x) or x < 0:
        raise Fail(NUM)
    if not (math.isfinite(tx) and math.isfinite(T)) or tx < 0 or tx > T:
        raise Fail(NUM)
    if x == 0 and tx != 0:
        raise Fail(NUM)


class Unbounded(Exception):
    """The reference overflows in plain floats at this input: the true value
    is a limit (often 0) it cannot compute; the caller checks only that the
    result is a non-negative number or #NUM!."""


def _finite(compute):
    try:
        v = float(compute())
    except (OverflowError, ZeroDivisionError):
        raise Unbounded()
    if not math.isfinite(v):
        # SciPy's hyp2f1 gives up at extreme arguments (t = 1e300) where the
        # true value is large but finite (E[Y(t)] grows like t^(1-a)).
        raise Unbounded()
    return v


def _records_size_check(args):
    sizes = {len(cells(a)) for a in args}
    if len(sizes) != 1:
        raise Fail(VALUE)


def _palive(args):
    p = _params(args[0], 4)
    x, tx, T = (number(a) for a in args[1:4])
    _customer(x, tx, T)
    return _finite(lambda: _models().bgnbd_palive(p, x, tx, T))


def _expected(args):
    p = _params(args[0], 4)
    t, x, tx, T = (number(a) for a in args[1:5])
    _customer(x, tx, T)
    if not (math.isfinite(t) and t >= 0) or abs(p[2] - 1) < 1e-9:
        raise Fail(NUM)
    return _finite(lambda: _models().bgnbd_expected(p, t, x, tx, T))


def _spend_checks(gg, x, z):
    if not _whole(x) or x < 0 or not math.isfinite(z) or (x > 0 and not z > 0):
        raise Fail(NUM)
    if not gg[0] * x + gg[1] - 1 > 0:
        raise Fail(NUM)


def _gg_spend(args):
    gg = _params(args[0], 3)
    x, z = number(args[1]), number(args[2])
    _spend_checks(gg, x, z)
    return _finite(lambda: _models().gg_spend(gg, x, z))


def _clv_predict(args):
    bg, gg = _params(args[0], 4), _params(args[1], 3)
    x, tx, T, z, horizon, d = (number(a) for a in args[2:8])
    units = optional(args[8], 1.0)
    if not _whole(horizon) or horizon < 0:
        raise Fail(NUM)
    if not (math.isfinite(d) and -1 < d <= 1) or not (math.isfinite(units) and units > 0):
        raise Fail(NUM)
    _spend_checks(gg, x, z)
    _customer(x, tx, T)
    if horizon <= 10000:
        return _finite(lambda: _models().clv(bg, gg, x, tx, T, z, int(horizon), d, units))
    return _finite(lambda: _long_clv(bg, gg, x, tx, T, z, horizon, d, units))


def _long_clv(bg, gg, x, tx, T, z, horizon, d, units):
    """The same sum for horizons too long to add period by period here: the
    increments E[Y(i u)] - E[Y((i-1) u)] are >= 0 and add up to E[Y(horizon u)],
    so without discounting the sum is E[Y(horizon u)], and with discounting
    the periods after i add at most v^(i+1) (E[Y(horizon u)] - E[Y(i u)])."""
    m = _models()
    last = m.bgnbd_expected(bg, horizon * units, x, tx, T)
    if not math.isfinite(last):
        raise Unbounded()
    if d == 0:
        return m.gg_spend(gg, x, z) * last
    if d < 0:
        raise Unbounded()  # growth, not discounting, over a huge horizon
    v, total, before, vi, i = 1 / (1 + d), 0.0, 0.0, 1.0, 1
    while i <= horizon:
        vi *= v
        e = last if i == horizon else m.bgnbd_expected(bg, i * units, x, tx, T)
        total += (e - before) * vi
        before = e
        if (last - before) * vi * v <= 1e-16 * total:
            break
        i += 1
    return m.gg_spend(gg, x, z) * total


def _sbg_checks(al, be):
    if not (math.isfinite(al) and math.isfinite(be) and al > 0 and be > 0):
        raise Fail(NUM)


def _sbg_retention(args):
    al, be, t = (number(a) for a in args)
    _sbg_checks(al, be)
    if not _whole(t) or t < 1:
        raise Fail(NUM)
    return _finite(lambda: _models().sbg_retention(al, be, t))


def _sbg_survival(args):
    al, be, t = (number(a) for a in args)
    _sbg_checks(al, be)
    if not _whole(t) or t < 0:
        raise Fail(NUM)
    return _finite(lambda: _models().sbg_survival(al, be, t))


def _fit_first(n_ranges):
    """FIT functions: only their argument shapes are modelled here (ranges of
    the same size, read as a table); a fit on valid data is checked against
    the documented example (itself verified with SciPy) by the caller."""
    def run(args):
        for a in args[:n_ranges]:
            for c in cells(a):
                if c[0] == "text":
                    raise Fail(VALUE)
        _records_size_check(args[:n_ranges])
        raise LookupError("a fit on data of valid shape: no independent value here")
    return run


def _sbg_fit(args):
    vals = _line(args[0])
    if len(vals) < 3:
        raise Fail(NUM)  # two counts fix only alpha / (alpha + beta)
    raise LookupError("a fit on data of valid shape: no independent value here")


RANGE.update({
    "bgnbdpalive": _palive, "bgnbdexpected": _expected, "ggspend": _gg_spend, "clvpredict": _clv_predict,
    "sbgretention": _sbg_retention, "sbgsurvival": _sbg_survival,
    "bgnbdfit": _fit_first(3), "ggfit": _fit_first(2), "sbgfit": _sbg_fit,
})
