"""The kpi extension in a real, throw-away PostgreSQL 15.

The server runs from a private copy of Debian's PostgreSQL tree in a
temporary directory (the binaries copied, everything else linked), so the
extension is installed there and never into the system's PostgreSQL; a
PostgreSQL binary finds its share and lib directories relative to itself.
As root, initdb and the server run as the `postgres` system user. The server
is stopped and the directory removed in every case (finally).

Checks: CREATE EXTENSION kpi; every catalogue example and the bad-input
matrix's typed cases (tests/postgres/cases.py: the Calc tests' values) with
#DIV/0! and #N/A as NULL and other errors as SQLSTATE 22023; EXPLAIN shows a
Partial Aggregate under a Gather for each aggregate on a larger table, and
the parallel result equals the serial one and the native formula.
Prints 'N passed, N failed'."""
import argparse
import math
import os
import sys
import warnings

import cases
from pgserver import TRY, Server

warnings.simplefilter("ignore")
passed, failed = 0, []


def check(ok, label):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(label)


def lit(x):
    return "NULL" if x is None else repr(float(x))


def query(fn, args):
    """The SQL for one case."""
    name = "kpi." + cases.sql_name(fn)
    if not cases.is_aggregate(fn):
        parts = []
        for info, a in zip(fn["args"], args):
            if a is None:
                break
            if a[0] == "col":
                parts.append("ARRAY[" + ",".join(lit(x) for x in a[1]) + "]::float8[]")
            elif info["kind"] == "flag":
                parts.append("true" if a[1] != 0 else "false")
            else:
                parts.append(lit(a[1]) + "::float8")
        return f"SELECT {name}({', '.join(parts)})::text"
    cols, call = [], []
    for k, (info, a) in enumerate(zip(fn["args"], args)):
        if a is None:
            break
        if a[0] == "col":
            cols.append("ARRAY[" + ",".join(lit(x) for x in a[1]) + "]::float8[]")
            c = f"c{len(cols)}"
            call.append(f"timestamp '1899-12-30' + {c} * interval '1 day'" if info["name"].endswith("dates") else c)
        else:
            call.append(lit(a[1]) + "::float8")
    names = ",".join(f"c{i + 1}" for i in range(len(cols)))
    return f"SELECT {name}({', '.join(call)})::text FROM unnest({', '.join(cols)}) t({names})"


def parse(text):
    if text == "NULL":
        return None
    if text.startswith("ERROR"):
        return text
    if text.startswith("{"):  # a 2-D array (KPI.RFM's table) row by row, as example_result lists it
        return [None if v == "NULL" else float(v) for v in text.replace("{", "").replace("}", "").split(",")]
    return [float(text)]


def matches(got, want):
    if isinstance(got, str):  # an error: 22023, where Calc shows an error other than #DIV/0! and #N/A
        return isinstance(want, str) and want not in ("#DIV/0!", "#N/A") and got.startswith("ERROR 22023")
    if got is None or got[0] is None:
        return want in ("#DIV/0!", "#N/A")
    if want == cases.BOUNDED:
        return got[0] >= 0
    return not isinstance(want, str) and cases.same(got[0], want)


def check_cases(server, all_cases):
    body = [TRY]
    for i, (fn, args, _, _) in enumerate(all_cases):
        q = query(fn, args).replace("$q$", "")
        body.append(f"SELECT {i}, pg_temp.try($q${q}$q$);")
    out = server.sql("\n".join(body))
    got = {}
    for line in out.splitlines():
        i, _, text = line.partition("\t")
        got[int(i)] = text
    for i, (fn, args, want, label) in enumerate(all_cases):
        g = parse(got.get(i, "missing"))
        if isinstance(g, list) and len(want) > 1:  # an array: every element listed (a table's first row)
            ok = len(g) >= len(want) and all(x is not None and cases.same(x, w) for x, w in zip(g, want))
        else:
            ok = matches(g, want[0])
        check(ok, f"{label}: {query(fn, args)} gave {got.get(i)}, want {want}")


def check_messages(server):
    out = server.sql(TRY + "SELECT pg_temp.try('SELECT kpi.cpl(100, -2)');\n"
                     "SELECT pg_temp.try('SELECT kpi.clv(75, 4, 3, 1.5)');")
    lines = out.splitlines()
    check("ERROR 22023" in lines[0] and "leads" in lines[0], f"a negative amount is named: {lines[0]}")
    check("ERROR 22023" in lines[1] and "gross margin" in lines[1], f"the domain is named: {lines[1]}")
    out = server.sql("SELECT obj_description('kpi.cpl(float8,float8)'::regprocedure);")
    check(out.strip().startswith("Cost per lead"), f"COMMENT ON FUNCTION from the catalogue: {out}")


PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
            "SET max_parallel_workers_per_gather = 2;")


def check_parallel(server):
    # 200,000 rows: scores 0..10, a score and an outcome for the AUC, dates,
    # a customer table; the same queries in parallel and serially.
    server.sql("""CREATE TABLE r AS SELECT i, (i * 7919) % 11 AS score, ((i * 104729) % 1000) / 1000.0 AS p,
      (i % 3 = 0)::int::float8 AS y, date '2024-01-01' + (i % 50)::int AS d0,
      date '2024-01-01' + (i % 50)::int + (i % 17)::int AS d1, (i % 5)::float8 AS freq,
      (i % 5)::float8 * 2 AS rec, 20::float8 AS age, 10 + (i % 7)::float8 AS val
      FROM generate_series(1::bigint, 200000) i; ANALYZE r;""")
    queries = {
        "nps": "kpi.nps(score)", "scoreauc": "kpi.scoreauc(p, y)", "timetoclose": "kpi.timetoclose(d0, d1)",
        "gg_fit": "kpi.gg_fit(freq, val) FILTER (WHERE i % 50 = 0)",  # a fit: 4,000 customers keep it quick
        "native NPS": "100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*)",
    }
    for label, expr in queries.items():
        plan = server.sql(f"{PARALLEL} EXPLAIN SELECT {expr} FROM r;")
        if not label.startswith("native"):
            check("Partial Aggregate" in plan and "Gather" in plan, f"{label}: parallel plan\n{plan}")
        par = server.sql(f"{PARALLEL} SELECT ({expr})::text FROM r;").strip()
        ser = server.sql(f"SET max_parallel_workers_per_gather = 0; SELECT ({expr})::text FROM r;").strip()
        queries[label] = par
        check(par == ser or cases.same(parse(par)[0], parse(ser)[0], 1e-6), f"{label}: parallel {par} = serial {ser}")
    check(cases.same(parse(queries["nps"])[0], parse(queries["native NPS"])[0]),
          f"kpi.nps = the native formula: {queries['nps']} vs {queries['native NPS']}")
    # GROUP BY with an empty group: NULL, the others computed.
    out = server.sql("SELECT g, kpi.nps(s)::text FROM (VALUES (1, 10), (1, 3), (2, NULL::int)) v(g, s)"
                     " GROUP BY g ORDER BY g;")
    check(out.split() == ["1", "0", "2", "NULL"] or out.splitlines() == ["1\t0", "2\t"], f"GROUP BY, a group of NULLs: {out!r}")


def check_cohort(server):
    """kpi.cohort returns the table KPI.COHORT gives in Calc, as a float8[][]
    (NULL where Calc leaves a cell empty). Worked by hand: customer 1 buys on
    5 Jan and 10 Feb 2026, customer 2 on 20 Jan, customer 3 on 3 Feb and 15
    Mar. The data ends on 15 March: March is not over and stays NULL (issue
    24). January's cohort {1, 2}: 2 customers, period 0 all (1), February one
    of two (0.5). February's cohort {3}: 1, 1, then NULL. Complete to 31 March
    (as_of 46112): January's March none (0), February's March 1. Column 1 is
    the cohort's month as a spreadsheet serial (2026-01-01 = 46023)."""
    rows = "(1, date '2026-01-05'), (1, date '2026-02-10'), (2, date '2026-01-20'), (3, date '2026-02-03'), " \
           "(3, date '2026-03-15')"
    out = server.sql(f"SELECT kpi.cohort(c, d) FROM (VALUES {rows}) t(c, d);").strip()
    check(out == "{{46023,2,1,0.5},{46054,1,1,NULL}}", f"kpi.cohort: the hand-worked table, got {out}")
    out = server.sql(f"SELECT kpi.cohort(c, d, 0, 46112) FROM (VALUES {rows}) t(c, d);").strip()
    check(out == "{{46023,2,1,0.5,0},{46054,1,1,1,NULL}}", f"kpi.cohort with as_of: the hand-worked table, got {out}")
    # The same purchases in periods of 30 days from each customer's first purchase.
    out = server.sql(f"SELECT array_dims(kpi.cohort(c, d, 30)) FROM (VALUES {rows}) t(c, d);").strip()
    check(out.startswith("[1:2][1:"), f"kpi.cohort with period_days: a two-dimensional table, got {out}")


def check_campaign(server):
    """The README's GROUP BY channel gives the campaign template's figures."""
    rows, stored = cases.campaign()
    values = ",".join("(" + ",".join(str(v) for v in r) + ")" for r in rows)
    cols = ", ".join(f"{c} float8" if i > 1 else f"{c} int" for i, c in enumerate(cases.CAMPAIGN_COLUMNS))
    exprs = ", ".join(f"kpi.{k.lower()}(sum({a}), sum({b}))" for k, (a, b) in cases.CAMPAIGN_KPIS.items())
    out = server.sql(f"CREATE TABLE campaign ({cols}); INSERT INTO campaign VALUES {values};"
                     f"SELECT channel, {exprs} FROM campaign GROUP BY channel ORDER BY channel;")
    got = {}
    for line in out.splitlines():
        ch, *vals = line.split("\t")
        for k, v in zip(cases.CAMPAIGN_KPIS, vals):
            got[(k, int(ch))] = float(v)
    check(len(stored) == 24 and all(cases.same(got.get(key, math.nan), v, 1e-12) for key, v in stored.items()),
          f"GROUP BY channel = the campaign template's channel table: {got} vs {stored}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--catalogue", required=True)
    a = ap.parse_args()
    catalogue, all_cases = cases.all_cases(a.catalogue)
    server = Server(a.bindir, a.build)
    try:
        server.start()
        server.sql("CREATE EXTENSION kpi;")
        names = set(server.sql("SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'kpi'::regnamespace"
                               " AND proname NOT LIKE '\\_%';").split())
        want = {cases.sql_name(f) for f in catalogue if cases.offered(f)}
        # Each aggregate's two-phase pair (tests/postgres/test_twophase.py).
        want |= {cases.sql_name(f) + p for f in catalogue if cases.offered(f) and cases.is_aggregate(f)
                 for p in ("_state", "_merge")}
        check(names == want, f"the kpi schema has every offered function: {sorted(names ^ want)}")
        check_cases(server, all_cases)
        check_messages(server)
        check_cohort(server)
        check_campaign(server)
        check_parallel(server)
    except Exception as e:  # noqa: BLE001 (reported as a failure, the server still stopped)
        failed.append(f"{type(e).__name__}: {e}")
    finally:
        server.stop()
    check(not os.path.exists(server.root), "the temporary server is removed")
    for f in failed[:30]:
        print("FAIL", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
