"""native.toml and its expander, without LibreOffice: every catalogue
function has an entry, every template expands to a balanced formula over the
function's own arguments, and the expander's rules (arguments left out,
parentheses, ranges required, literal-only arguments). The values the native
formulas give are checked in real engines by test_workbooks.py and
test_bad_input.py. Usage: test_native.py build/generated/catalogue.json"""
import json
import re
import sys

from kpitools.portable import native

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL", what)


def balanced(text):
    depth, quote = 0, False
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch == "(":
            depth += 1
        elif not quote and ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quote


def main():
    catalogue = json.load(open(sys.argv[1]))
    native.use_catalogue(catalogue)
    table = native.load()
    methods = {fn["method"] for fn in catalogue}
    missing = sorted(methods - set(table))
    check(not missing, f"every catalogue function has a native.toml entry: missing {missing}")
    extra = sorted(set(table) - methods - {"expansions"})
    check(not extra, f"native.toml has no entry for a function that does not exist: {extra}")

    quoted = [q for e in list(table.values()) + list(table["expansions"].values())
              for q in re.findall(r'"[^"]*"', e.get("formula", e.get("is", ""))) if "," in q]
    check(not quoted, f"no quoted string in a template holds a comma (they become ';' for Calc): {quoted}")
    check(native.expand("cpc", ["A1", "B1"], sep=";") == native.expand("cpc", ["A1", "B1"]).replace(",", ";"),
          "Calc's separators on request")
    for fn in catalogue:
        e = table.get(fn["method"], {})
        if e.get("value_only"):
            check(bool(e.get("reason")), f"{fn['name']}: value only, with a reason")
            check(native.docs_formula(fn) == (None, e.get("reason")), f"{fn['name']}: docs say value only, and why")
            continue
        check("formula" in e, f"{fn['name']}: a formula or value_only")
        names = {a["name"] for a in fn["args"]}
        used = set(re.findall(r"\{([A-Za-z_]\w*)\}", e.get("formula", "")))
        check(used <= names, f"{fn['name']}: placeholders {sorted(used - names)} are not arguments")
        text, why = native.docs_formula(fn)
        check(text is not None and text.startswith("=") and why is None, f"{fn['name']}: a docs formula")
        if text:
            check("@" not in text and "{" not in text and "KPI." not in text.upper(),
                  f"{fn['name']}: fully expanded: {text[:80]}")
            check(balanced(text), f"{fn['name']}: balanced parentheses")
            check(len(text) < 8192, f"{fn['name']}: under Excel's 8,192-character formula limit ({len(text)})")
            required = [a["name"] for a in fn["args"] if not a["optional"] and a["name"] not in e.get("native_when", {})]
            for name in required:
                check(re.search(rf"\b{name}\b", text), f"{fn['name']}: uses its argument {name}")

    # The expander's rules, on hand-written expectations.
    ratio = native.expand("cpl", ["B2:B13", "C2:C13"])

    def amount(x):  # written out by hand: nothing entered -> #N/A (the blank rule), text -> #VALUE!,
        # "" skipped, negative -> #NUM!, else the sum
        return (f'IF(SUM(({x}<>"")*1)=0,NA(),IF(SUM(ISTEXT({x})*({x}<>""))>0,("#VALUE!"+0),IF(SUM(({x}<0)*1)>0,'
                f'POWER(-1,0.5),SUM(IF(ISTEXT({x}),0,{x}*1)))))')
    b, c = amount("B2:B13"), amount("C2:C13")
    check(ratio == f"IF({b}*0+{c}=0,(1/0),{b}/{c})", f"CPL over two ranges: sum over sum with its error checks: {ratio}")
    # Cells read one by one (ISTEXT, IF over a range) need an array formula; single cells and numbers do not.
    for args, refs, want in ((["B2:B13", "C2:C13"], [True, True], True), (["B2", "C2"], [True, True], False),
                             (["30000", "200"], [False, False], False), (["Costs", "C2"], [False, True], True),
                             (["$'My sheet'.B2:B5", "1E+300"], [True, False], True)):
        check(native.needs_array("cpl", args, refs) == want, f"KPI.CPL{tuple(args)} needs an array formula: {want}")
    check(not native.needs_array("nps", ["F2:F241"], [True]), "NPS counts with COUNTIF: no array formula")
    check(native.array_args("roi") == {"return", "investment"}, f"ROI reads its amounts cell by cell: "
          f"{native.array_args('roi')}")
    # An expression argument is parenthesised where it is used as an operand.
    check("ISTEXT((A1+A2))" in native.expand("cpc", ["A1+A2", "B1"]), "an expression argument is parenthesised")
    check("$'My sheet'.B2:B5*1" in native.expand("cpc", ["$'My sheet'.B2:B5", "B1"]),
          "a reference to a quoted sheet name stays as it is")
    # An omitted optional argument is its catalogue fallback (gross_margin 1).
    clv3 = native.expand("clv", ["75", "4", "3"])
    # (a number given, or left out, takes the expansions' short `single` form: 1*1).
    check(",1*1)" in clv3 and "SUMPRODUCT" not in clv3, "KPI.CLV without gross_margin uses 1")
    check("SUMPRODUCT" not in native.expand("clvret", ["100", "0.8", "0.1", "TRUE()"]),
          "TRUE() is one value: the short form (COUNT(TRUE()) is 0 in Gnumeric)")
    # A range still takes the long form, which tells blank cells and "" from numbers cell by cell.
    check("SUMPRODUCT" in native.expand("clv", ["A2:A5", "4", "3"]), "a range argument keeps the range form")
    check(native.expand("clv", ["75", "4", "3", None]) == clv3, "an empty optional argument is its fallback")
    for args, why in ((["75", "4"], "a required argument missing"),
                      (["1", "2", "3", "4", "5"], "too many arguments")):
        try:
            native.expand("clv", args)
            check(False, f"{why}: value only")
        except native.ValueOnly:
            pass
    # Ranges required by COUNTIF; a literal-only argument.
    for method, args, refs in (("nps", ["{10,9,3}"], [False]), ("timetoclose", ["A1:A3", "B1:B3", "1", "C1:C3"], None),
                               # Issue 25: SCOREAUC pair by pair, only over ranges of known, small size.
                               ("scoreauc", ["Scores", "Labels"], [False, False]),
                               ("scoreauc", ["$Data.A1:A1001", "$Data.B1:B1001"], [True, True]),
                               # a column paired with a row (the extension pairs them, TRANSPOSE would not)
                               ("scoreauc", ["$Data.A1:A3", "$Data.B1:D1"], [True, True]),
                               ("scoreauc", ["$Data.A1:A3", "{1;0;1}"], [True, False]),
                               ("timetoclose", ["$Data.A1:A3", "$Data.B1:D1", "1"], [True, True, False])):
        try:
            native.expand(method, args, is_ref=refs)
            check(False, f"{method}{args}: value only")
        except native.ValueOnly:
            pass
    check("COUNTIF(F2:F241,\">=9\")" in native.expand("nps", ["F2:F241"], is_ref=[True]), "NPS over a range")
    # Issue 25: the median (statistic 1) has its native form, an array formula (MEDIAN(IF(...))).
    check("MEDIAN(IF(" in native.expand("timetoclose", ["A1:A3", "B1:B3", "1"]), "TIMETOCLOSE's median natively")
    check(native.needs_array("timetoclose", ["A1:A3", "B1:B3"], [True, True]), "TIMETOCLOSE: an array formula")
    check("MEDIAN" in native.expand("timetoclose", ["Firsts", "Closes", "1"], is_ref=[False, False, False]),
          "TIMETOCLOSE over defined names natively (their shapes are trusted)")
    check("TRANSPOSE" in native.expand("scoreauc", ["$Data.A1:A1000", "$Data.B1:B1000"], is_ref=[True, True]),
          "SCOREAUC over 1,000 rows natively")
    for text, size in (("$Data.$A$1:$A$5", 5), ("A1", 1), ("$'My sheet'.B2:C3", 4), ("Scores", None), ("A1+A2", None)):
        check(native.range_size(text) == size, f"range_size({text!r}) is {size}")
    check(native.expand("timetoclose", ["A1:A3", "B1:B3", "0"]) == native.expand("timetoclose", ["A1:A3", "B1:B3"]),
          "TIMETOCLOSE with statistic 0 is the mean")
    try:
        native.expand("bgnbdfit", ["A1:A3", "B1:B3", "C1:C3"])
        check(False, "a fit is value only")
    except native.ValueOnly as why:
        check("optimiser" in str(why), "a value-only call says why")
    # A KPI call inside a KPI call: the inner expansion is one operand.
    inner = native._wrap(native.expand("cpc", ["A2", "C2"]))
    outer = native.expand("cpl", [inner, "C2:C3"])
    # cost appears twice in the ratio, six times in each amount.
    check(outer.count(inner) == 12 and balanced(outer), "a nested call is expanded as an operand")
    # The length is known before the text is built (issue 27): an argument
    # used 30-odd times makes a formula past the limit, refused as TooLong
    # with the length it would have had.
    big = "X" * 3000
    try:
        native.expand("abpvalue", [big, "B2", "C2", "D2"], limit=8191)
        check(False, "ABPVALUE over a 3,000-character argument: refused past 8,191 characters")
    except native.TooLong as e:
        check(e.size == len(native.expand("abpvalue", [big, "B2", "C2", "D2"])) and e.size > 30 * 3000,
              f"TooLong says the length the formula would have had ({e.size})")
    # An argument said to stand as an operand is not scanned nor wrapped.
    check("ISTEXT(A1+A2)" in native.expand("cpc", ["A1+A2", "B1"], atomic_args=[True, False]),
          "atomic_args: the argument put in as it is")
    check(native.wrap_expansion("cpl", "IF(x)") == "IF(x)", "CPL's formula is one IF(...): an operand as it is")
    for expr, want in (("A1", True), ("1E+300", True), ("-1", False), ("A1 + 1", False), ("SUM(A1,B1)", True),
                       ("(A1+B1)", True), ('"a,b"', True), ("{1,2}", True), ("A1:B2", True)):
        check(native.atomic(expr) == want, f"atomic({expr!r}) is {want}")

    print(f"portable.native: {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
