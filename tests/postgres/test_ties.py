"""Issue 26 items 3 and 4 in a throw-away PostgreSQL 15: the aggregate
state that counts distinct (score, outcome) pairs (postgres/agg_state.hpp)
and the NPS aggregates over smallint, integer and numeric scores.

Checks:
- AUC over 300,000 rows of tied integer scores (1,001 values) and over
  300,000 distinct scores (the state turns flat past 262,144 distinct rows):
  equal to SciPy's Mann-Whitney U / (n1 * n0), computed here from the same
  formulas the table is made of; serial = parallel workers = states merged
  over three shards, bit for bit;
- a flat state (distinct scores) merged with a counted one (ties), in both
  orders, = the aggregate over both row sets;
- bounded: under kpi.max_state_memory = 1 MB the 300,000 tied rows are
  counted (a few kB) and give the same value, where keeping the rows took
  4.8 MB (SQLSTATE 54000 before); the 300,000 distinct rows still stop
  with 54000;
- NPS on a float8, smallint, integer and numeric column, worked by hand;
  the plan passes an integer column as it is (no per-row cast to float8);
  a numeric score that is not whole is 22023.
Prints 'N passed, N failed'."""
import sys

from scipy.stats import mannwhitneyu

from harness import Checker
from pgserver import TRY, run_checks

checker = Checker("postgres.ties")
check = checker.check

ROWS = 300_000
# s: tied integer scores 0..1000; p: distinct scores (104729 is prime to 1000003);
# y: converted, related to s so that the AUC is not 1/2.
TABLE = f"""CREATE TABLE leads AS SELECT i, ((i * 7919) % 1001)::int AS s,
  ((i * 104729) % 1000003)::float8 / 1000003 AS p,
  (((i * 7919) % 1001) + (i * 31) % 1400 > 1200)::int::float8 AS y
  FROM generate_series(1::bigint, {ROWS}) i;
ANALYZE leads;"""

PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
            "SET max_parallel_workers_per_gather = 2;")


def rows():
    for i in range(1, ROWS + 1):
        s = (i * 7919) % 1001
        yield s, (i * 104729) % 1000003 / 1000003, 1.0 if s + (i * 31) % 1400 > 1200 else 0.0


def auc(scores, outcomes):
    pos = [x for x, y in zip(scores, outcomes) if y == 1.0]
    neg = [x for x, y in zip(scores, outcomes) if y == 0.0]
    return mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg))


def tries(server, *queries, settings=""):
    return server.sql(settings + TRY + "\n".join(f"SELECT pg_temp.try($q${q}$q$);" for q in queries)).splitlines()


def check_auc(server):
    data = list(rows())
    y = [r[2] for r in data]
    want = {"s": auc([r[0] for r in data], y), "p": auc([r[1] for r in data], y)}
    for col, what in (("s", "1,001 tied scores"), ("p", "300,000 distinct scores")):
        single = f"SELECT kpi.scoreauc({col}, y)::text FROM leads"
        sharded = (f"SELECT kpi.scoreauc_merge(st)::text FROM (SELECT kpi.scoreauc_state({col}, y) st FROM leads"
                   " GROUP BY i % 3) x")
        serial = tries(server, single, sharded)
        parallel = tries(server, single, sharded, settings=PARALLEL)
        plan = server.sql(PARALLEL + f"EXPLAIN {single};")
        value = float(serial[0]) if not serial[0].startswith("ERROR") else None
        check(value is not None and abs(value - want[col]) <= 1e-12,
              f"AUC of {what} = SciPy's Mann-Whitney U / (n1 n0) {want[col]!r}: {serial[0]}")
        check("Partial Aggregate" in plan and parallel[0] == serial[0],
              f"{what}: in parallel workers {parallel[0]} = serial {serial[0]}")
        check(serial[1] == parallel[1] == serial[0], f"{what}: merged over 3 shards {serial[1]}, {parallel[1]}")
    # A flat state and a counted one merged, either way round: the AUC of the
    # rows of both (distinct scores for i <= 150,000, tied ones after, both
    # scaled into [0, 1) so that they interleave).
    both = [(r[1], r[2]) for r in data[:150_000]] + [(r[0] / 1001, r[2]) for r in data[150_000:]]
    want_both = auc([b[0] for b in both], [b[1] for b in both])
    flat = "SELECT kpi.scoreauc_state(p, y) FROM leads WHERE i <= 150000"
    counted = "SELECT kpi.scoreauc_state(s::float8 / 1001, y) FROM leads WHERE i > 150000"
    got = tries(server, f"SELECT kpi.scoreauc_merge(st)::text FROM (({flat}) UNION ALL ({counted})) x(st)",
                f"SELECT kpi.scoreauc_merge(st)::text FROM (({counted}) UNION ALL ({flat})) x(st)",
                "SELECT kpi.scoreauc(CASE WHEN i <= 150000 THEN p ELSE s::float8 / 1001 END, y)::text FROM leads")
    check(got[0] == got[1] == got[2] and abs(float(got[0]) - want_both) <= 1e-12,
          f"flat + counted states, both orders = all rows = SciPy {want_both!r}: {got}")


def check_bound(server):
    limited = "SET kpi.max_state_memory = '1MB';"
    calls = ["SELECT kpi.scoreauc(s, y)::text FROM leads", "SELECT kpi.scoreauc(p, y)::text FROM leads",
             "SELECT length(kpi.scoreauc_state(s, y))::text FROM leads"]
    free = tries(server, *calls)
    got = tries(server, *calls, settings=limited)
    par = tries(server, *calls[:2], settings=limited + PARALLEL)
    check(got[0] == free[0] == par[0] and not got[0].startswith("ERROR"),
          f"300,000 tied rows under a 1 MB limit: {got[0]}, in parallel {par[0]} (no limit: {free[0]})")
    # 2,002 (score, outcome) pairs: the envelope (16 bytes and the name,
    # 8), the header (48), two values and a count each (24).
    check(got[2] == str(16 + 8 + 48 + 2002 * 24), f"their state is 2,002 pairs and counts: {got[2]} bytes")
    # 1,000 distinct rows are written as the rows (16 bytes each), smaller
    # than 1,000 pairs with their counts (24 bytes each).
    few = tries(server, "SELECT length(kpi.scoreauc_state(p, y))::text FROM leads WHERE i <= 1000")
    check(few[0] == str(16 + 8 + 48 + 1000 * 16), f"1,000 distinct rows' state: {few[0]} bytes")
    check(got[1].startswith("ERROR 54000 kpi.scoreauc") and par[1].startswith("ERROR 54000 kpi.scoreauc"),
          f"300,000 distinct rows still past 1 MB: {got[1][:90]} / {par[1][:90]}")


def check_nps_types(server):
    """10, 9, 8, 7, 6, 0, 10 and a NULL: promoters 3, passives 2,
    detractors 2 of 7: 100 * (3 - 2) / 7."""
    server.sql("CREATE TABLE answers (f float8, h smallint, n integer, d numeric);"
               "INSERT INTO answers SELECT v, v, v, v FROM unnest(ARRAY[10, 9, 8, 7, 6, 0, 10, NULL]) v;")
    want = repr(100 / 7)
    for col, typ in (("f", "double precision"), ("h", "smallint"), ("n", "integer"), ("d", "numeric")):
        got = tries(server, f"SELECT kpi.nps({col})::text FROM answers",
                    f"SELECT kpi.nps_merge(st)::text FROM (SELECT kpi.nps_state({col}) st FROM answers"
                    f" GROUP BY {col} >= 8) x",
                    f"SELECT pg_typeof({col})::text FROM answers LIMIT 1")
        check(got == [want, want, typ], f"kpi.nps on {typ}: 100/7, merged too: {got}")
        plan = server.sql(f"EXPLAIN VERBOSE SELECT kpi.nps({col}) FROM answers;")
        check("double precision" not in plan, f"the {typ} column reaches kpi.nps without a cast: "
              + " ".join(line.strip() for line in plan.splitlines() if "Output" in line))
    got = tries(server, "SELECT kpi.nps(v) FROM (VALUES (9.5::numeric)) t(v)",
                "SELECT kpi.nps(v) FROM (VALUES (32767::smallint)) t(v)")
    check(all(g.startswith("ERROR 22023 kpi.nps") for g in got), f"9.5 and 32767 are no NPS answers: {got}")


def main():
    return run_checks(checker, 54367, "CREATE EXTENSION kpi; ALTER SYSTEM SET max_parallel_workers = 2;"
                      "SELECT pg_reload_conf();" + TABLE,
                      *(lambda server, _a, c=c: c(server) for c in (check_auc, check_bound, check_nps_types)))


if __name__ == "__main__":
    sys.exit(main())
