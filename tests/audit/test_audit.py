"""kpi-audit end to end, through the launcher CMake builds (build/kpi-audit):

- each flawed workbook of cases/ gives exactly the findings listed in its
  .expected.json (values worked out by hand), and its KPI inventory;
- the same stale value is found in .ods and .xlsx packages (stored values
  read from the package, not from LibreOffice);
- the shipped examples (examples/*.fods, examples/templates/*.fods) audit
  clean: no warning, no error, exit code 0;
- bad files (empty, text, picture, Writer document, damaged XML or ZIP,
  password-protected .ods and .xlsx, too many cells, missing) are reported
  with a clear message and exit code 2, never a stack trace;
- a file that keeps LibreOffice busy past --timeout is reported and the next
  file is audited by a fresh soffice;
- the password prompt is answered by the audit's interaction handler when
  LibreOffice itself meets an encrypted file (no hang);
- a missing LibreOffice gives a message and exit code 3;
- no audited file is modified (bytes and mtime).
soffice is started once per kpi-audit run; the runs are few and grouped.
"""
import argparse
import glob
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import redirect_stderr, redirect_stdout

import make_cases  # tests/audit/make_cases.py, beside this script
from harness import Checker
from kpitools.audit import cli
from kpitools.audit.model import AuditError
from kpitools.audit.workbook import audit_file
from kpitools.office import session as office_session
from kpitools.office.session import Office, file_url, install_extension, props
from kpitools.office.watchdog import Session


def close(a, b, rel=1e-9):
    return isinstance(a, (int, float)) and abs(a - b) <= rel * max(1.0, abs(b))


def result_matches(got, want):
    """got: the JSON result object; want: a number or an error name."""
    if got is None:
        return False
    if isinstance(want, str):
        return got.get("type") == "error" and got.get("error") == want
    return got.get("type") == "value" and close(got.get("value"), want)


def run(launcher, args, timeout=400):
    t = time.monotonic()
    p = subprocess.run([launcher] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    return p, time.monotonic() - t


def fingerprint(paths):
    out = {}
    for p in paths:
        if os.path.isfile(p):
            with open(p, "rb") as f:
                out[p] = (hashlib.sha256(f.read()).hexdigest(), os.stat(p).st_mtime_ns)
    return out


def check_expected(chk, name, entry, expected):
    chk.check(entry["status"] == "audited", f"{name}: audited ({entry.get('error')})")
    if entry["status"] != "audited":
        return
    got = [(f["severity"], f["check"], f"{f['sheet']}.{f['cell']}") for f in entry["findings"]]
    want = [(f["severity"], f["check"], f["cell"]) for f in expected["findings"]]
    chk.check(sorted(got) == sorted(want),
              f"{name}: findings\n  missing {sorted(set(want) - set(got))}\n  unexpected {sorted(set(got) - set(want))}")
    by_cell = {(f"{f['sheet']}.{f['cell']}", f["check"]): f for f in entry["findings"]}
    for f in expected["findings"]:
        actual = by_cell.get((f["cell"], f["check"]))
        if actual is None:
            continue
        chk.check(bool(actual["message"]) and bool(actual["fix"]), f"{name} {f['cell']}: has a message and a fix")
        if "range" in f:  # a grouped finding: its block and count
            chk.check((actual.get("range"), actual.get("cells")) == (f["range"], f["cells"]),
                      f"{name} {f['cell']}: range {actual.get('range')} ({actual.get('cells')} cells), "
                      f"expected {f['range']} ({f['cells']})")
        for key, want_v in f.get("details", {}).items():
            got_v = actual.get("details", {}).get(key)
            if isinstance(got_v, dict):  # a result object
                ok = result_matches(got_v, want_v)
            elif isinstance(want_v, str):
                ok = got_v == want_v
            else:
                ok = close(got_v, want_v)
            chk.check(ok, f"{name} {f['cell']} {f['check']}: {key} = {got_v}, expected {want_v}")
        if "fix" in f:
            chk.check(actual["fix"].startswith(f["fix"]), f"{name} {f['cell']}: fix {actual['fix']!r}")
    for cell, fix in expected.get("fixes", {}).items():
        fixes = [f["fix"] for f in entry["findings"] if f"{f['sheet']}.{f['cell']}" == cell]
        chk.check(any(x.startswith(fix) for x in fixes), f"{name} {cell}: fix {fix} in {fixes}")
    if "inventory" in expected:
        inv = {f"{i['sheet']}.{i['cell']}": i for i in entry["inventory"]}
        chk.check(sorted(inv) == sorted(i["cell"] for i in expected["inventory"]),
                  f"{name}: inventory cells {sorted(inv)}")
        for want in expected["inventory"]:
            got = inv.get(want["cell"])
            if got is None:
                continue
            chk.check(got["function"] == want["function"], f"{name} {want['cell']}: function {got['function']}")
            chk.check(result_matches(got["result"], want["result"]),
                      f"{name} {want['cell']}: result {got['result']}, expected {want['result']}")
            if "stored" in want:
                chk.check(result_matches(got["stored"], want["stored"]),
                          f"{name} {want['cell']}: stored {got['stored']}, expected {want['stored']}")
            if "definition" in want:
                chk.check(got["definition"] == want["definition"], f"{name} {want['cell']}: definition")
            if "arguments" in want:
                vals = [[v.get("value") for v in arg.get("values", [])] for arg in got["arguments"]]
                chk.check(vals == want["arguments"], f"{name} {want['cell']}: argument values {vals}")


def patch_zip(src, dst, member, pattern, repl):
    """Copies a package, rewriting one member: how a file saved by an older
    version (with another stored value) looks."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        n = 0
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                text, n = re.subn(pattern, repl, data.decode("utf-8"), count=1, flags=re.S)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return n


def make_inputs(office, src_dir, work):
    """Variants and bad files, made in real LibreOffice where it matters."""
    made = {}
    stale = os.path.join(src_dir, "tests", "audit", "cases", "inventory_stale.fods")
    doc = office.load(stale)
    doc.calculateAll()
    ods_fresh, xlsx_fresh = os.path.join(work, "fresh.ods"), os.path.join(work, "fresh.xlsx")
    doc.storeToURL(file_url(ods_fresh), props(FilterName="calc8"))
    doc.storeToURL(file_url(xlsx_fresh), props(FilterName="Calc MS Excel 2007 XML"))
    # Password-protected copies, written by LibreOffice itself.
    made["secret.ods"] = os.path.join(work, "secret.ods")
    doc.storeToURL(file_url(made["secret.ods"]), props(FilterName="calc8", Password="kpi-secret"))
    # LibreOffice 7.4 does not encrypt .xlsx on export (Password is ignored);
    # an encrypted Excel workbook is an OLE compound file, as is the
    # password-protected .xls LibreOffice does write: named .xlsx, it stands for one.
    made["secret.xlsx"] = os.path.join(work, "secret.xlsx")
    doc.storeToURL(file_url(made["secret.xlsx"]), props(FilterName="MS Excel 97", Password="kpi-secret"))
    doc.close(True)
    # The stale value (40 where 8000/160 = 50) written into each package.
    made["stale.ods"] = os.path.join(work, "stale.ods")
    n1 = patch_zip(ods_fresh, made["stale.ods"], "content.xml",
                   r'(table:formula="of:=KPI\.CPL\(\[\.B3\];\[\.C3\]\)"[^>]*?office:value=")50(")', r"\g<1>40\g<2>")
    made["stale.xlsx"] = os.path.join(work, "stale.xlsx")
    n2 = patch_zip(xlsx_fresh, made["stale.xlsx"], "xl/worksheets/sheet1.xml",
                   r'(<c r="D3"[^>]*>(?:(?!</c>).)*?<v>)50(</v>)', r"\g<1>40\g<2>")
    # An array formula: written once in ODF, in its first cell; a stale value
    # (0.3 where 500/2500 = 0.2) in the third cell of its area.
    arr = office.new_calc()
    sh = arr.Sheets.getByIndex(0)
    for i, v in enumerate([10000, 2500, 500, 100]):
        sh.getCellByPosition(0, i).setValue(v)
    sh.getCellRangeByName("B1:B4").setArrayFormula("=KPI.FUNNEL(A1:A4)")
    arr.calculateAll()
    arr_fresh = os.path.join(work, "array-fresh.ods")
    arr.storeToURL(file_url(arr_fresh), props(FilterName="calc8"))
    arr.close(True)
    made["array.ods"] = os.path.join(work, "array.ods")
    n3 = patch_zip(arr_fresh, made["array.ods"], "content.xml",
                   r'(<table:table-row[^>]*>(?:(?!</table:table-row>).)*?</table:table-row>\s*'
                   r'<table:table-row[^>]*>(?:(?!</table:table-row>).)*?</table:table-row>\s*'
                   r'<table:table-row[^>]*>(?:(?!</table:table-row>).)*?office:value=")0\.2(")', r"\g<1>0.3\g<2>")
    made["array_patched"] = n3
    # A text document (an .odt package: Writer is not installed here) renamed .ods.
    made["letter.ods"] = os.path.join(work, "letter.ods")
    with zipfile.ZipFile(made["letter.ods"], "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                   'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
                   '<text:p>Minutes of the meeting</text:p></office:text></office:body></office:document-content>')
    # Files that are no spreadsheet at all, or damaged ones.
    made["empty.ods"] = os.path.join(work, "empty.ods")
    open(made["empty.ods"], "wb").close()
    made["notes.ods"] = os.path.join(work, "notes.ods")
    with open(made["notes.ods"], "w") as f:
        f.write("Cost;Leads\n100;2\n")
    made["picture.xlsx"] = os.path.join(work, "picture.xlsx")
    shutil.copyfile(os.path.join(src_dir, "docs", "example.png"), made["picture.xlsx"])
    made["notes.txt"] = os.path.join(work, "notes.txt")
    shutil.copyfile(made["notes.ods"], made["notes.txt"])
    made["truncated.ods"] = os.path.join(work, "truncated.ods")
    with open(ods_fresh, "rb") as f:
        data = f.read()
    with open(made["truncated.ods"], "wb") as f:
        f.write(data[: len(data) // 2])
    made["broken.fods"] = os.path.join(work, "broken.fods")
    with open(stale, encoding="utf-8") as f:
        text = f.read()
    with open(made["broken.fods"], "w", encoding="utf-8") as f:
        f.write(text[: len(text) * 2 // 3])
    # More cells than the default limit (5,000,000): 300,000 rows x 20 columns, a small file.
    made["huge.fods"] = os.path.join(work, "huge.fods")
    with open(made["huge.fods"], "w", encoding="utf-8") as f:
        f.write(text.split("<office:body>")[0] + "<office:body><office:spreadsheet><table:table table:name=\"Big\">"
                '<table:table-row table:number-rows-repeated="300000"><table:table-cell office:value-type="float" '
                'office:value="1" table:number-columns-repeated="20"/></table:table-row>'
                "</table:table></office:spreadsheet></office:body></office:document>\n")
    return made, n1, n2


def slow_workbook(path):
    """Thousands of SUMPRODUCTs over 100,000 rows: keeps Calc busy for far
    longer than the short --timeout the test gives it."""
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>'
            '<table:table table:name="Slow">\n')
    row = ('<table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell '
           'table:formula="of:=SUMPRODUCT([.$A$1:.$A$100000]*[.$A$1:.$A$100000]+ROW())"/></table:table-row>\n')
    with open(path, "w") as f:
        f.write(head + row * 10000 + '<table:table-row table:number-rows-repeated="90000"><table:table-cell '
                'office:value-type="float" office:value="1"/></table:table-row>\n'
                "</table:table></office:spreadsheet></office:body></office:document>\n")


BAD = {  # file -> words the message must contain
    "empty.ods": "empty file",
    "notes.ods": "not a ZIP",
    "picture.xlsx": "not a ZIP",
    "notes.txt": "unsupported file type",
    "letter.ods": "not a spreadsheet",
    "truncated.ods": "ZIP",
    "broken.fods": "malformed XML",
    "secret.ods": "password-protected",
    "secret.xlsx": "password-protected",
    "huge.fods": "5,000,000-cell limit",
    "missing.ods": "no such file",
}


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--oxt", "--catalogue", "--workdir", "--source-dir", "--launcher"):
        ap.add_argument(opt, required=True)
    a = ap.parse_args()
    chk = Checker("calc.audit")
    os.makedirs(a.workdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="audit-test-", dir=a.workdir)
    try:
        cases = sorted(glob.glob(os.path.join(a.source_dir, "tests", "audit", "cases", "*.fods")))
        chk.check(len(cases) >= 3, "found the flawed workbooks")
        clean = sorted(glob.glob(os.path.join(a.source_dir, "examples", "*.fods")) +
                       glob.glob(os.path.join(a.source_dir, "examples", "templates", "*.fods")))
        chk.check(len(clean) >= 1, "found the shipped examples")

        # Install the extension once; every run but the clean one (run 2,
        # which installs it itself as a user's run does) reuses this cache.
        shared = os.path.join(work, "shared")
        with open(os.path.join(work, "unopkg.log"), "w") as log:
            install_extension(a.oxt, shared, os.path.join(work, "install-user"), log)
        fast = ["--shared", shared, "--workdir", work]
        with Office(workdir=work, shared_dir=shared) as office:
            made, n1, n2 = make_inputs(office, a.source_dir, work)
            chk.check(n1 == 1 and n2 == 1, f"stale value written into the .ods ({n1}) and .xlsx ({n2}) packages")
            # LibreOffice itself meeting an encrypted file: the interaction
            # handler answers the password request with Abort; no hang.
            session = type("S", (), {})()
            session.office, session.evaluate = office, None
            t = time.monotonic()
            try:
                audit_file(session, made["secret.ods"], ".ods", None, {}, {}, lambda m: None)
                chk.check(False, "an encrypted .ods loaded without its password")
            except AuditError as e:
                chk.check("password" in str(e), f"encrypted .ods through LibreOffice: {e}")
            chk.check(time.monotonic() - t < 60, "encrypted .ods answered quickly")
            chk.check(office.alive(), "soffice still answers after the encrypted file")
        made["missing.ods"] = os.path.join(work, "missing.ods")

        # The scratch document where kpi-audit computes its KPI calls in
        # batches records no undo: every batch written and cleared stayed
        # in soffice's memory (25 MB of its peak on the 1.1M-cell
        # workbook, issue 26 item 6).
        session = Session(a.oxt, work, shared, prefix="undo-")
        try:
            session.start()
            got = session.evaluate_many(["=KPI.CPL(100;4)", "=KPI.CPL(1;0)"] * 3)
            chk.check(got[:2] == [("value", 25.0), ("error", 532)], f"a batch of KPI calls computed: {got}")
            chk.check(not session.scratch_doc.UndoManager.isUndoPossible(), "the scratch document keeps no undo")
        finally:
            session.close()

        chk.check(made["array_patched"] == 1, "stale value written into the array formula's area")
        inputs = cases + clean + [made["stale.ods"], made["stale.xlsx"], made["array.ods"]] + [made[k] for k in BAD]
        before = fingerprint(inputs)

        # Run 1: everything at once, JSON.
        p, secs = run(a.launcher, fast + ["--format", "json"] + inputs)
        print(f"run 1: {len(inputs)} files in {secs:.1f} s, exit {p.returncode}")
        chk.check(p.returncode == 2, f"run 1 exit code 2 (files not audited), got {p.returncode}: {p.stderr[-2000:]}")
        chk.check("Traceback" not in p.stderr, "run 1: no stack trace")
        chk.check(f"[1/{len(inputs)}]" in p.stderr and f"[{len(inputs)}/{len(inputs)}]" in p.stderr,
                  "run 1: progress on stderr")
        report = json.loads(p.stdout)
        chk.check(report["format"] == "kpi-audit" and report["format_version"] == 1, "JSON format and version")
        chk.check(report["exit_code"] == 2, "JSON exit_code")
        files = {f["path"]: f for f in report["files"]}
        chk.check(list(files) == inputs, "one entry per file, in order")
        for case in cases:
            with open(case[: -len(".fods")] + ".expected.json", encoding="utf-8") as f:
                expected = json.load(f)
            check_expected(chk, os.path.basename(case), files[case], expected)
        for path in clean:
            e = files[path]
            bad = [f for f in e.get("findings", []) if f["severity"] != "info"]
            chk.check(e["status"] == "audited" and not bad, f"{path} audits clean: {e.get('error')} {bad}")
            chk.check(len(e.get("inventory", [])) > 0, f"{path}: KPI cells in the inventory")
        for variant in ("stale.ods", "stale.xlsx"):
            e = files[made[variant]]
            stale = [f for f in e.get("findings", []) if f["check"] == "stale-value"]
            chk.check(e["status"] == "audited" and [f"{f['sheet']}.{f['cell']}" for f in stale] == ["Q1.D3"],
                      f"{variant}: the one stale value is Q1.D3 ({e.get('error')}, {stale})")
            if stale:
                d = stale[0]["details"]
                chk.check(result_matches(d["stored"], 40) and result_matches(d["now"], 50),
                          f"{variant}: stored 40, now 50 ({d})")
        e = files[made["array.ods"]]
        chk.check([i["cell"] for i in e.get("inventory", [])] == ["B1", "B2", "B3", "B4"],
                  f"array formula: its 4 cells in the inventory ({e.get('error')})")
        chk.check([(f["check"], f["cell"]) for f in e.get("findings", [])] == [("stale-value", "B3")],
                  f"array formula: the stale value of B3 and nothing else: {e.get('findings')}")
        for name, words in BAD.items():
            e = files[made[name]]
            chk.check(e["status"] == "failed" and words in e.get("error", ""),
                      f"{name}: not audited with a message containing '{words}': {e.get('error')}")

        # Run 2: the shipped examples alone, given as their folder, as text: exit 0.
        p, secs = run(a.launcher, [os.path.join(a.source_dir, "examples")])
        print(f"run 2: {len(clean)} clean file(s) in {secs:.1f} s, exit {p.returncode}")
        chk.check(p.returncode == 0, f"shipped examples: exit 0, got {p.returncode}\n{p.stdout[-3000:]}")
        chk.check(f"{len(clean)} file(s): {len(clean)} audited, 0 not audited; 0 error(s), 0 warning(s)" in p.stdout,
                  "shipped examples (the folder): text summary says all audited and clean")
        chk.check("KPI cells" in p.stdout and "Definition" in p.stdout, "text report has the inventory table")

        # Run 3: --fail-on warning with only warnings; --fail-on error does not fail on them.
        stale_case = os.path.join(a.source_dir, "tests", "audit", "cases", "inventory_stale.fods")
        warn_only = os.path.join(work, "warnings_only.fods")  # one stale value: 40 stored, 12000/240 = 50
        with open(warn_only, "w", encoding="utf-8") as f:
            f.write(make_cases.workbook([("Q1", [["Channel", "Cost", "Leads", "CPL"],
                                                 ["Search", 12000, 240, make_cases.F("=KPI.CPL(B2;C2)", 40)]])]))
        html_out = os.path.join(work, "report.html")
        p, _ = run(a.launcher, fast + ["--fail-on", "warning", "--format", "html", "-o", html_out, warn_only])
        chk.check(p.returncode == 1, f"--fail-on warning: exit 1 for a stale value, got {p.returncode} {p.stderr}")
        with open(html_out, encoding="utf-8") as f:
            page = f.read()
        chk.check(page.startswith("<!DOCTYPE html>") and "stale-value" in page and "Q1.D2" in page,
                  "HTML report lists the finding")
        chk.check(not re.search(r'(src|href)\s*=|<link|<script', page), "HTML report is self-contained")
        p, _ = run(a.launcher, fast + ["--fail-on", "error", "--quiet", warn_only])
        chk.check(p.returncode == 0 and p.stderr == "", f"--fail-on error: warnings only give exit 0 ({p.returncode})")
        p, _ = run(a.launcher, fast + ["--quiet", stale_case])
        chk.check(p.returncode == 1, f"an error finding (unknown function) gives exit 1, got {p.returncode}")

        # Run 4: a file that outlasts --timeout, then a normal one.
        slow = os.path.join(work, "slow.fods")
        slow_workbook(slow)
        p, secs = run(a.launcher, fast + ["--timeout", "5", "--format", "json", slow, clean[0]])
        print(f"run 4: time-out run in {secs:.1f} s, exit {p.returncode}")
        r = json.loads(p.stdout)
        chk.check(r["files"][0]["status"] == "failed" and "timed out" in r["files"][0]["error"],
                  f"slow file reported as timed out: {r['files'][0].get('error')}")
        chk.check(r["files"][1]["status"] == "audited", "the next file is audited by a fresh soffice")
        chk.check(p.returncode == 2, f"time-out gives exit 2, got {p.returncode}")
        chk.check(secs < 120, f"time-out run bounded ({secs:.0f} s)")

        # LibreOffice missing: a message and exit 3, in-process with the path
        # to soffice.bin pointing nowhere.
        saved_bin = office_session.SOFFICE_BIN
        office_session.SOFFICE_BIN = os.path.join(work, "no-soffice.bin")
        out, err = io.StringIO(), io.StringIO()
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = cli.main(["--oxt", a.oxt, "--catalogue", a.catalogue, "--workdir", work, clean[0]])
        finally:
            office_session.SOFFICE_BIN = saved_bin
        chk.check(code == 3 and "LibreOffice is not installed" in err.getvalue(),
                  f"missing LibreOffice: exit {code}, {err.getvalue()!r}")

        chk.check(fingerprint(inputs) == before, "no audited file was modified (bytes and mtime)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
