"""The two-phase aggregates (issue 28, item 1) in a throw-away PostgreSQL 15:
kpi.<name>_state(...) -> bytea over each part of the rows, kpi.<name>_merge
over the states, for every aggregate of the catalogue.

Checks:
- merged over any partition of the rows (by a column, one row per part, one
  part, very uneven parts, with empty and NULL states among them) the result
  equals kpi.<name> over all rows: bit for bit (the same float8 text, which
  PostgreSQL 15 writes as the shortest exact form) or within 1e-12;
- two hand-worked merges (NPS and AUC of states of two shards);
- the bad states: not a state, another function's, truncated, a flipped
  byte, the other byte order, another format version, states of calls with
  different arguments, and states whose checksum is right but whose contents
  are not (forged with an independent CRC-32C written here): each a clear
  error naming kpi.<name>_merge, never a crash (the server answers after).
Prints 'N passed, N failed'."""
import os
import random
import struct
import sys

from harness import Checker
from pgserver import TRY, run_checks

checker = Checker("postgres.twophase")
check = checker.check

CDNOW = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "cdnow",
                     "cdnow_customers_summary_with_transactions.csv")

# 3,000 rows; each column a deterministic spread (no random state shared
# with the server). Dates: deals of 0-89 days; customers 0-399 buying over a year.
TABLE = """CREATE TABLE t AS SELECT i, i % 5 AS g,
  ((i * 7919) % 11)::float8 AS score,
  ((i * 104729) % 1000)::float8 / 1000 AS p, ((i * 31) % 7 < 3)::int::float8 AS y,
  date '2024-01-01' + (i % 300) AS d0, date '2024-01-01' + (i % 300) + ((i * 13) % 90) AS d1,
  ((i * 17) % 3 = 0)::int::float8 AS won,
  (i % 400)::float8 AS c, date '2024-01-01' + ((i * 7) % 365) AS bd
  FROM generate_series(1, 3000) i;
CREATE TABLE cdnow (id int, x float8, t_x float8, t float8, zbar float8);
\\copy cdnow FROM '{csv}' CSV HEADER
ALTER TABLE cdnow ADD g int; UPDATE cdnow SET g = id % 5; ALTER TABLE cdnow RENAME id TO i;
"""

# (aggregate, its arguments, the table); every signature family of the six.
CALLS = [
    ("nps", "score", "t"),
    ("scoreauc", "p, y", "t"),
    ("timetoclose", "d0, d1", "t"),
    ("timetoclose", "d0::timestamp, d1::timestamp, 1", "t"),
    ("timetoclose", "d0, d1, 0, won", "t"),
    ("bgnbd_fit", "x, t_x, t", "cdnow"),
    ("gg_fit", "x, zbar", "cdnow WHERE x > 0"),
    ("cohort", "c, bd", "t"),
    ("cohort", "c::bigint, bd::timestamp, 30", "t"),
    ("cohort", "'customer ' || c, bd", "t"),
]

# The parts: by a column, one row each, one part, very uneven.
PARTS = ["g", "i", "i * 0", "i < 10"]


PARALLEL = ("SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
            "SET max_parallel_workers_per_gather = 2;")


def tries(server, *queries, settings=""):
    body = settings + TRY + "\n".join(f"SELECT pg_temp.try($q${q}$q$);" for q in queries)
    return server.sql(body).splitlines()


def close(a, b):
    """Equal text, or the same shape of numbers within 1e-12 (relative)."""
    if a == b:
        return True
    if a.startswith("ERROR") or b.startswith("ERROR"):
        return False
    xs = a.replace("{", " ").replace("}", " ").replace(",", " ").split()
    ys = b.replace("{", " ").replace("}", " ").replace(",", " ").split()
    if len(xs) != len(ys) or a.count("{") != b.count("{"):
        return False
    for x, y in zip(xs, ys):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if abs(fx - fy) > 1e-12 * max(abs(fx), abs(fy)):
            return False
    return True


def check_partitions(server):
    exact = 0
    for name, args, table in CALLS:
        where = " AND " if " WHERE " in table else " WHERE "
        single = f"SELECT kpi.{name}({args})::text FROM {table}"
        queries = [single]
        for part in PARTS:
            queries.append(f"SELECT kpi.{name}_merge(s)::text FROM (SELECT kpi.{name}_state({args}) s FROM {table}"
                           f" GROUP BY {part} UNION ALL SELECT kpi.{name}_state({args}) FROM {table}{where}false"
                           f" UNION ALL SELECT NULL) x")
        got = tries(server, *queries)
        # The state of all rows and the merge, each in parallel workers
        # (their internal states serialised between processes) too.
        got += tries(server, f"SELECT kpi.{name}_merge(s)::text FROM (SELECT kpi.{name}_state({args}) s FROM {table}) x",
                     settings=PARALLEL)
        want = got[0]
        check(not want.startswith("ERROR") and want != "NULL", f"kpi.{name}({args}) has a value: {want[:100]}")
        for part, g in zip(PARTS + ["none, in parallel workers"], got[1:]):
            # Bit for bit: the merged rows are read in one total order
            # whatever the parts (postgres/agg_state.hpp, sort_rows), so
            # even sums in floating point (a mean time to close) agree.
            check(g == want, f"kpi.{name}_merge of states by {part} = kpi.{name}({args}) bit for bit:"
                             f" {g[:100]} vs {want[:100]} (within 1e-12: {close(g, want)})")
    # No rows at all: the state of no rows merges as the aggregate of none.
    got = tries(server, "SELECT kpi.nps_merge(s)::text FROM (SELECT kpi.nps_state(score) s FROM t WHERE false) x",
                "SELECT kpi.nps(score)::text FROM t WHERE false",
                "SELECT kpi.nps_merge(s)::text FROM (SELECT NULL::bytea s) x")
    check(got[0] == got[1] == got[2], f"no rows: the merge of an empty state and of NULL is kpi.nps of none: {got}")


def check_by_hand(server):
    """NPS: shard A scores 10, 9, 3; shard B 7, 10: promoters 3 (10, 9, 10),
    detractors 1 (3) of 5: 100 * (3 - 1) / 5 = 40. AUC: A (0.9, 1), (0.2, 0);
    B (0.6, 1), (0.7, 0), (0.1, 0): of the 2 x 3 pairs, 0.9 beats all three
    negatives, 0.6 beats 0.2 and 0.1: 5/6."""
    got = tries(server,
                "SELECT kpi.nps_merge(s)::text FROM (SELECT kpi.nps_state(v) s FROM (VALUES (1, 10), (1, 9), (1, 3),"
                " (2, 7), (2, 10)) r(k, v) GROUP BY k) x",
                "SELECT kpi.scoreauc_merge(s) = 5::float8 / 6 FROM (SELECT kpi.scoreauc_state(p, y) s FROM (VALUES"
                " (1, 0.9, 1), (1, 0.2, 0), (2, 0.6, 1), (2, 0.7, 0), (2, 0.1, 0)) r(k, p, y) GROUP BY k) x")
    check(got == ["40", "true"], f"NPS 40 and AUC 5/6 from two shards' states: {got}")


def _crc_table():
    table = []
    for n in range(256):
        for _ in range(8):
            n = (n >> 1) ^ (0x82F63B78 & -(n & 1))
        table.append(n)
    return table


CRC_TABLE = _crc_table()


def crc32c(data):
    """CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), a byte at a time."""
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ CRC_TABLE[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def hexlit(b):
    return "'\\x" + b.hex() + "'::bytea"


def state(server, name, args, table):
    out = server.sql(f"SELECT encode(kpi.{name}_state({args}), 'hex') FROM {table};").strip()
    return bytes.fromhex(out)


def reseal(b):
    """The state with its checksum recomputed (bytes 8-11, over 12 to the end)."""
    return b[:8] + struct.pack("<I", crc32c(b[12:])) + b[12:]


def check_bad_states(server):
    check(crc32c(b"123456789") == 0xE3069283, "the test's CRC-32C gives the standard check value")
    nps = state(server, "nps", "score", "t WHERE i <= 40")
    auc = state(server, "scoreauc", "p, y", "t WHERE i <= 200")
    # The envelope as documented in postgres/agg_state.hpp.
    check(nps[:4] == b"KPIS" and struct.unpack("<HHII", nps[4:16])[0::3] == (1, 3) and nps[16:19] == b"nps"
          and struct.unpack("<I", nps[8:12])[0] == crc32c(nps[12:]),
          f"a state: KPIS, version 1, its CRC-32C, the name 'nps': {nps[:24].hex()}")
    flipped = bytearray(auc)
    flipped[len(auc) - 20] ^= 0x10  # a score's bit
    swapped = nps[:6] + nps[7:5:-1] + nps[8:]
    version2 = nps[:4] + b"\x02\x00" + nps[6:]
    m = "SELECT kpi.{}_merge(s) FROM (VALUES ({})) v(s)"
    cases = [
        (m.format("nps", "'\\x00'::bytea"), "not an aggregate state written by kpi.nps_state"),
        (m.format("nps", "''::bytea"), "not an aggregate state"),
        (m.format("nps", hexlit(auc)), "a state of kpi.scoreauc, not of kpi.nps"),
        (m.format("nps", hexlit(nps[:-1])), "corrupt or truncated"),
        (m.format("nps", hexlit(nps[:10])), "truncated state"),
        (m.format("scoreauc", hexlit(bytes(flipped))), "corrupt or truncated"),
        (m.format("nps", hexlit(swapped)), "other byte order"),
        (m.format("nps", hexlit(version2)), "another format version"),
        # A checksum made for a name that is no SQL name: not quoted back.
        (m.format("nps", hexlit(reseal(nps[:16] + b"n\xffs" + nps[19:]))), "not an aggregate state"),
    ]
    ttc2 = state(server, "timetoclose", "d0, d1", "t WHERE i <= 100")
    ttc4 = state(server, "timetoclose", "d0, d1, 0, won", "t WHERE i > 100")
    cases.append((f"SELECT kpi.timetoclose_merge(s) FROM (VALUES ({hexlit(ttc2)}), ({hexlit(ttc4)})) v(s)",
                  "states of calls with different arguments"))
    # Right checksum, wrong contents: the state's header fields (after
    # 16 + len(name) bytes: magic, fn, width, ndirect, flags, id column,
    # rows, ids, id bytes) made inconsistent one by one.
    body = 16 + 3
    forged = {
        "rows + 1": (nps, body + 24, struct.pack("<Q", 12)),
        "rows 2^61 (a multiplication that wraps)": (auc, 16 + 8 + 24, struct.pack("<Q", 1 << 61)),
        "width 17": (nps, body + 8, struct.pack("<I", 17)),
        "flag 2": (nps, body + 16, b"\x02"),
        "a negative count": (nps, len(nps) - 8, struct.pack("<q", -5)),
        "a zero count": (nps, len(nps) - 8, struct.pack("<q", 0)),
        "another inner magic": (nps, body, b"XXXX"),
        "id column 5": (nps, body + 20, struct.pack("<i", 5)),
    }
    for what, (b, at, new) in forged.items():
        bad = reseal(b[:at] + new + b[at + len(new):])
        fn = "nps" if b is nps else "scoreauc"
        cases.append((m.format(fn, hexlit(bad)) + f" /* {what} */", "a corrupt state (its contents are inconsistent)"))
    got = tries(server, *(q for q, _ in cases))
    for (q, want), g in zip(cases, got):
        check(g.startswith("ERROR 22") and want in g and "_merge:" in g, f"{q[:90]}: wants '{want}', got {g[:160]}")
    # Random damage, then a valid checksum: a value or a clear error, never a
    # crash (the AUC state is flat: any count of rows it can claim is read).
    rng = random.Random(28)
    fuzz = []
    for b, fn in ((auc, "scoreauc"), (ttc4, "timetoclose"), (state(server, "cohort", "'x' || c, bd", "t WHERE i < 50"),
                                                            "cohort")):
        for _ in range(60):
            x = bytearray(b)
            for _ in range(rng.randint(1, 4)):
                x[rng.randrange(16 + len(fn), len(x))] = rng.randrange(256)
            fuzz.append(m.format(fn, hexlit(reseal(bytes(x)))))
    got = tries(server, *fuzz)
    bad = [g for g in got if g.startswith("ERROR") and not g.startswith(("ERROR 22P03", "ERROR 22023", "ERROR 53200"))]
    check(len(got) == len(fuzz) and not bad, f"180 damaged states with valid checksums: values or clear errors: {bad[:3]}")
    check(server.sql("SELECT 1;").strip() == "1", "the server still answers")


def check_log(server, _args):
    log = open(os.path.join(server.data, "log")).read()
    check("terminated by signal" not in log, "no backend crashed (server log)")


def main():
    return run_checks(checker, 54359, "CREATE EXTENSION kpi;" + TABLE.format(csv=CDNOW) + "ANALYZE t; ANALYZE cdnow;",
                      *(lambda server, _a, c=c: c(server) for c in (check_partitions, check_by_hand, check_bad_states)),
                      check_log)


if __name__ == "__main__":
    sys.exit(main())
