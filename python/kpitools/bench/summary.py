"""The README's performance table, read from docs/benchmark.md.

Each benchmark writes its own section of docs/benchmark.md; this takes one
headline figure per workload from those generated tables (found by their
column headers, not their positions) and writes the README's short table
between `<!-- performance:begin ... -->` and `<!-- performance:end -->`.
docs/benchmark.md stays the one place a number is measured into: the README
is derived from it, by scripts/bench.sh after every run, and
`docs.readme_performance` fails when the README no longer says what
docs/benchmark.md says.

    python3 -m kpitools.bench.summary --benchmark docs/benchmark.md --readme README.md [--check]
"""
import argparse
import re
import sys

from kpitools.bench.report import replace_section, section

WRITER = "python -m kpitools.bench.summary from docs/benchmark.md"


def tables(body):
    """The markdown tables of a section: a list of lists of {header: cell}."""
    found, lines = [], body.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:|-]+\|$", lines[i + 1]):
            head = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
                rows.append(dict(zip(head, cells)))
                i += 1
            found.append(rows)
        else:
            i += 1
    return found


def number(text):
    """The first number in a cell ('2.07', '1.76×', '28.51 s', '1,104 MB')."""
    m = re.search(r"-?[\d,]*\.?\d+", text.replace("\u2212", "-"))
    if not m:
        raise ValueError(f"no number in {text!r}")
    return float(m.group(0).replace(",", ""))


def date(body):
    m = re.search(r"\d{4}-\d{2}-\d{2}", body)
    return m.group(0) if m else "—"


class Missing(Exception):
    pass


def row(rows, **want):
    """The one row whose cells start with the wanted texts."""
    hits = [r for r in rows if all(r.get(k, "").startswith(v) for k, v in want.items())]
    if len(hits) != 1:
        raise Missing(f"{len(hits)} rows with {want}")
    return hits[0]


def col(r, prefix):
    """The cell of the one column whose header starts with prefix."""
    keys = [k for k in r if k.startswith(prefix)]
    if len(keys) != 1:
        raise Missing(f"{len(keys)} columns starting with {prefix!r}")
    return r[keys[0]]


def times(x):
    return f"{x:.2f}×"


def headlines(bench):
    """[(workload, against, result, target, date)], one per benchmark section found."""
    out = []

    def sec(name):
        body = section(bench, name)
        if body is None:
            raise Missing(f"docs/benchmark.md has no {name} section")
        return body, tables(body)

    body, (t,) = sec("portable")
    r = row(t, **{"rows of `=KPI.CPL(A;B)`": "20,000"})
    out.append(("kpi-portable: a workbook of 20,000 KPI rows to .xlsx", "LibreOffice's own conversion of the file",
                f"{times(number(col(r, 'ratio')))} its time", "≤ 3×", date(body)))

    body, (t,) = sec("pyelementwise")
    ratio = {r["function"]: number(r["kpi / NumPy"]) for r in t}
    fast = sum(1 for v in ratio.values() if v <= 1.0)
    worst = max(ratio, key=ratio.get)
    result = f"{fast} of {len(ratio)} as fast or faster"
    if fast < len(ratio):
        result += f"; slowest {worst}, {times(ratio[worst])} NumPy's time"
    else:
        result += f" (slowest {worst}: {ratio[worst]:.2f} of NumPy's time)"
    # The same formulas timed against NumPy with no check at all (not the same values): said where slower.
    for fn, r, expr in re.findall(r"`(kpi\.\w+)` ([\d.]+) of `([^`]+)`", body):
        if float(r) > 1.0:
            result += f"; {fn} {times(float(r))} a bare `{expr}`, which checks nothing"
    out.append(("Python: the elementwise functions, 10M rows (the models: 1M customers)", "the same expression in NumPy/SciPy",
                result, "all", date(body)))

    body, ts = sec("bench_pg")
    t = ts[0]
    ratio_col = "native / kpi"

    def pg(query):
        return number(row(t, query=query)[ratio_col])
    out.append(("PostgreSQL: AUC over 10M rows, tied / continuous / distinct scores, 2 workers",
                "the best native SQL",
                " / ".join(times(pg(q)) for q in ("AUC, tied scores (1,001 values), 2",
                                                  "AUC, continuous scores (100,000 values), 2",
                                                  "AUC, distinct scores (10,000,000 values), 2")) + " faster",
                "faster", date(body)))
    out.append(("PostgreSQL: NPS over 10M rows, integer / float8 scores, 2 workers", "`count(*) FILTER`",
                " / ".join(times(pg(q)) for q in ("NPS, integer scores, 2", "NPS, float8 scores, 2")) + " faster",
                "parity", date(body)))

    body, (t,) = sec("fits")
    r = row(t, Customers="100,000", Times="daily", Function="KPI.BGNBD.FIT")
    out.append(("BG/NBD fit, 100,000 customers, the core", "SciPy's BFGS on grouped rows",
                f"{times(number(r['Core faster by']))} faster", "—", date(body)))

    body, (fits, cols) = sec("models")
    for fn in ("KPI.BGNBD.FIT", "KPI.GG.FIT"):
        r = row(fits, Customers="100,000", Function=fn)
        out.append((f"{fn} in Calc, 100,000 customers", "SciPy's BFGS on grouped rows",
                    f"{times(number(r['In Calc faster than SciPy by']))} faster "
                    f"(Calc's hand-over alone: {times(number(r['Floor faster than SciPy by']))})", "—", date(body)))
    r = row(cols, **{"Column of 100,000 customers": "P(alive)", "Variant": "KPI.MAP"})
    f = row(cols, **{"Column of 100,000 customers": "P(alive)", "Variant": "floor"})
    out.append(("P(alive) of 100,000 customers in Calc, `KPI.MAP`", "a native closed-form formula per row",
                f"{times(number(r['Against the native formula']))} its speed "
                f"(Calc's hand-over alone: {times(number(f['Against the native formula']))})", "—", date(body)))

    body, (t,) = sec("audit")
    r = row(t, Workbook="generated, 100,000 rows", Code="now")
    out.append(("kpi-audit: peak memory on a 1.1M-cell workbook", "LibreOffice's own load of the file",
                f"{times(number(col(r, '× LibreOffice')))} its peak", "≤ 1.5×", date(body)))
    return out


def table(bench):
    lines = ["| Workload | Against | Result | Target (issue 26) | Measured |", "|---|---|---|---|---|"]
    for workload, against, result, target, when in headlines(bench):
        lines.append(f"| {workload} | {against} | {result} | {target} | {when} |")
    return "\n".join(lines)


def body(bench):
    return (f"{table(bench)}\n\nOne figure per workload from [docs/benchmark.md](docs/benchmark.md), "
            "where each is measured side by side with its peer in one run of `scripts/bench.sh` "
            "(PostgreSQL: `scripts/bench_pg.sh`) on a shared 2-core machine, with the load average "
            "and every size.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--benchmark", default="docs/benchmark.md")
    ap.add_argument("--readme", default="README.md")
    ap.add_argument("--check", action="store_true", help="fail if the README's table is not the one derived")
    a = ap.parse_args(argv)
    now = section(a.readme, "performance")
    if now is None:  # the README places the table itself: never appended at its end
        sys.exit(f"{a.readme} has no performance markers")
    try:
        new = body(a.benchmark)
    except (Missing, ValueError, KeyError) as e:
        sys.exit(f"docs/benchmark.md: cannot read a headline figure: {e}")
    if a.check:
        if now != new:
            sys.exit(f"{a.readme}'s performance table is not the one docs/benchmark.md gives; "
                     "run python3 -m kpitools.bench.summary")
        print("README's performance table matches docs/benchmark.md")
        return
    replace_section(a.readme, "performance", WRITER, new)


if __name__ == "__main__":
    main()
