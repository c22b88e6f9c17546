"""Native spreadsheet equivalents of the KPI functions, from the catalogue's
core/catalogue/native.toml (its header describes the template language).

expand("cpl", ["B2:B13", "C2:C13"]) gives the native formula (no "="),
written with Excel's separators (","), English function names. The
conversion of whole workbooks (convert.py) calls it with the argument texts
LibreOffice's formula parser prints; docs_formula() writes it over the
argument names for docs/functions.md.
"""
import json
import os
import re
import sys

NATIVE_TOML = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                           "core", "catalogue", "native.toml")
# The .oxt ships the table as JSON beside this module, written from the TOML at
# build time (python -m kpitools.portable.native --json): the KPI menu runs in
# LibreOffice's bundled Python, 3.8 in LibreOffice 7.4 for Windows and macOS,
# which has no tomllib (3.11).
NATIVE_JSON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "native.json")

# Formulas cannot hold error literals portably (LibreOffice's parser drops
# them); these raise the same error in Excel, Google Sheets, Gnumeric and
# LibreOffice (measured in LibreOffice 7.4 and Gnumeric 1.12).
RAISE = {"#DIV/0!": "(1/0)", "#NUM!": "POWER(-1,0.5)", "#VALUE!": '("#VALUE!"+0)'}

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_EXPANSION = re.compile(r"@([A-Za-z_][A-Za-z0-9_]*)\(")


class ValueOnly(Exception):
    """The call has no native equivalent here: keep its value. str() is why."""


class TooLong(ValueOnly):
    """The native formula would pass the length limit given to expand():
    raised before the text is built (a call nested in a call repeats its
    argument's text 30 times or more per level: 3,150 characters, then
    97,590, then 2.9 million...)."""

    def __init__(self, size, limit, exact=False):
        super().__init__(f"the native formula would be {'' if exact else 'at least '}{size:,} characters, above "
                         f"Excel's {limit:,}")
        self.size = size


class NativeError(Exception):
    """native.toml is wrong (unknown expansion, bad arity): a bug, not bad input."""


def load(path=None):
    """The table: native.toml in a source tree, else the JSON copy the build
    puts beside this module (the installed extension)."""
    if path is None:
        path = NATIVE_TOML if os.path.exists(NATIVE_TOML) else NATIVE_JSON
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    import tomllib  # Python 3.11: only the source tree's build and tools read the TOML
    with open(path, "rb") as f:
        return tomllib.load(f)


_TABLE = None


def table():
    global _TABLE
    if _TABLE is None:
        _TABLE = load()
    return _TABLE


def _scan(text, start):
    """Index of the ')' closing the '(' just before `start`, and the
    top-level comma positions, skipping quoted strings and nested brackets."""
    depth, i, commas, quote = 0, start, [], None
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            if depth == 0:
                return i, commas
            depth -= 1
        elif ch == "," and depth == 0:
            commas.append(i)
        i += 1
    raise NativeError(f"unbalanced parentheses in {text!r}")


def atomic(expr):
    """True if `expr` can stand as an operand without parentheses: a number,
    a reference, a name, a string, a function call or a parenthesised whole.
    Anything with an operator or a space at its top level is not."""
    expr = expr.strip()
    if not expr or expr[0] in "+-":
        return False
    depth, quote = 0, None
    for ch in expr:
        if quote:
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        elif depth == 0 and (ch in "+-*/^&=<>,;~! %" or ch.isspace()):
            # A number in exponent form (1E+300) has a sign inside it.
            if ch in "+-" and re.fullmatch(r"[0-9.]+[Ee][+-]?[0-9]+", expr):
                continue
            return False
    return True


def _wrap(expr):
    return expr if atomic(expr) else f"({expr})"


def _expand_macros(text, expansions, depth=0, arrays=None, singles=frozenset()):
    """Replaces every @name(a, b) in `text` by the expansion's body; adds to
    `arrays` the {placeholders} given to an expansion marked array = true.
    singles: the arguments given as one cell or a number; an expansion with
    a `single` body uses it when its arguments hold only those."""
    if depth > 20:
        raise NativeError("expansions nested too deeply (a cycle?)")
    out, pos = [], 0
    while True:
        m = _EXPANSION.search(text, pos)
        if not m:
            out.append(text[pos:])
            return "".join(out)
        name = m.group(1)
        if name not in expansions:
            raise NativeError(f"unknown expansion @{name}")
        end, commas = _scan(text, m.end())
        bounds = [m.end()] + [c + 1 for c in commas] + [end + 1]
        actual = [_expand_macros(text[a:b - 1].strip(), expansions, depth + 1, arrays, singles)
                  for a, b in zip(bounds, bounds[1:])]
        body = expansions[name]["is"]
        if "single" in expansions[name] and all(set(_PLACEHOLDER.findall(a)) <= singles for a in actual):
            body = expansions[name]["single"]
        elif arrays is not None and expansions[name].get("array"):
            for a in actual:
                arrays.update(_PLACEHOLDER.findall(a))
        params = expansions[name]["of"]
        if len(actual) != len(params):
            raise NativeError(f"@{name} takes {len(params)} arguments, given {len(actual)}")
        values = dict(zip(params, actual))
        body = _PLACEHOLDER.sub(lambda p: _wrap(values[p.group(1)]) if p.group(1) in values else p.group(0), body)
        out.append(text[pos:m.start()])
        out.append(_expand_macros(body, expansions, depth + 1, arrays, singles))
        pos = end + 1


def entry(method):
    e = table().get(method.lower())
    if e is None or method.lower() == "expansions":
        raise NativeError(f"no native.toml entry for {method!r}")
    return e


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[Ee][+-]?\d+)?")


_ARRAY_ARGS = {}


def array_args(method):
    """The arguments of KPI.<method> that its native formula reads cell by
    cell (given to an expansion marked array = true); worked out once per
    method, not for every call converted."""
    key = method.lower()
    if key not in _ARRAY_ARGS:
        e = entry(method)
        arrays = set()
        if not e.get("value_only"):
            _expand_macros(e["formula"], table()["expansions"], arrays=arrays)
        _ARRAY_ARGS[key] = frozenset(arrays)
    return _ARRAY_ARGS[key]


def needs_array(method, arg_texts, is_ref=None):
    """Whether the native formula of this call must be entered as an array
    formula: an argument that is not a single cell or a number goes into an
    expansion marked array = true (a range to sum cell by cell)."""
    arrays = array_args(method)
    if not arrays:
        return False
    names, _ = catalogue_args(method)
    for i, (name, text) in enumerate(zip(names, arg_texts)):
        if name not in arrays or text is None or not text.strip():
            continue
        if not _single(text, is_ref, i):
            return True
    return False


_SHEET = r"(?:\$?(?:'[^']*(?:''[^']*)*'|[^.:'$]+)\.)?"
_RANGE = re.compile(rf"{_SHEET}\$?([A-Za-z]{{1,3}})\$?(\d+)(?::{_SHEET}\$?([A-Za-z]{{1,3}})\$?(\d+))?")


def range_shape(text):
    """(rows, columns) of a reference written as Calc prints it
    ($Data.$A$1:$A$5, A1, $'My sheet'.B2:C3), or None (a defined name, an
    inline array, an expression: the shape is not known from the text)."""
    m = _RANGE.fullmatch((text or "").strip())
    if not m:
        return None
    c1, r1, c2, r2 = m.groups()
    if c2 is None:
        return 1, 1

    def column(letters):
        n = 0
        for ch in letters.upper():
            n = n * 26 + ord(ch) - 64
        return n
    return abs(int(r2) - int(r1)) + 1, abs(column(c2) - column(c1)) + 1


def range_size(text):
    """The number of cells of a reference (range_shape), or None."""
    shape = range_shape(text)
    return shape[0] * shape[1] if shape else None


def _single(text, is_ref, i):
    """Whether argument i, written `text`, is one cell, a number or TRUE()/FALSE()."""
    single_cell = bool(is_ref and i < len(is_ref) and is_ref[i]) and ":" not in text
    return single_cell or bool(_NUMBER.fullmatch(text.strip())) or text.strip().upper() in ("TRUE()", "FALSE()")


def expand(method, arg_texts, arg_names=None, fallbacks=None, is_ref=None, sep=",", atomic_args=None, limit=None):
    """The native formula for KPI.<method>(arg_texts...) (texts as written,
    None for an omitted argument). arg_names / fallbacks come from the
    catalogue (catalogue_args); is_ref[i] says whether argument i is a plain
    cell reference; sep is the argument separator of the grammar the
    argument texts are written in ("," Excel's, ";" Calc's API);
    atomic_args[i] True says argument i is known to stand as an operand
    as it is (convert.py knows it from Calc's tokens: the text is then not
    scanned). Raises ValueOnly when no native formula applies, TooLong
    (before building it) when the formula would be longer than limit."""
    e = entry(method)
    if e.get("value_only"):
        raise ValueOnly(e.get("reason", "value only"))
    if arg_names is None:
        arg_names, fallbacks = catalogue_args(method)
    if len(arg_texts) > len(arg_names):
        raise ValueOnly(f"{len(arg_texts)} arguments, the function takes {len(arg_names)}")
    texts = list(arg_texts) + [None] * (len(arg_names) - len(arg_texts))
    values = {}
    for i, (name, text) in enumerate(zip(arg_names, texts)):
        if text is None or not text.strip():
            fb = fallbacks[i]
            if fb is None:
                raise ValueOnly(f"required argument {name} missing")
            text = fb
        values[name] = text
    for name in e.get("refs", []):
        i = arg_names.index(name)
        if is_ref is not None and not (i < len(is_ref) and is_ref[i]):
            raise ValueOnly(f"{name} is not a cell range (the native formula counts with COUNTIF)")
    if is_ref is not None and e.get("paired"):
        # Ranges read pair by pair must have one shape: the extension pairs a
        # row with a column of the same size, a native formula would not (it
        # would pair every cell of one with every cell of the other). A
        # defined name's shape is not known here: it is trusted.
        given = [texts[arg_names.index(name)] or "" for name in e["paired"]]
        shapes = {range_shape(t) for t in given} - {None}
        if len(shapes) > 1 or any(t.strip().startswith("{") for t in given):
            raise ValueOnly(f"{' and '.join(e['paired'])} are not cell ranges of the same shape: the native "
                            f"formula pairs their cells in place")
    for name, most in e.get("max_cells", {}).items():
        # Only in a conversion (is_ref given): the docs show the formula.
        i = arg_names.index(name)
        size = range_size(texts[i]) if is_ref is not None and i < len(is_ref) and is_ref[i] else None
        if is_ref is not None and (size is None or size > most):
            raise ValueOnly(f"{name} is not a range of at most {most:,} cells: the native formula, pair by pair, "
                            f"would be slow")
    for name, literal in e.get("native_when", {}).items():
        i = arg_names.index(name)
        if texts[i] is not None and texts[i].strip() and texts[i].strip() != literal:
            raise ValueOnly(f"{name} is not {literal}: the native formula covers only that case")
    # Arguments given as one cell or a number get the shorter `single` form
    # of the expansions that have one (issue 26: the copy's formulas were
    # twice as long as needed for the most common call, one cell per row).
    singles = frozenset(name for i, (name, text) in enumerate(zip(arg_names, texts))
                        if text is None or not text.strip() or _single(text, is_ref, i))
    pieces, _ = template(method, sep, singles)
    # Each argument's text is wrapped once (not at each of its 30-odd uses),
    # and the length is known before anything is joined.
    known = atomic_args or ()
    wrapped = {}
    for i, name in enumerate(arg_names):
        as_is = i < len(known) and known[i] and texts[i] is not None and texts[i].strip()
        wrapped[name] = values[name] if as_is else _wrap(values[name])
    size = sum(len(p) for p in pieces[0::2]) + sum(len(wrapped[name]) for name in pieces[1::2])
    if limit is not None and size > limit:
        raise TooLong(size, limit)
    out = list(pieces)
    out[1::2] = [wrapped[name] for name in pieces[1::2]]
    return "".join(out)


_TEMPLATES = {}


def template(method, sep=",", singles=frozenset()):
    """(pieces, atomic) of KPI.<method>'s native formula, worked out once per
    method, separator and set of arguments given as one cell (singles):
    pieces alternate literal text and argument names (pieces[1::2]); atomic
    says whether the formula, its arguments put in as operands, can stand as
    an operand without parentheses."""
    key = (method.lower(), sep, singles)
    if key not in _TEMPLATES:
        text = _expand_macros(entry(method)["formula"], table()["expansions"], singles=singles)
        for err, raise_expr in RAISE.items():
            text = text.replace(err, raise_expr)
        if sep != ",":
            # The templates' commas are all separators (test_native.py checks
            # that no quoted string in native.toml holds one).
            text = text.replace(",", sep)
        pieces = _PLACEHOLDER.split(text)
        _TEMPLATES[key] = (pieces, atomic(_PLACEHOLDER.sub("X", text)))
    return _TEMPLATES[key]


def wrap_expansion(method, text, sep=","):
    """expand()'s text as an operand: parenthesised unless the template is
    atomic (decided on the template, never by scanning the text; the
    `single` forms keep their expansion's outer shape, so the answer is the
    same for every set of single arguments)."""
    return text if template(method, sep)[1] else f"({text})"


_CATALOGUE = {}


def use_catalogue(functions):
    """Registers the catalogue (the list in build/generated/catalogue.json)."""
    for fn in functions:
        _CATALOGUE[fn["method"]] = fn


def catalogue_args(method):
    fn = _CATALOGUE.get(method.lower())
    if fn is None:
        raise NativeError(f"{method!r} is not in the catalogue given to use_catalogue()")
    names = [a["name"] for a in fn["args"]]
    fallbacks = [(_number_text(a["fallback"]) if a["optional"] else None) for a in fn["args"]]
    return names, fallbacks


def _number_text(x):
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def docs_formula(function_entry):
    """(native formula written over the argument names, None), or (None,
    why) when the function is value only: for the function's catalogue
    entry (a dict of catalogue.json). codegen/docs.py prints it in
    docs/functions.md under "Without the extension"."""
    use_catalogue([function_entry])
    e = entry(function_entry["method"])
    # An argument the native formula must see as a literal is left out.
    names = [None if a["name"] in e.get("native_when", {}) else a["name"] for a in function_entry["args"]]
    try:
        return "=" + expand(function_entry["method"], names), None
    except ValueOnly as why:
        return None, str(why)


if __name__ == "__main__":
    # python -m kpitools.portable.native --json OUT: the table as JSON, for the .oxt.
    if len(sys.argv) != 3 or sys.argv[1] != "--json":
        sys.exit("usage: python -m kpitools.portable.native --json OUT.json")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(load(NATIVE_TOML), out, ensure_ascii=False, sort_keys=True, indent=1)
