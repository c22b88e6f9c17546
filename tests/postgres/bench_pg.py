"""Benchmark of the kpi extension (not a test): 10,000,000 rows in a
throw-away PostgreSQL 15 (test_extension.Server), the KPI aggregates against
the native SQL formulas with the same parallel workers; writes its marked
section of docs/benchmark.md. Run by scripts/bench_pg.sh."""
import os
import re
import sys
import time

import test_extension as t
from kpitools.bench import report

ROWS, CUSTOMERS = 10_000_000, 1_000_000
CDNOW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "cdnow",
                     "cdnow_customers_summary_with_transactions.csv")
SETTINGS = "SET max_parallel_workers_per_gather = 2; SET work_mem = '256MB';"


def timed(server, sql, repeat=3):
    best, out = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = server.sql(f"{SETTINGS} {sql}").strip()
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best, out


def main():
    bindir, build, doc = sys.argv[1], sys.argv[2], sys.argv[3]
    load_before = os.getloadavg()[0]
    server = t.Server(bindir, build)
    rows = []
    try:
        server.start()
        server.sql("CREATE EXTENSION kpi; ALTER SYSTEM SET max_parallel_workers = 2; SELECT pg_reload_conf();")
        server.sql(f"""CREATE TABLE big AS SELECT i % 20 AS channel, (i % 997)::float8 AS cost, (i % 13)::float8 AS leads,
            ((i * 7919) % 11)::int AS score, ((i * 104729) % 100000)::float8 / 100000 AS p, (i % 3 = 0)::int::float8 AS y
            FROM generate_series(1::bigint, {ROWS}) i;
          VACUUM ANALYZE big;""")
        # 1M customers: the CDNOW cohort (2,357 customers, data/cdnow) repeated, whose BG/NBD
        # fit is the paper's (r 0.243, alpha 4.414, a 0.793, b 2.426) at any number of copies.
        server.sql(f"""CREATE TABLE cdnow (id int, x float8, t_x float8, t float8, zbar float8);
          \\copy cdnow FROM '{CDNOW}' CSV HEADER
          CREATE TABLE cust AS SELECT x AS frequency, t_x AS recency, t AS age
            FROM cdnow, generate_series(1, {CUSTOMERS} / 2357 + 1) k LIMIT {CUSTOMERS};
          VACUUM ANALYZE cust;""")
        plan = server.sql(f"{SETTINGS} EXPLAIN SELECT kpi.nps(score) FROM big;")
        workers = re.search(r"Workers Planned: (\d+)", plan)
        pairs = [
            ("count(*) (baseline: a full parallel scan)", "SELECT count(*) FROM big"),
            ("kpi.cpl(sum(cost), sum(leads))", "SELECT kpi.cpl(sum(cost), sum(leads)) FROM big"),
            ("sum(cost) / sum(leads)", "SELECT sum(cost) / sum(leads) FROM big"),
            ("kpi.nps(score)", "SELECT kpi.nps(score) FROM big"),
            ("native NPS (count(*) FILTER)", "SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - "
             "count(*) FILTER (WHERE score <= 6)) / count(*) FROM big"),
            ("kpi.nps(score) GROUP BY channel", "SELECT channel, kpi.nps(score) FROM big GROUP BY channel"),
            ("kpi.scoreauc(p, y)", "SELECT kpi.scoreauc(p, y) FROM big"),
            (f"kpi.bgnbd_fit on {CUSTOMERS:,} customers", "SELECT kpi.bgnbd_fit(frequency, recency, age) FROM cust"),
        ]
        # The quick queries interleaved, best of 3 rounds each, so that a
        # burst of load on a shared machine hits both sides of a comparison.
        best = {}
        for _ in range(3):
            for label, sql in pairs:
                if "fit" in label or "auc" in label:
                    continue
                took, out = timed(server, sql, 1)
                if label not in best or took < best[label][0]:
                    best[label] = (took, out)
        for label, sql in pairs:
            took, out = best[label] if label in best else timed(server, sql, 1)
            rows.append((label, took, out.splitlines()[0].replace("\t", " ") if out else ""))
            print(f"{label}: {took:.2f} s", flush=True)
    finally:
        server.stop()
    times = dict((label, took) for label, took, _ in rows)
    ratio = times["kpi.nps(score)"] / times["native NPS (count(*) FILTER)"]
    lines = ["### PostgreSQL: the kpi extension on 10,000,000 rows", "",
             f"PostgreSQL 15 (Debian), {os.cpu_count()} cores, {workers.group(1) if workers else '?'} parallel workers "
             f"planned; best of 3 interleaved runs (1 for the AUC and the fit), client time through psql; {time.strftime('%Y-%m-%d')}; "
             f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after (a machine shared with "
             "other builds: times on an idle machine are lower).", "",
             "| query | seconds | first result row |", "| --- | --- | --- |"]
    lines += [f"| `{label}` | {took:.2f} | `{out[:60]}` |" for label, took, out in rows]
    auc = times["kpi.scoreauc(p, y)"]
    lines += ["", f"NPS: kpi.nps / native formula = {ratio:.2f} (target 1.5 or less). AUC on 10M rows: {auc:.2f} s "
              f"({'within' if auc < 10 else 'above'} the 10 s target; the count(*) baseline shows how loaded the "
              "machine was). Each worker sorts its (score, outcome) rows, the leader merges the sorted runs and the "
              "core reads them in score order in one pass, without sorting again; most of the time is the rows "
              "passed from the workers to the leader and merged in one process. "
              "The fit uses the CDNOW cohort repeated (data/cdnow): its parameters are the paper's "
              "(r 0.243, alpha 4.414, a 0.793, b 2.426)."]
    report.replace_section(doc, "bench_pg", "scripts/bench_pg.sh", "\n".join(lines))


if __name__ == "__main__":
    main()
