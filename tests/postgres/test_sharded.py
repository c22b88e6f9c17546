"""The kpi extension on sharded PostgreSQL 15 (issue 28, item 2): a
coordinator and two shard servers, each a throw-away server of its own
(tests/postgres/pgserver.py: private copy of the server tree, Unix socket in
a private folder, no TCP), always torn down. The coordinator holds a table
partitioned by channel whose partitions are postgres_fdw foreign tables on
the shards (servers created with `extensions 'kpi'`), and a local copy of
all the rows: the single-server reference.

Checks, with EXPLAIN (VERBOSE):
(a) grouped by the partition key, every aggregate runs on the shards: each
    shard's Remote SQL holds kpi.<name>(...) and its GROUP BY;
(b) the two-phase form runs kpi.<name>_state on the shards (Remote SQL) for
    a grouping by month and with no GROUP BY, kpi.<name>_merge on the
    coordinator;
(c) every result equals the single server's, bit for bit (the same text);
(d) control: through servers created without `extensions 'kpi'` nothing of
    kpi is shipped (the rows are pulled, the aggregate runs on the coordinator).
Prints the Remote SQL lines and 'N passed, N failed'."""
import argparse
import os
import sys
import time

from harness import Checker
from pgserver import Server

checker = Checker("postgres.sharded")
check = checker.check

CDNOW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "cdnow",
                     "cdnow_customers_summary_with_transactions.csv")
SHARDS = {"shard1": ["ch0", "ch1"], "shard2": ["ch2", "ch3"]}

# The same rows on every server, each shard keeping its channels (WHERE).
CAMPAIGN = """CREATE TABLE {name} AS SELECT * FROM (SELECT 'ch' || (i % 4) AS channel,
  date '2024-01-01' + (i % 365) AS day, date_trunc('month', date '2024-01-01' + (i % 365))::date AS month,
  ((i * 7919) % 11)::float8 AS score,
  ((i * 104729) % 1000)::float8 / 1000 AS p, ((i * 31) % 7 < 3)::int::float8 AS y,
  date '2024-01-01' + (i % 300) AS d0, date '2024-01-01' + (i % 300) + ((i * 13) % 90) AS d1,
  (i % 400)::float8 AS customer, date '2024-01-01' + ((i * 7) % 365) AS buy,
  (i % 97)::float8 AS cost, (i % 13)::float8 AS leads
  FROM generate_series(1, 20000) i) s {where};
CREATE TABLE {name}_cust_load (id int, x float8, t_x float8, t float8, zbar float8);
\\copy {name}_cust_load FROM '{csv}' CSV HEADER
CREATE TABLE {name}_customers AS SELECT * FROM (SELECT 'ch' || (id % 4) AS channel, x, t_x, t, zbar
  FROM {name}_cust_load) s {where};
DROP TABLE {name}_cust_load;
"""

SETTINGS = "SET enable_partitionwise_aggregate = on;"

# (aggregate, arguments, table, grouped by month too)
AGGREGATES = [
    ("nps", "score", "campaign", True),
    ("scoreauc", "p, y", "campaign", True),
    ("timetoclose", "d0, d1", "campaign", True),
    ("cohort", "customer, buy", "campaign", True),
    ("bgnbd_fit", "x, t_x, t", "customers", False),
    ("gg_fit", "x, zbar", "customers", False),
]


def remote_sql(plan):
    return [line.split("Remote SQL:", 1)[1].strip() for line in plan.splitlines() if "Remote SQL:" in line]


def explain(coord, q):
    return coord.sql(f"{SETTINGS} EXPLAIN (VERBOSE, COSTS OFF) {q};")


def result(coord, q):
    return coord.sql(f"{SETTINGS} {q};").strip()


def setup(coord, shards):
    for name, server in shards.items():
        chans = ", ".join(f"'{c}'" for c in SHARDS[name])
        server.sql("CREATE EXTENSION kpi;" + CAMPAIGN.format(name="campaign", where=f"WHERE channel IN ({chans})",
                                                             csv=CDNOW).replace("campaign_customers", "customers")
                   + "ANALYZE;")
    coord.sql("CREATE EXTENSION kpi; CREATE EXTENSION postgres_fdw;"
              + CAMPAIGN.format(name="local", where="", csv=CDNOW) + "ANALYZE;")
    sql = []
    for name, server in shards.items():
        for suffix, ext in (("", "extensions 'kpi', "), ("_plain", "")):
            sql.append(f"CREATE SERVER {name}{suffix} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '{server.sock}',"
                       f" port '{server.port}', dbname 'postgres', {ext}fetch_size '10000');"
                       f" CREATE USER MAPPING FOR postgres SERVER {name}{suffix} OPTIONS (user 'postgres');")
    cols = {"campaign": "channel text, day date, month date, score float8, p float8, y float8, d0 date, d1 date, customer float8,"
                        " buy date, cost float8, leads float8",
            "customers": "channel text, x float8, t_x float8, t float8, zbar float8"}
    for table, columns in cols.items():
        for suffix in ("", "_plain"):
            sql.append(f"CREATE TABLE {table}{suffix} ({columns}) PARTITION BY LIST (channel);")
            for name in SHARDS:
                chans = ", ".join(f"'{c}'" for c in SHARDS[name])
                sql.append(f"CREATE FOREIGN TABLE {table}{suffix}_{name} PARTITION OF {table}{suffix}"
                           f" FOR VALUES IN ({chans}) SERVER {name}{suffix}"
                           f" OPTIONS (schema_name 'public', table_name '{table}');")
    sql.append("ANALYZE campaign; ANALYZE customers; ANALYZE campaign_plain; ANALYZE customers_plain;")
    coord.sql("\n".join(sql))


def local_table(table):
    return "local" if table == "campaign" else "local_customers"


def check_partition_key(coord):
    """(a) and (c) for a grouping by channel."""
    for name, args, table, _ in AGGREGATES:
        where = " WHERE x > 0" if name == "gg_fit" else ""
        q = f"SELECT channel, kpi.{name}({args}) FROM {table}{where} GROUP BY channel ORDER BY channel"
        remote = remote_sql(explain(coord, q))
        check(len(remote) == 2 and all(f"kpi.{name}(" in r and "GROUP BY" in r for r in remote),
              f"(a) kpi.{name} by channel runs on both shards: {remote}")
        print(f"(a) {name}: Remote SQL: {remote[0] if remote else None}", flush=True)
        got = result(coord, q)
        want = result(coord, f"SELECT channel, kpi.{name}({args}) FROM {local_table(table)}{where}"
                             " GROUP BY channel ORDER BY channel")
        check(got == want and got.count("\n") == 3, f"(c) kpi.{name} by channel equals one server's: {got[:200]} vs {want[:200]}")


def check_two_phase(coord):
    """(b) and (c): the state on the shards, the merge here, by month and overall."""
    for name, args, table, by_month in AGGREGATES:
        where = " WHERE x > 0" if name == "gg_fit" else ""
        forms = [("no GROUP BY",
                  f"SELECT kpi.{name}_merge(s) FROM (SELECT channel, kpi.{name}_state({args}) s FROM {table}{where}"
                  " GROUP BY channel) x",
                  f"SELECT kpi.{name}({args}) FROM {local_table(table)}{where}")]
        if by_month:
            # A stored month: PostgreSQL 15's postgres_fdw ships no
            # date_trunc('month', ...) (see check_month_expression).
            forms.append(("by month",
                          f"SELECT month, kpi.{name}_merge(s) FROM (SELECT channel, month, kpi.{name}_state({args}) s"
                          f" FROM {table} GROUP BY channel, month) x GROUP BY month ORDER BY month",
                          f"SELECT month, kpi.{name}({args}) FROM {local_table(table)} GROUP BY month ORDER BY month"))
        for label, q, single in forms:
            plan = explain(coord, q)
            remote = remote_sql(plan)
            check(len(remote) == 2 and all(f"kpi.{name}_state(" in r and "GROUP BY" in r for r in remote)
                  and f"kpi.{name}_merge(" in plan.split("Remote SQL")[0],
                  f"(b) kpi.{name}_state {label} runs on both shards, the merge here: {plan}")
            print(f"(b) {name} {label}: Remote SQL: {remote[0] if remote else None}", flush=True)
            got, want = result(coord, q), result(coord, single)
            check(got == want and got, f"(c) two-phase kpi.{name} {label} equals one server's: {got[:200]} vs {want[:200]}")


def check_month_expression(coord):
    """What the guide says: date_trunc('month', ...) in the inner GROUP BY
    is not shipped, even of a timestamp (immutable): the rows are pulled.
    (Its 'month' is a text constant, whose collation postgres_fdw does not
    ship unless it comes from a foreign column.) A stored month column is."""
    q = ("SELECT m, kpi.nps_merge(s) FROM (SELECT channel, date_trunc('month', day::timestamp) m, kpi.nps_state(score) s"
         " FROM campaign GROUP BY channel, m) x GROUP BY m")
    remote = remote_sql(explain(coord, q))
    check(len(remote) == 2 and not any("kpi." in r for r in remote),
          f"date_trunc('month', day::timestamp) in the GROUP BY pulls the rows (as documented): {remote}")
    print(f"date_trunc control: Remote SQL: {remote[0] if remote else None}", flush=True)


def check_control(coord):
    """(d): without extensions 'kpi' the shards get plain SELECTs. And with
    it, what PostgreSQL 15 does not push (no partial aggregate goes to a
    foreign server): the one-phase aggregate without the partition key."""
    pg15 = "PostgreSQL 15 pushes no partial aggregate: the rows are pulled"
    plain = "(d) without extensions 'kpi' nothing of kpi is shipped"
    for what, q in ((pg15, "SELECT kpi.nps(score) FROM campaign"),
                    (pg15, "SELECT month, kpi.nps(score) FROM campaign GROUP BY month"),
                    (plain, "SELECT channel, kpi.nps(score) FROM campaign_plain GROUP BY channel"),
                    (plain, "SELECT count(*) FROM campaign_plain WHERE kpi.cpl(cost, leads) > 5"),
                    (plain, "SELECT kpi.nps_merge(s) FROM (SELECT channel, kpi.nps_state(score) s FROM campaign_plain"
                            " GROUP BY channel) x")):
        remote = remote_sql(explain(coord, q))
        check(len(remote) == 2 and not any("kpi." in r for r in remote), f"{what}: {q}: {remote}")
        print(f"{what}: {q}\n  Remote SQL: {remote[0] if remote else None}", flush=True)
    got = result(coord, "SELECT channel, kpi.nps(score) FROM campaign_plain GROUP BY channel ORDER BY channel")
    want = result(coord, "SELECT channel, kpi.nps(score) FROM local GROUP BY channel ORDER BY channel")
    check(got == want, f"(d) and its result is still one server's: {got} vs {want}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    start = time.monotonic()
    servers = []
    try:
        coord = Server(a.bindir, a.build, port=54361)
        servers.append(coord)
        shards = {}
        for k, name in enumerate(SHARDS):
            shards[name] = Server(a.bindir, a.build, port=54362 + k)
            servers.append(shards[name])
        for s in servers:
            s.start()
        setup(coord, shards)
        check_partition_key(coord)
        check_two_phase(coord)
        check_month_expression(coord)
        check_control(coord)
    except Exception as e:  # noqa: BLE001 (reported as a failure, the servers still stopped)
        check(False, f"{type(e).__name__}: {e}")
    finally:
        for s in servers:
            s.stop()
    print(f"{time.monotonic() - start:.1f} s", flush=True)
    return checker.finish()


if __name__ == "__main__":
    sys.exit(main())
