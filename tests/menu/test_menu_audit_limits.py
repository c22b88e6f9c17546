"""KPI ▸ Audit this workbook stopped, and on a workbook made to flood it
(issue 27, item 4), dispatched as org.kpifunctions:audit in headless Calc
with the built .oxt:

- on tests/audit/cases/handwritten.fods, audited once (its report and marks in
  place): a simulated click on Cancel (CancelAfter 0) and the time limit
  (MaxSeconds 0.001) stop the command, which fails and says which; every
  cell of every sheet (the previous report's included) and every shape are
  as they were: no report sheet or frame half-made; the next audit then
  runs normally (nothing left busy) and gives the same findings;
- the 2.6 KB .fods whose one KPI.FUNNEL cell claims a 1000 x 1000 array
  (tests/audit/test_array_flood.py writes it): audited from the menu
  within 45 s of soffice's CPU time (FLOOD_SECONDS) and 1.5 GB (soffice is killed past
  90 s or 1.5 GB), or stopped with a message; audited, its report says
  1,000,000 KPI cells.
Before: the command had no Cancel nor limit (the dispatch arguments were
ignored and the audit ran to its end), and the flood file took 97 s and
3.4 GB, its million error cells read one UNO call at a time.
"""
import argparse
import os
import shutil
import sys
import time

from harness import Checker
from hostile import LIMIT_BYTES, cpu  # tests/audit

# soffice's CPU time for the flood file from the menu, where the whole audit
# runs inside soffice: 22-27 s alone (2026-12-07, load average 1), 31 s in a
# CI run beside a compile on the other core (CPU time grows when the two
# cores share their caches and memory). The bound is for a runaway: the
# command took 97 s before issue 27.
FLOOD_SECONDS = 45
from kpitools.office.guard import Watchdog
from kpitools.office.session import Office, props
from test_array_flood import array_fods  # tests/audit

# soffice must run the package inside the .oxt, not the source tree's.
os.environ.pop("PYTHONPATH", None)

REPORT = "KPI audit"


def snapshot(doc):
    """Every sheet's name, formulas and values, and every shape's name, position and size."""
    out = []
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        rng = sh.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow)
        shapes = []
        for k in range(sh.DrawPage.Count):
            s = sh.DrawPage.getByIndex(k)
            shapes.append((s.Name, s.Position.X, s.Position.Y, s.Size.Width, s.Size.Height))
        out.append((sh.Name, rng.getFormulaArray(), rng.getDataArray(), sorted(shapes)))
    return out


def findings(doc):
    """(severity, cell, check) of each row of the report's findings table."""
    sh = doc.Sheets.getByName(REPORT)
    rows = sh.getCellRangeByPosition(0, 5, 2, 400).getDataArray()
    out = []
    for row in rows:
        if not row[1]:
            break
        out.append(tuple(row))
    return out


def dispatch(office, doc, **args):
    helper = office.smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", office.ctx)
    frame = doc.getCurrentController().getFrame()
    return helper.executeDispatch(frame, "org.kpifunctions:audit", "", 0, props(**args))


def stopping(ck, office, example):
    doc = office.load(example)
    try:
        res = dispatch(office, doc)
        ck.check(res is not None and res.State == 1 and doc.Sheets.hasByName(REPORT),
                 f"first audit: report written ({res.Result if res else None})")
        first = findings(doc)
        ck.check(len(first) > 3, f"first audit: findings listed ({len(first)})")
        before = snapshot(doc)
        for name, args, word in (("cancel", {"CancelAfter": 0}, "cancelled"),
                                 ("time limit", {"MaxSeconds": 0.001}, "stopped after")):
            res = dispatch(office, doc, **args)
            text = str(res.Result) if res is not None else ""
            ck.check(res is not None and res.State != 1 and word in text,
                     f"{name}: the command stops and says so ({text!r})")
            ck.check(snapshot(doc) == before, f"{name}: every cell and shape as before (previous report included)")
        res = dispatch(office, doc)
        ck.check(res is not None and res.State == 1 and findings(doc) == first,
                 f"after the stops the next audit runs and gives the same findings ({res.Result if res else None})")
        sheets = [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)]
        ck.check(sheets.count(REPORT) == 1, f"one report sheet: {sheets}")
    finally:
        doc.close(True)


def flood(ck, office, work):
    path = array_fods(os.path.join(work, "funnel.fods"), 100, 40)
    doc = office.load(path)
    pid = office.proc.pid
    before = cpu(pid)
    # The command runs on Calc's own thread: past the bounds soffice is
    # killed (the dispatch then fails) rather than waited on for minutes.
    dog = Watchdog(time.monotonic() + 90, LIMIT_BYTES, lambda: pid, office.kill)
    res = None
    t0 = time.monotonic()
    with dog:
        try:
            res = dispatch(office, doc)
        except Exception as e:  # soffice killed by the watchdog: the bridge is gone
            print(f"flood: the dispatch failed ({type(e).__name__})")
    used = cpu(pid) - before if dog.reason is None else None
    text = str(res.Result) if res is not None else ""
    print(f"flood: {time.monotonic() - t0:.1f} s, soffice {used} s of CPU, {dog.peak / 1024 ** 2:.0f} MB at most, "
          f"watchdog {dog.reason}: {text!r}", flush=True)
    ck.check(dog.reason is None and used is not None and used < FLOOD_SECONDS and dog.peak < LIMIT_BYTES,
             f"flood: within {FLOOD_SECONDS} s of CPU and {LIMIT_BYTES >> 20} MB: {used} s, "
             f"{dog.peak >> 20} MB, killed for {dog.reason}")
    if dog.reason is not None:
        return
    audited = res is not None and res.State == 1
    ck.check(audited or "stopped" in text, f"flood: audited, or stopped with a message: {text!r}")
    if audited:
        summary = doc.Sheets.getByName(REPORT).getCellByPosition(0, 2).getString()
        ck.check("1,000,000" in summary, f"flood: the report counts the million KPI cells: {summary!r}")
    doc.close(True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--source-dir", required=True)
    opts = ap.parse_args()
    ck = Checker("menu.audit_limits")
    os.makedirs(opts.workdir, exist_ok=True)
    with Office(oxt=opts.oxt, workdir=opts.workdir) as office:
        example = office.scratch("handwritten.fods")
        shutil.copyfile(os.path.join(opts.source_dir, "tests", "audit", "cases", "handwritten.fods"), example)
        stopping(ck, office, example)
        flood(ck, office, os.path.dirname(office.scratch("funnel.fods")))
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
