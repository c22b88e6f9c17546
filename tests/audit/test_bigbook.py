"""kpi-audit's bulk path on a small copy of the benchmark's workbook
(kpitools/bench/auditbook.py: 3,000 rows × 11 columns, a hand-written CPL in
every row, a mistake every thousand rows or so): the findings are exactly
those the rules' documentation gives for each kind of row, worked out here
from the row kinds alone (not from kpi-audit's output), and the Summary
sheet's KPI cells compute the column totals summed here.

Two runs: the launcher as a user types it (a 5 MB file: its stored values
read before LibreOffice loads it), and the command in this process with
package.LATER_BYTES lowered to 0 (read in a thread while LibreOffice loads
the copy, as a large file is); both give the same report.
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import tempfile
from contextlib import redirect_stderr, redirect_stdout

from harness import Checker
from kpitools.audit import cli, package
from kpitools.bench import auditbook

ROWS = 3000


def expected(kinds):
    """{(sheet.cell, check, severity)} for each kind of data row (auditbook's docstring)."""
    want = set()
    for kind, rows in kinds.items():
        for r in rows:
            if kind in ("plain", "clicks-above", "conv-above"):
                want.add((f"Data.D{r}", "handwritten-kpi", "info"))      # =B/C agrees with KPI.CPL
            if kind == "negative-leads":
                want.add((f"Data.C{r}", "negative-input", "error"))      # −3 leads
                want.add((f"Data.D{r}", "handwritten-kpi-differs", "warning"))  # KPI.CPL gives #NUM!
            if kind == "clicks-above":
                want.add((f"Data.H{r}", "count-above-total", "error"))   # clicks > impressions cannot happen
            if kind == "conv-above":
                want.add((f"Data.I{r}", "count-above-total", "warning"))  # conversions > clicks can
            if kind == "inverted":
                want.add((f"Data.D{r}", "inverted-ratio", "error"))      # leads ÷ cost under CPL
            if kind == "times-100":
                want.add((f"Data.D{r}", "percent-scale", "warning"))     # =B/C*100
            # zero-leads: the CPL shows #DIV/0!, nothing to compare
    return want


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--oxt", "--catalogue", "--workdir", "--launcher"):
        ap.add_argument(opt, required=True)
    a = ap.parse_args()
    chk = Checker("calc.audit_bigbook")
    os.makedirs(a.workdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="audit-bigbook-", dir=a.workdir)
    try:
        book = os.path.join(work, "book.ods")
        kinds, (cost, leads, clicks, impressions) = auditbook.write(book, ROWS)
        chk.check(all(len(kinds.get(k, [])) >= 2 for k, _m, _r in auditbook.KINDS),
                  f"every kind of mistake at least twice: { {k: len(v) for k, v in kinds.items()} }")
        want = expected(kinds)

        p = subprocess.run([a.launcher, "--format", "json", "--workdir", work, book], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=600)
        chk.check(p.returncode == 1, f"exit 1 (errors found): {p.returncode} {p.stderr[-1500:]}")
        report = json.loads(p.stdout)
        f = report["files"][0]
        chk.check(f["status"] == "audited" and f["cells"] == (ROWS + 1) * 11 + 3 * 2,
                  f"audited, {f.get('cells')} cells: {f.get('error')}")
        got = {(f"{x['sheet']}.{x['cell']}", x["check"], x["severity"]) for x in f.get("findings", [])}
        chk.check(got == want and len(got) == len(f.get("findings", [])),
                  f"findings: {len(got)} of {len(want)}; missing {sorted(want - got)[:5]}, "
                  f"unexpected {sorted(got - want)[:5]}")
        inv = {i["cell"]: i for i in f.get("inventory", []) if i["sheet"] == "Summary"}
        for cell, value in (("B2", cost / leads), ("B3", clicks / impressions)):
            res = inv.get(cell, {}).get("result") or {}
            chk.check(res.get("type") == "value" and abs(res["value"] - value) <= 1e-9 * abs(value),
                      f"Summary.{cell}: {res}, the column totals give {value}")

        # The same file read in a thread while LibreOffice loads it (as a large one is).
        saved, package.LATER_BYTES = package.LATER_BYTES, 0
        out, err = io.StringIO(), io.StringIO()
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = cli.main(["--oxt", a.oxt, "--catalogue", a.catalogue, "--format", "json", "--workdir", work,
                                 book])
        finally:
            package.LATER_BYTES = saved
        later = json.loads(out.getvalue())
        chk.check(code == 1 and later["files"] == report["files"],
                  f"read later: exit {code}, same report {later['files'] == report['files']} {err.getvalue()[-800:]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    raise SystemExit(main())
