"""The kpi extension under hostile input (issue 27's PostgreSQL items), in a
throw-away PostgreSQL 15 (tests/postgres/pgserver.py) of its own.

Every expected value here is worked out by hand or from the definition in
Python (the `fractions`/`math` arithmetic noted beside it), never taken from
the extension's output. Prints 'N passed, N failed'."""
import argparse
import sys

from pgserver import TRY, Server

passed, failed = 0, []


def check(ok, label):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(label)


def tries(server, *queries):
    """pg_temp.try of each query: its text, 'NULL' or 'ERROR <SQLSTATE> <message>'."""
    body = TRY + "\n".join(f"SELECT pg_temp.try($q${q}$q$);" for q in queries)
    return server.sql(body).splitlines()


def check_infinite_dates(server):
    """An infinite date or timestamp has no serial number: #NUM! (22023), as
    kpi.cohort already said, never a duration of millions of days."""
    calls = ["SELECT kpi.timetoclose(d0, d1) FROM (VALUES (date '2024-01-01', 'infinity'::date)) t(d0, d1)",
             "SELECT kpi.timetoclose(d0, d1) FROM (VALUES ('-infinity'::date, date '2024-01-01')) t(d0, d1)",
             "SELECT kpi.timetoclose(d0, d1) FROM (VALUES (timestamp '2024-01-01', 'infinity'::timestamp)) t(d0, d1)",
             "SELECT kpi.timetoclose(d0, d1, 1) FROM (VALUES (date '2024-01-01', date '2024-01-03'),"
             " (date '2024-01-01', 'infinity'::date)) t(d0, d1)",
             "SELECT kpi.cohort(c, d) FROM (VALUES (1, 'infinity'::date)) t(c, d)"]
    for q, got in zip(calls, tries(server, *calls)):
        check(got.startswith("ERROR 22023") and "[#NUM!]" in got, f"infinite date: {q} gave {got}")
    # A finite row still counts: 2 days (by hand).
    got = tries(server, "SELECT kpi.timetoclose(date '2024-01-01', date '2024-01-03')")
    check(got == ["2"], f"a finite duration is unchanged: {got}")


def close(text, want, rel=1e-12):
    try:
        got = float(text)
    except ValueError:
        return False
    return abs(got - want) <= rel * abs(want) + 1e-300


def check_abpvalue_limits(server):
    """KPI.ABPVALUE at the edges of the doubles. Wanted values from the
    definition in 60-digit arithmetic (mpmath: p = (ca + cb) / (na + nb),
    z = |ca/na - cb/nb| / sqrt(p (1 - p) (1/na + 1/nb)), erfc(z / sqrt 2)):
    1e308 per group overflowed the pooled count (#NUM!, named 'conversions
    greater than visitors'), 1e300 underflowed the variance (#DIV/0!, NULL)."""
    want = {"kpi.abpvalue(1e308, 1e308, 0, 1e308)": 0.0,  # z = 1 / sqrt(0.25 * 2e-308) ~ 1.4e154
            "kpi.abpvalue(5e307, 1e308, 5e307, 1e308)": 1.0,  # equal rates: z = 0
            "kpi.abpvalue(1, 1e300, 1, 1e300)": 1.0,
            "kpi.abpvalue(2, 1e300, 1, 1e300)": 0.563702861650773,  # z = 1/sqrt(3) (by hand too)
            "kpi.abpvalue(30, 1000, 20, 1000)": 0.1520780807929752}  # an ordinary test, unchanged
    got = tries(server, *(f"SELECT {q}::text" for q in want))
    for (q, w), g in zip(want.items(), got):
        check(close(g, w, 1e-9), f"{q} = {w}, got {g}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bindir", required=True)
    ap.add_argument("--build", required=True)
    a = ap.parse_args()
    server = Server(a.bindir, a.build, port=54339)
    try:
        server.start()
        server.sql("CREATE EXTENSION kpi;")
        check_infinite_dates(server)
        check_abpvalue_limits(server)
    except Exception as e:  # noqa: BLE001 (reported as a failure, the server still stopped)
        failed.append(f"{type(e).__name__}: {e}")
    finally:
        server.stop()
    for f in failed[:30]:
        print("FAIL", f)
    print(f"{passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
