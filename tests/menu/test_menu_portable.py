"""KPI ▸ Save a portable copy…, dispatched as org.kpifunctions:portable with a
URL argument (what the file dialog returns; a macro may pass it) in headless
Calc with the built .oxt, on the example campaign sheet:

- the .xlsx and .ods copies hold no KPI call, and every formula cell that
  called a KPI function shows, reopened, the value the extension computes in
  the original (native formulas against the C++ core: two engines);
- the open document keeps its KPI formulas and is not marked modified;
- Cancel and the time limit stop the command cleanly (stopping(), below).

Then hostile documents (issue 27, tests/portable/hostile_books.py), opened
as the user's session opens them (whatever that load fetches is not the
command's doing):
- the linked image, OLE objects and sheet, and the KPI calls that fetch, on
  a local HTTP server that serves the image: the server receives nothing
  while the command works, in .xlsx and .ods; the cells that fetch keep
  their values with the comment, the copy links outside only through the
  cell's hyperlink;
- KPI.ABPVALUE nested 5 deep: the command takes less than 30 s of soffice's
  CPU time and 1.5 GB (soffice is killed past 90 s or 1.5 GB); the deep
  cells keep their values with the comment, the shallow ones compute their
  values in Gnumeric.
Before the fixes (see the commit that added these cases): the image fetched
as the copy loaded and as it was written, webservice(...) of an .xlsx
fetched once rewritten; the nested cell held Calc's thread for minutes.
"""
import argparse
import os
import shutil
import sys
import time
import zipfile

import hostile_books as hb  # tests/portable
from harness import Checker
from kpitools.office.guard import Watchdog
from kpitools.office.session import Office, props
from hostile import LIMIT_BYTES, LIMIT_SECONDS, Beacon, beacon, cpu, xlsx  # tests/audit

# soffice must run the package inside the .oxt, not the source tree's.
os.environ.pop("PYTHONPATH", None)


def kpi_cells(doc):
    """{(sheet, row, col): (formula, value or error)} of the cells calling KPI."""
    out = {}
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        forms = sh.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow).getFormulaArray()
        for r, row in enumerate(forms):
            for c, f in enumerate(row):
                if "KPI." in f.upper():
                    cell = sh.getCellByPosition(c, r)
                    out[(sh.Name, r, c)] = (f, ("error", cell.getError()) if cell.getError() else cell.getValue())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--source-dir", required=True)
    opts = ap.parse_args()
    ck = Checker("menu.portable")
    with Office(oxt=opts.oxt, workdir=opts.workdir) as office:
        src = office.scratch("campaign.fods")
        shutil.copyfile(os.path.join(opts.source_dir, "examples", "campaign.fods"), src)
        doc = office.load(src)
        doc.calculateAll()
        before = kpi_cells(doc)
        ck.check(len(before) >= 10, f"the example has KPI cells ({len(before)})")
        helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", office.ctx)
        frame = doc.getCurrentController().getFrame()
        for ext in (".xlsx", ".ods"):
            out = os.path.abspath(office.scratch("portable" + ext))
            res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out))
            ck.check(res is not None and res.State == 1 and os.path.isfile(out),
                     f"{ext}: dispatch wrote the copy ({res.Result if res else None})")
            if not os.path.isfile(out):
                continue
            with zipfile.ZipFile(out) as z:
                xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
            ck.check(b"KPI." not in xml.upper(), f"{ext}: no KPI call left in the file")
            copy = office.load(out)
            try:
                copy.calculateAll()
                for (sheet, r, c), (formula, want) in before.items():
                    cell = copy.Sheets.getByName(sheet).getCellByPosition(c, r)
                    got = ("error", cell.getError()) if cell.getError() else cell.getValue()
                    same = got == want if isinstance(want, tuple) else (
                        not isinstance(got, tuple) and abs(got - want) <= 1e-9 * max(1.0, abs(want)))
                    ck.check(same, f"{ext}: {sheet}.{c},{r} {formula}: native {got} == extension {want}")
            finally:
                copy.close(True)
        ck.check(kpi_cells(doc) == before and not doc.isModified(),
                 "the open document keeps its KPI formulas and is not modified")
        stopping(ck, office, helper, frame, doc, before)
        doc.close(True)
        with beacon() as port:
            network(ck, office, helper, f"http://127.0.0.1:{port}")
        nested(ck, office, helper, opts.workdir)
    return ck.finish()


def stopping(ck, office, helper, frame, doc, before):
    """Issue 27, item 4: the conversion runs behind a progress window with
    Cancel and a time limit (kpimenu/progress.py). A click (CancelAfter, the
    simulated click a macro may pass) and the limit (MaxSeconds) stop it:
    the dispatch fails and says which, no file is written, the open document
    is untouched, and the next command runs normally (nothing left busy).
    Before: the command had no limit and no way to stop it."""
    for name, args, word in (("cancel", {"CancelAfter": 0}, "cancelled"),
                             ("time limit", {"MaxSeconds": 0.001}, "stopped after")):
        out = os.path.abspath(office.scratch(f"stopped-{name.replace(' ', '-')}.ods"))
        res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out, **args))
        text = str(res.Result) if res is not None else ""
        ck.check(res is not None and res.State != 1 and word in text,
                 f"{name}: the command stops and says so ({text!r})")
        ck.check(not os.path.exists(out), f"{name}: no copy written")
    ck.check(kpi_cells(doc) == before and not doc.isModified(), "stopped: the open document is untouched")
    out = os.path.abspath(office.scratch("after-stop.ods"))
    res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out))
    ck.check(res is not None and res.State == 1 and os.path.isfile(out),
             f"after a stop the next copy is written ({res.Result if res else None})")


def open_as_user(office, path):
    """The document as the user's session opens it; what that load fetches is forgotten."""
    doc = office.load(path)
    time.sleep(1)
    Beacon.hits.clear()
    return doc, doc.getCurrentController().getFrame()


def network(ck, office, helper, url):
    src = office.scratch("network.fods")
    with open(src, "w", encoding="utf-8") as f:
        f.write(hb.network_book(url))
    frozen = sum(1 for _f, what, _w in hb.NETWORK.values() if what == "frozen")
    rewritten = sum(1 for _f, what, _w in hb.NETWORK.values() if what == "rewritten")
    doc, frame = open_as_user(office, src)
    for ext in (".xlsx", ".ods"):
        out = os.path.abspath(office.scratch("network-portable" + ext))
        res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out))
        time.sleep(0.5)  # a request still on its way
        text = str(res.Result) if res else ""
        ck.check(Beacon.hits == [], f"network {ext}: the local HTTP server received nothing: {Beacon.hits}")
        ck.check(res is not None and res.State == 1 and f"{rewritten} KPI formula(s) rewritten" in text and
                 f"{frozen} kept as values" in text, f"network {ext}: {rewritten} rewritten, {frozen} kept: {text!r}")
        Beacon.hits.clear()
        if os.path.isfile(out):
            outside = hb.links_outside(out)
            ck.check(outside and all(what in ("hyperlink", "text:a") for what, _url in outside),
                     f"network {ext}: the copy links outside only through the cell's hyperlink: {outside}")
            ck.check(hb.kept_comments(out) == frozen, f"network {ext}: a comment on each of the {frozen} cells kept "
                                                      f"as values ({hb.kept_comments(out)})")
    doc.close(True)
    # The .xlsx whose webservice(...) Calc reads as #NAME?: set again as text, it was fetched.
    src = xlsx(office.scratch("network.xlsx"), d2=hb.XLSX_D2.replace("URL", url))
    doc, frame = open_as_user(office, src)
    res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0,
                                 props(URL=os.path.abspath(office.scratch("network-xlsx-portable.xlsx"))))
    time.sleep(0.5)
    ck.check(res is not None and res.State == 1 and "1 kept as values" in str(res.Result) and Beacon.hits == [],
             f"network.xlsx: D2 kept as a value, nothing fetched: {res.Result if res else None!r} {Beacon.hits}")
    doc.close(True)


def nested(ck, office, helper, workdir):
    src = office.scratch("nested.fods")
    with open(src, "w", encoding="utf-8") as f:
        f.write(hb.nested_book())
    doc, frame = open_as_user(office, src)
    out = os.path.abspath(office.scratch("nested-portable.xlsx"))
    pid = office.proc.pid
    before = cpu(pid)
    # The command runs on Calc's own thread: past the bounds, soffice is
    # killed (the dispatch then fails) rather than waited on for minutes.
    dog = Watchdog(time.monotonic() + 90, LIMIT_BYTES, lambda: pid, office.kill)
    res = None
    with dog:
        try:
            res = helper.executeDispatch(frame, "org.kpifunctions:portable", "", 0, props(URL=out))
        except Exception as e:  # soffice killed by the watchdog: the bridge is gone
            print(f"nested: the dispatch failed ({type(e).__name__})")
    used = cpu(pid) - before if dog.reason is None else None
    print(f"nested: soffice {used} s of CPU, {dog.peak / 1024 ** 2:.0f} MB at most, watchdog {dog.reason}")
    ck.check(dog.reason is None and used is not None and used < LIMIT_SECONDS and dog.peak < LIMIT_BYTES,
             f"nested: within {LIMIT_SECONDS} s of CPU and {LIMIT_BYTES >> 20} MB: {used} s, "
             f"{dog.peak >> 20} MB, killed for {dog.reason}")
    if dog.reason is not None:
        return
    ck.check(res is not None and res.State == 1 and "2 kept as values" in str(res.Result),
             f"nested: two cells kept as values: {res.Result if res else None!r}")
    if os.path.isfile(out):
        got = hb.gnumeric_row(out, workdir, 2)
        for cell, (_what, want) in hb.NESTED.items():
            ck.check(hb.close(got.get(cell[-2]), want),
                     f"nested, Gnumeric: {cell} = {got.get(cell[-2])}, expected {want}")
        ck.check(hb.kept_comments(out) == 2, "nested: the two cells kept as values carry the comment")
    doc.close(True)


if __name__ == "__main__":
    sys.exit(main())
