"""The ordinary spreadsheet functions of the template evaluator (engine.py), as
Calc computes them for the templates: the generator writes each formula's
value into the file, so these must agree with Calc on the workbooks shipped
(the test calc.templates compares every formula cell).

Values: None (an empty cell), float, str, bool. A result Calc shows as an
error raises CalcError (a ValueError: a shipped template never stores an error
cell); IFERROR catches it (engine.py evaluates IFERROR, IF and INDEX lazily).

Criteria (SUMIFS, COUNTIFS, COUNTIF, MATCH) follow the templates' calculation
settings (engine.Book.wildcards): case-insensitive, `*` and `?` wildcards
(`~` escapes), no regular expressions, whole-cell match. Calc also matches a
*number* against a text pattern by its formatted text; the templates never
rely on that (the import formulas subtract it, imports.py), and the shipped
import sheets hold no numbers.
"""
import datetime
import math
import re


class CalcError(ValueError):
    """A cell Calc would show as an error (code: '#N/A', '#VALUE!', ...)."""

    def __init__(self, code, why=""):
        super().__init__(f"{code} {why}".strip())
        self.code = code


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def num(v):
    if isinstance(v, list):
        raise CalcError("#VALUE!", "a range where a single value belongs")
    if v is None:
        return 0.0
    if isinstance(v, str):  # "" too: a formula's empty text is #VALUE! in arithmetic
        raise CalcError("#VALUE!", f"text {v!r} where a number belongs")
    return float(v)


def text(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def truth(v):
    return bool(v) if not isinstance(v, str) else v != ""


def _flat(args):
    for a in args:
        if isinstance(a, list):
            yield from a
        else:
            yield a


# ------------------------------------------------------------------ criteria
def _pattern(s):
    """A wildcard text (`*`, `?`, `~` escape) as a compiled, case-insensitive, whole-cell regex."""
    out, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch == "~" and i + 1 < len(s):
            out.append(re.escape(s[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z", re.IGNORECASE | re.DOTALL)


def _as_number(s):
    try:
        return float(s)
    except ValueError:
        return None


def matcher(crit):
    """A function value -> bool for one criterion, as COUNTIFS reads it."""
    if is_number(crit) or isinstance(crit, bool):
        x = float(crit)
        return lambda v: is_number(v) and float(v) == x
    if crit is None:
        crit = ""
    op = next((o for o in ("<>", ">=", "<=", "=", "<", ">") if crit.startswith(o)), "")
    rest = crit[len(op):]
    x = _as_number(rest) if rest.strip() else None
    if x is not None:
        compare = {"": lambda a: a == x, "=": lambda a: a == x, "<>": lambda a: a != x, "<": lambda a: a < x,
                   ">": lambda a: a > x, "<=": lambda a: a <= x, ">=": lambda a: a >= x}[op]
        if op == "<>":
            return lambda v: not (is_number(v) and float(v) == x)
        return lambda v: is_number(v) and compare(float(v))
    if rest == "":
        if op == "<>":
            return lambda v: v is not None and v != ""
        return lambda v: v is None or v == ""
    if op in ("", "=", "<>"):
        pat = _pattern(rest)
        hit = lambda v: isinstance(v, str) and pat.match(v) is not None  # noqa: E731
        return (lambda v: not hit(v)) if op == "<>" else hit
    key = rest.casefold()
    compare = {"<": lambda a: a < key, ">": lambda a: a > key, "<=": lambda a: a <= key,
               ">=": lambda a: a >= key}[op]
    return lambda v: isinstance(v, str) and compare(v.casefold())


def _selected(pairs):
    """Indices of the rows meeting every (range, criterion) pair."""
    ranges, tests = pairs[0::2], [matcher(c) for c in pairs[1::2]]
    n = len(ranges[0])
    if any(len(r) != n for r in ranges):
        raise CalcError("#VALUE!", "criteria ranges of different sizes")
    first, test0 = ranges[0], tests[0]
    # Most rows of an import sheet are empty: skip them at once when the first criterion rejects a blank.
    rows = range(n) if test0(None) else (i for i, v in enumerate(first) if v is not None)
    return [i for i in rows if all(t(r[i]) for r, t in zip(ranges, tests))]


def sumifs(sum_range, *pairs):
    if len(sum_range) != len(pairs[0]):
        raise CalcError("#VALUE!", "sum range and criteria range of different sizes")
    return float(sum(sum_range[i] for i in _selected(pairs) if is_number(sum_range[i])))


def countifs(*pairs):
    return float(len(_selected(pairs)))


def match(value, rng, kind=0):
    if num(kind) != 0:
        raise CalcError("#N/A", "MATCH: only exact matching (type 0) is used in the templates")
    test = matcher("=" + value) if isinstance(value, str) else matcher(value)
    for i, v in enumerate(rng):
        if test(v) and v is not None:
            return float(i + 1)
    raise CalcError("#N/A", f"MATCH: {value!r} not found")


def na():
    raise CalcError("#N/A")


# ------------------------------------------------------------------ the rest
EPOCH = datetime.date(1899, 12, 30)


def date(y, m, d):
    y, m, d = int(num(y)), int(num(m)), int(num(d))
    y += (m - 1) // 12
    m = (m - 1) % 12 + 1
    return float((datetime.date(y, m, 1) - EPOCH).days + d - 1)


def amount(v):
    """Amount/count convention: a range is summed, blanks and text skipped."""
    if isinstance(v, list):
        return float(sum(x for x in v if is_number(x)))
    return num(v)


def index_list(rng, i, j=None):
    """INDEX over a one-column range (i), or a one-row range (1; j): write the row 1 explicitly
    for a row, as Gnumeric reads a lone index as the row (#REF! on a one-row range)."""
    if j is not None:
        if int(num(i)) != 1:
            raise CalcError("#REF!", "INDEX(row range; 1; column) only")
        i = j
    i = int(num(i))
    if i < 1 or i > len(rng):
        raise CalcError("#REF!", "INDEX out of the range")
    return rng[i - 1]


def _numbers(args):
    return [float(x) for x in _flat(args) if is_number(x)]


FUNCTIONS = {
    "SUM": lambda *a: sum(amount(x) for x in a),
    "COUNT": lambda *a: float(sum(1 for y in _flat(a) if is_number(y))),
    "COUNTA": lambda *a: float(sum(1 for y in _flat(a) if y is not None)),
    "INDEX": index_list,
    "INT": lambda x: float(math.floor(num(x))),
    "MOD": lambda a, b: num(a) - num(b) * math.floor(num(a) / num(b)),
    "MAX": lambda *a: max(_numbers(a), default=0.0),
    "MIN": lambda *a: min(_numbers(a), default=0.0),
    "SUMIFS": sumifs,
    "COUNTIFS": countifs,
    "COUNTIF": lambda rng, crit: countifs(rng, crit),
    "MATCH": match,
    "NA": na,
    "DATE": date,
    "LEFT": lambda s, n=1: text(s)[:int(num(n))],
    "RIGHT": lambda s, n=1: text(s)[-int(num(n)):] if int(num(n)) else "",
    "MID": lambda s, start, n: text(s)[int(num(start)) - 1:int(num(start)) - 1 + int(num(n))],
    "LOWER": lambda s: text(s).lower(),
    "TRIM": lambda s: " ".join(w for w in text(s).split(" ") if w),
    "LEN": lambda s: float(len(text(s))),
    "ISBLANK": lambda v: v is None,
    "ISNUMBER": is_number,
    "ISTEXT": lambda v: isinstance(v, str),
    "AND": lambda *a: all(truth(x) for x in _flat(a) if x is not None),
    "OR": lambda *a: any(truth(x) for x in _flat(a) if x is not None),
    "NOT": lambda v: not truth(v),
    "TRUE": lambda: True,
    "CHOOSE": lambda i, *options: options[int(num(i)) - 1],
}
