"""kpi-portable against hostile input (issue 27, items 1 and 2), black-box
through the launcher build/kpi-portable, as kpi-audit's test_hostile.py does
it, with the same bounded runs, local HTTP server and file writers
(tests/audit/hostile.py).

Every hostile file is generated here (hostile_books.py) and removed at the
end. Each run is bounded by this test: its whole process tree (kpi-portable
and its soffice) is polled in /proc and killed past 30 s of CPU time,
1.5 GB of resident memory or 75 s of wall time, which fails the case.

Cases:
  1  nested.fods -> .xlsx and .ods   KPI.ABPVALUE nested 5 deep and twice,
                                     KPI.CPL nested once, ABPVALUE flat
       -> within the bounds; the deep and the twice-nested cells keep their
          values (independent: math.erfc) with the comment; the others are
          rewritten and compute their values in Gnumeric (.xlsx) and in a
          LibreOffice without the extension (.ods)
  2  network.ods -> .xlsx            linked image, OLE objects, linked
     network.fods -> .ods            sheet; KPI calls over WEBSERVICE (known
     network.xlsx -> .xlsx           and unknown spelling), FILTERXML, a
                                     file on the server, DDE, INDIRECT, a
                                     named expression; HYPERLINK; a
                                     hyperlink (hostile_books.NETWORK)
       -> the local HTTP server receives nothing; the cells that fetch keep
          their values with the comment, each with its reason; the others
          are rewritten; the copy links nowhere but through its hyperlink.

Before the fixes of issue 27 (the commit that added this test says which),
case 1 was killed past 30 s of CPU (5 levels: 300 s and 2.7 GB were not
enough), and case 2's server received OPTIONS, HEAD and GET for each link
and for the WEBSERVICE spelt as the file does not know it.
"""
import json
import os
import shutil
import sys
import time

import hostile_books as hb
from kpitools.office.session import Office
from hostile import (Beacon, beacon, bounded, fods_to_content, install_once, ods, run_bounded,  # tests/audit
                     setup, xlsx)

def summary_of(chk, name, r):
    try:
        out = json.loads(r.out)
    except ValueError:
        chk.check(False, f"{name}: a JSON summary on standard output: {r.out[:300]!r} {r.err[-500:]!r}")
        return {}, {}
    return {e["cell"]: e for e in out["rewritten"]}, {e["cell"]: e for e in out["frozen"]}


def check_nested(chk, name, r):
    chk.check(r.code == 0, f"{name}: exit 0 ({r.code}: {r.err.strip()[-300:]})")
    rewritten, frozen = summary_of(chk, name, r)
    for cell, (what, _value) in hb.NESTED.items():
        entry = (frozen if what == "frozen" else rewritten).get(cell)
        chk.check(entry is not None, f"{name}: {cell} {what} ({sorted(rewritten)} rewritten, {sorted(frozen)} frozen)")
        if entry and what == "frozen":
            chk.check("8,192" in entry["reason"], f"{name}: {cell} kept for its length: {entry['reason']}")


def check_network(chk, name, r, out):
    chk.check(r.code == 0, f"{name}: exit 0 ({r.code}: {r.err.strip()[-300:]})")
    time.sleep(0.5)  # a request still on its way
    chk.check(Beacon.hits == [], f"{name}: the local HTTP server received nothing: {Beacon.hits}")
    rewritten, frozen = summary_of(chk, name, r)
    for cell, (_formula, what, word) in hb.NETWORK.items():
        where = f"Q1.{cell}"
        if what == "frozen":
            reason = frozen.get(where, {}).get("reason", "")
            chk.check(word in reason, f"{name}: {where} kept as a value because '{word}': {reason!r}")
        elif what == "rewritten":
            chk.check(where in rewritten, f"{name}: {where} rewritten ({sorted(rewritten)})")
    if r.code != 0:
        return
    outside = hb.links_outside(out)
    chk.check(outside and all(what in ("hyperlink", "text:a") for what, _url in outside),
              f"{name}: the copy links outside only through the cell's hyperlink: {outside}")
    wanted = sum(1 for _f, what, _w in hb.NETWORK.values() if what == "frozen")
    chk.check(hb.kept_comments(out) == wanted,
              f"{name}: a comment on each of the {wanted} cells kept as values ({hb.kept_comments(out)})")


def main():
    a, chk, work, inp = setup("portable.hostile", "portable-hostile-",
                              ("--oxt", "--catalogue", "--workdir", "--launcher"))
    try:
        with beacon() as port:
            shared = install_once(a.oxt, work)
            n = [0]

            def portable(name, src, ext):
                """One kpi-portable run with its own private TMPDIR; the copy's path."""
                n[0] += 1
                tmpdir = os.path.join(work, f"tmp{n[0]}")
                os.makedirs(tmpdir)
                out = os.path.join(work, f"out{n[0]}{ext}")
                Beacon.hits.clear()
                r = run_bounded([a.launcher, "--shared", shared, "--format", "json", src, "-o", out],
                                dict(os.environ, TMPDIR=tmpdir))
                bounded(chk, name, r)
                chk.check(os.listdir(tmpdir) == [], f"{name}: nothing left in TMPDIR: {os.listdir(tmpdir)}")
                return r, out

            # -- 1: nested calls, bounded; the deep cells keep their values
            if not a.only or a.only in "nested":
                src = os.path.join(inp, "nested.fods")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(hb.nested_book())
                r, out = portable("nested.fods -> .xlsx", src, ".xlsx")
                check_nested(chk, "nested -> .xlsx", r)
                if r.code == 0:
                    got = hb.gnumeric_row(out, work, 2)
                    for cell, (_what, want) in hb.NESTED.items():
                        col = cell[-2]
                        chk.check(hb.close(got.get(col), want), f"nested -> .xlsx, Gnumeric: {cell} = {got.get(col)}, "
                                                             f"expected {want}")
                    chk.check(hb.kept_comments(out) == 2,
                              "nested -> .xlsx: the two cells kept as values carry the comment")
                r, out = portable("nested.fods -> .ods", src, ".ods")
                check_nested(chk, "nested -> .ods", r)
                if r.code == 0:
                    with Office(workdir=work) as bare:  # LibreOffice without the extension
                        doc = bare.load(out)
                        doc.calculateAll()
                        sheet = doc.Sheets.getByName("AB")
                        for cell, (what, want) in hb.NESTED.items():
                            c = sheet.getCellRangeByName(cell[3:])
                            got = None if c.getError() else c.getValue()
                            chk.check(hb.close(got, want), f"nested -> .ods, LibreOffice without the extension: {cell} "
                                                        f"= {got} (error {c.getError()}), expected {want}")
                            note = c.getAnnotation().getString()
                            chk.check((hb.KEPT in note) == (what == "frozen") and (what != "frozen" or "8,192" in note),
                                      f"nested -> .ods: {cell}'s comment: {note[:120]!r}")
                        doc.close(True)

            # -- 2: no request to the network
            if not a.only or a.only in "network":
                url = f"http://127.0.0.1:{port}"
                text = hb.network_book(url)
                src = ods(os.path.join(inp, "network.ods"), fods_to_content(text))
                r, out = portable("network.ods -> .xlsx", src, ".xlsx")
                check_network(chk, "network.ods -> .xlsx", r, out)
                src = os.path.join(inp, "network.fods")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(text)
                r, out = portable("network.fods -> .ods", src, ".ods")
                check_network(chk, "network.fods -> .ods", r, out)
                src = xlsx(os.path.join(inp, "network.xlsx"), d2=hb.XLSX_D2.replace("URL", url))
                r, out = portable("network.xlsx -> .xlsx", src, ".xlsx")
                time.sleep(0.5)
                _rewritten, frozen = summary_of(chk, "network.xlsx", r)
                chk.check(r.code == 0 and Beacon.hits == [] and "does not know" in frozen.get("Q1.D2", {}).get(
                    "reason", ""), f"network.xlsx: nothing fetched, D2 kept as a value: exit {r.code}, "
                                   f"{Beacon.hits}, {frozen}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
