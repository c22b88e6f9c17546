"""kpi-audit against hostile input (issue 18, items 1 to 12), black-box
through the launcher build/kpi-audit.

Every hostile file is generated here, in the work folder, and removed at the
end (nothing large is committed). Each case runs kpi-audit once, bounded by
this test: the run's whole process tree (the auditor and its soffice) is
polled in /proc and killed past 30 s of CPU time, 1.5 GB of resident memory
or 75 s of wall time, which counts as a failure of the case. Each case then checks its expected outcome:
one line and exit code 2, or the right finding.

Cases, with the issue item they cover:
  1  matrix.fods      40 formula cells claiming 1000x1000 array results -> exit 2, the cell limit
  1  sst.xlsx         6,000,000 shared strings (100 MB unpacked)       -> exit 2, the cell limit
  1  bomb.xlsx/.ods   4 entries of 150 MB each (600 MB in total)       -> exit 2, bytes unpacked in total
  1  rows.ods         10,000,000 empty rows, limits raised, --timeout 3 -> exit 2, timed out
  2  sum-range.fods   =SUM(B3:XFD1048576)/A2 under "CPL"               -> judged: agrees with KPI.CPL (30)
  3  kpi-range.fods   =KPI.CPL(A3:XFD1048576;B2), --max-memory 1000    -> exit 2, too large (memory)
  4  links.fods       linked image, draw:object, draw:object-ole on a
                      local HTTP server                                 -> audited, the server receives nothing
  5  umask.fods       run under umask 000                               -> the UNO socket and the profile are
                                                                           private (mode, and another user
                                                                           cannot connect or list)
  6  escapes          ESC/BEL/CSI in a file name, a sheet name, a cell  -> no raw control character in any output
  7  nonfinite.fods   stored 1e999 and NaN in KPI cells                 -> invalid-stored-value findings, valid
                                                                           JSON, HTML written
  8  caf\\xe9.fods     a file name that is not UTF-8, -o report.html     -> report written, exit 0
  9  surrogate.fods   =UNICHAR(55296)&"x" on a hidden sheet             -> audited, the other sheet's stale value
 10  parens.fods      120 and 90 nested parentheses under "CPL"         -> audited; the 90 judged (Calc gives
                                                                           Err:514 from 100 on)
 10  longsum.fods     a 1,100-term sum inside KPI.CPL and IFERROR       -> audited, KPI.CPL = 55000
 10  novalue.fods     a KPI cell typed float without office:value       -> audited, no-stored-values
 10  badsst.xlsx      a KPI cell whose shared-string index is out of range -> audited, invalid-stored-value
 11  leftovers        a normal run, a time-out, a SIGKILL then a rerun  -> nothing left in TMPDIR nor /tmp
 12  symlinks         a folder with a symlinked file and subfolder      -> not followed; followed with
                                                                           --follow-symlinks

Before the fixes of issue 18 (tools/kpi_audit.py at add78b0) every case
failed; see the commit message of e41ce01 for the list.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time

from hostile import (LINK_NS, LINKS, Beacon, bounded, fods_to_content, install_once, ods, run_bounded, setup,
                     start_beacon, stop_beacon, write, xlsx)  # tests/audit/hostile.py, beside this script
from make_cases import F, workbook  # tests/audit/make_cases.py, beside this script
from test_audit import slow_workbook

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------
def book_text():
    """A clean workbook: CPL = 12000 / 240 = 50, stored 50."""
    return workbook([("Q1", [["Channel", "Cost", "Leads", "CPL"], ["Search", 12000, 240, F("=KPI.CPL(B2;C2)", 50)]])])


def small_book(path):
    return write(path, book_text())


def matrix_fods(path):
    """40 KPI.FUNNEL cells each claiming a 1000 x 1000 array result: 14 KB."""
    rows = [["Stage", "Count", "Rate"]] + [[f"S{i}", 100 - i, F(f"=KPI.FUNNEL(B{i + 2})", 1)] for i in range(40)]
    text = workbook([("Q1", rows)])
    text = text.replace('table:formula="of:=KPI.FUNNEL',
                        'table:number-matrix-columns-spanned="1000" table:number-matrix-rows-spanned="1000" '
                        'table:formula="of:=KPI.FUNNEL')
    return write(path, text)


HIDDEN_STYLE = ('<office:automatic-styles><style:style style:name="hid" style:family="table">'
                '<style:table-properties table:display="false"/></style:style>')

# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------
def report_of(r):
    try:
        return json.loads(r.out, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except ValueError:
        return None


def one_file(chk, name, r):
    rep = report_of(r)
    chk.check(rep is not None, f"{name}: the JSON report parses (strict): {r.out[:300]!r} {r.err[-500:]!r}")
    if rep is None or not rep.get("files"):
        return {}
    return rep["files"][0]


def refused(chk, name, r, words):
    f = one_file(chk, name, r)
    err = f.get("error", "")
    chk.check(r.code == 2 and f.get("status") == "failed" and words in err and "\n" not in err,
              f"{name}: exit 2, one line containing '{words}': exit {r.code}, {err!r}")


def findings(f):
    return {(x["severity"], x["check"], f"{x['sheet']}.{x['cell']}") for x in f.get("findings", [])}


def not_blamed(chk, name, f):
    err = f.get("error") or ""
    chk.check("LibreOffice failed" not in err and f.get("status") == "audited",
              f"{name}: audited, not blamed on LibreOffice: {err!r}")


def private(path, stop):
    """True if path or one of its folders below stop is owned by us and closed to group and others."""
    p = path
    while p.startswith(stop.rstrip("/") + "/"):
        try:
            st = os.lstat(p)
        except OSError:
            return False
        if st.st_uid == os.getuid() and not st.st_mode & 0o077 and not stat.S_ISLNK(st.st_mode):
            return True
        if p == os.path.dirname(p):
            break
        p = os.path.dirname(p)
    return False


def tree_modes(path, stop):
    out = []
    while path.startswith(stop.rstrip("/") + "/"):
        try:
            out.append((os.path.basename(path), oct(os.lstat(path).st_mode & 0o777)))
        except OSError as e:
            out.append((os.path.basename(path), str(e)))
        path = os.path.dirname(path)
    return out


def as_nobody(code, *args):
    """Runs a Python snippet as user nobody (the test runs as root); its exit code."""
    def drop():
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    return subprocess.run([sys.executable, "-c", code, *args], preexec_fn=drop, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=20).returncode


def leftovers(tmpdir, pipes):
    """What a run left in its TMPDIR and in /tmp (soffice's pipes live there)."""
    left = sorted(os.listdir(tmpdir))
    for name in os.listdir("/tmp"):
        if name.startswith("OSL_PIPE_") and any(name.endswith("_" + p) for p in pipes):
            left.append("/tmp/" + name)
    return left


# ---------------------------------------------------------------------------
def main():
    a, chk, work, inp = setup("calc.audit_hostile", "hostile-",
                              ("--oxt", "--catalogue", "--workdir", "--source-dir", "--launcher"))
    server, port = start_beacon()
    try:
        shared = install_once(a.oxt, work)
        n = [0]

        def audit(name, args, fmt="json", tmpdir=None, **kw):
            """One kpi-audit run with its own private TMPDIR (as a user's run: no --workdir)."""
            n[0] += 1
            tmpdir = tmpdir or os.path.join(work, f"tmp{n[0]}")
            os.makedirs(tmpdir, exist_ok=True)
            env = dict(os.environ, TMPDIR=tmpdir)
            fmt_args = ["--format", fmt] if fmt else []
            r = run_bounded([a.launcher, "--shared", shared] + fmt_args + args, env, **kw)
            r.tmpdir = tmpdir
            bounded(chk, name, r)
            return r

        def wanted(name):
            return not a.only or a.only in name

        # -- 1: bounded reading before LibreOffice; --timeout covers everything
        if wanted("matrix"):
            r = audit("matrix.fods", [matrix_fods(os.path.join(inp, "matrix.fods"))])
            refused(chk, "matrix.fods", r, "--max-cells")
        if wanted("sst"):
            def many_strings(f):
                for _ in range(60):  # above the default --max-cells (5,000,000)
                    f.write(b"<si><t>s</t></si>" * 100_000)
            r = audit("sst.xlsx", [xlsx(os.path.join(inp, "sst.xlsx"), sst_more=many_strings)])
            refused(chk, "sst.xlsx", r, "--max-cells")
        if wanted("bomb"):
            padding = [(f"xl/media/pad{i}.bin", 150 << 20) for i in range(4)]
            r = audit("bomb.xlsx", [xlsx(os.path.join(inp, "bomb.xlsx"), padding=padding)])
            refused(chk, "bomb.xlsx", r, "--max-bytes")
            content = fods_to_content(book_text())
            padding = [(f"Pictures/pad{i}.bin", 150 << 20) for i in range(4)]
            r = audit("bomb.ods", [ods(os.path.join(inp, "bomb.ods"), content, padding)])
            refused(chk, "bomb.ods", r, "--max-bytes")
        if wanted("rows"):
            head, tail = fods_to_content(book_text()).split("</table:table>")

            def many_rows(f):
                f.write(head.encode())
                for _ in range(100):
                    f.write(b"<table:table-row/>" * 100_000)
                f.write(("</table:table>" + tail).encode())
            path = ods(os.path.join(inp, "rows.ods"), many_rows)
            r = audit("rows.ods --timeout 3", ["--timeout", "3", "--max-bytes", str(10 ** 10),
                                               "--max-cells", str(10 ** 9), path])
            refused(chk, "rows.ods --timeout 3", r, "timed out")
            chk.check(r.secs < 15, f"rows.ods: --timeout 3 covers reading the file ({r.secs:.1f} s)")

        # -- 2: a hand-written KPI over a huge range, judged without expanding it
        if wanted("sum-range"):
            # 300 of cost over 10 leads: 30, what KPI.CPL(100+200; 10) gives.
            path = write(os.path.join(inp, "sum-range.fods"), workbook([("Q1", [
                ["Leads", "Cost", "CPL"],
                [10, None, F("=SUM(B3:XFD1048576)/A2", 30)],
                [None, 100],
                [None, 200]])]))
            r = audit("sum-range.fods", [path])
            f = one_file(chk, "sum-range.fods", r)
            chk.check(r.code == 0 and ("info", "handwritten-kpi", "Q1.C2") in findings(f),
                      f"sum-range.fods: judged, agrees with KPI.CPL: exit {r.code}, {f.get('error')} {findings(f)}")

        # -- 3: soffice under a memory limit
        if wanted("kpi-range"):
            path = write(os.path.join(inp, "kpi-range.fods"), workbook([("Q1", [
                ["Cost", "Leads", "CPL"],
                [None, 10, F("=KPI.CPL(A3:XFD1048576;B2)", 30)],
                [100], [200]])]))
            r = audit("kpi-range.fods", ["--max-memory", "1000", path])
            refused(chk, "kpi-range.fods", r, "--max-memory")

        # -- 4: no network request while auditing
        if wanted("links"):
            text = book_text()
            text = text.replace("<office:document ", "<office:document " + LINK_NS, 1)
            text = text.replace("<table:table table:name=\"Q1\">", "<table:table table:name=\"Q1\">" +
                                LINKS.replace("PORT", str(port)), 1)
            path = write(os.path.join(inp, "links.fods"), text)
            odsp = ods(os.path.join(inp, "links.ods"), fods_to_content(text))
            Beacon.hits.clear()
            r = audit("links.fods/.ods", [path, odsp])
            rep = report_of(r) or {"files": []}
            time.sleep(0.5)
            chk.check(r.code == 0 and [f["status"] for f in rep["files"]] == ["audited", "audited"],
                      f"links: both audited, exit 0: exit {r.code}, {[f.get('error') for f in rep['files']]}")
            chk.check(Beacon.hits == [], f"links: the local HTTP server received nothing: {Beacon.hits}")

        # -- 5: the UNO pipe and the profile private under umask 000
        if wanted("umask"):
            found = {}

            def watch(run, tree):
                # Once soffice listens: its socket's mode, and whether user
                # nobody can connect to it or list the profile.
                if "socket" in found or not run.pipes:
                    return
                pipe = next(iter(run.pipes))
                with open("/proc/net/unix") as f:
                    socks = [ln.split()[-1] for ln in f if ln.rstrip().endswith("_" + pipe)]
                if not socks:
                    return
                sock, prof = socks[0], next(iter(run.profiles), "")
                found["socket"] = (sock, oct(os.stat(sock).st_mode & 0o777), private(sock, "/"))
                found["profile"] = (prof, private(prof, run_tmp), tree_modes(prof, run_tmp))
                if os.getuid() == 0:
                    found["nobody connects"] = as_nobody(
                        "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])", sock)
                    found["nobody lists"] = as_nobody("import os,sys; os.listdir(sys.argv[1])", prof)
            run_tmp = os.path.join(work, "tmp-umask")
            r = audit("umask 000", [small_book(os.path.join(inp, "umask.fods"))], tmpdir=run_tmp, watch=watch,
                      umask=0)
            chk.check(r.code == 0, f"umask 000: audited, exit {r.code}: {r.err[-500:]}")
            chk.check("socket" in found, f"umask 000: found soffice's socket and profile {found}")
            if "socket" in found:
                chk.check(found["socket"][2], f"umask 000: the UNO socket is private: {found['socket']}")
                chk.check(found["profile"][1], f"umask 000: the profile is in a private folder: {found['profile']}")
            for k in ("nobody connects", "nobody lists"):
                if k in found:
                    chk.check(found[k] != 0, f"umask 000: another user is refused ({k})")

        # -- 6: terminal escape sequences
        if wanted("escapes"):
            evil = os.path.join(inp, "esc\x1b[2J\x1b]0;pwned\x07.fods")
            write(evil, workbook([("Q1\x9b2J", [
                ["Channel", F('="Cost"&CHAR(27)&"]0;pwned"&CHAR(7)'), "Leads", "CPL"],
                ["Search", -5, 10, F("=KPI.CPL(B2;C2)", "#NUM!")]])]))
            second = small_book(os.path.join(inp, "plain.fods"))
            for fmt in ("text", "json", "html"):
                r = audit(f"escapes ({fmt})", [evil, second], fmt=fmt)
                raw = r.out + r.err
                chk.check(not CONTROLS.search(raw),
                          f"escapes ({fmt}): no raw control character in the output: "
                          f"{sorted(set(CONTROLS.findall(raw)))}")
                chk.check(r.code == 1 and "pwned" in r.out, f"escapes ({fmt}): exit 1 (negative cost), "
                          f"the names still shown: exit {r.code}")
                if fmt == "json":
                    f = one_file(chk, "escapes (json)", r)
                    chk.check(("error", "negative-input", "Q1\x9b2J.B2") in findings(f),
                              f"escapes (json): the negative cost found, names exact in JSON: {findings(f)}")

        # -- 7: non-finite stored values
        if wanted("nonfinite"):
            text = workbook([("Q1", [["Channel", "Cost", "Leads", "CPL"],
                                     ["Search", 12000, 240, F("=KPI.CPL(B2;C2)", 111.0)],
                                     ["Social", 8000, 160, F("=KPI.CPL(B3;C3)", 222.0)]])])
            text = text.replace('office:value="111.0"', 'office:value="1e999"').replace(
                'office:value="222.0"', 'office:value="NaN"')
            path = write(os.path.join(inp, "nonfinite.fods"), text)
            want = {("error", "invalid-stored-value", "Q1.D2"), ("error", "invalid-stored-value", "Q1.D3")}
            r = audit("nonfinite (json)", [path])
            f = one_file(chk, "nonfinite (json)", r)
            chk.check(r.code == 1 and want <= findings(f),
                      f"nonfinite: both stored values are findings, exit 1: exit {r.code}, {f.get('error')} "
                      f"{findings(f)}")
            html_out = os.path.join(work, "nonfinite.html")
            r = audit("nonfinite (html)", ["-o", html_out, path], fmt="html")
            page = open(html_out, encoding="utf-8").read() if os.path.exists(html_out) else ""
            chk.check(r.code == 1 and page.startswith("<!DOCTYPE html>") and "invalid-stored-value" in page,
                      f"nonfinite (html): report written, exit 1: exit {r.code} {r.err[-300:]}")
            r = audit("nonfinite (text)", [path], fmt="text")
            chk.check(r.code == 1 and "invalid-stored-value" in r.out, f"nonfinite (text): exit {r.code}")

        # -- 8: a file name that is not UTF-8
        if wanted("utf8"):
            name = os.path.join(os.fsencode(inp), b"caf\xe9.fods")
            with open(name, "w", encoding="utf-8") as f:
                f.write(book_text())
            html_out = os.path.join(work, "report.html")
            r = audit("caf\\xe9.fods -o html", ["-o", html_out, os.fsdecode(name)], fmt="html")
            try:
                page = open(html_out, encoding="utf-8").read()
            except (OSError, UnicodeDecodeError) as e:
                page = f"({e})"
            chk.check(r.code == 0 and page.startswith("<!DOCTYPE html>") and "caf" in page,
                      f"caf\\xe9.fods: HTML report written, exit 0: exit {r.code}, {r.err[-300:]}")
            r = audit("caf\\xe9.fods text", [os.fsdecode(name)], fmt="text")
            chk.check(r.code == 0 and "caf" in r.out, f"caf\\xe9.fods: text report, exit {r.code}")

        # -- 9: a lone surrogate in a cell of a hidden sheet
        if wanted("surrogate"):
            text = workbook([("Q1", [["Channel", "Cost", "Leads", "CPL"],
                                     ["Search", 12000, 240, F("=KPI.CPL(B2;C2)", 40)]]),
                             ("Notes", [["Note", F('=UNICHAR(55296)&"x"', "x")]])])
            text = text.replace("<office:automatic-styles>", HIDDEN_STYLE, 1).replace(
                '<table:table table:name="Notes">', '<table:table table:name="Notes" table:style-name="hid">')
            r = audit("surrogate.fods", [write(os.path.join(inp, "surrogate.fods"), text)])
            f = one_file(chk, "surrogate.fods", r)
            not_blamed(chk, "surrogate.fods", f)
            chk.check(("warning", "stale-value", "Q1.D2") in findings(f),
                      f"surrogate.fods: the stale value (40 stored, 50 now) still found: {findings(f)}")

        # -- 10: auditor bugs
        if wanted("parens"):
            # Calc itself gives Err:514 (compiler stack overflow) from 100
            # nested parentheses on: D2 is not judged; E2 (90) is, and agrees.
            def deep(n):
                return "=" + "(" * n + "B2/C2" + ")" * n
            r = audit("parens.fods", [write(os.path.join(inp, "parens.fods"), workbook([("Q1", [
                ["Channel", "Cost", "Leads", "CPL", "CPL"], ["Search", 12000, 240, F(deep(120)), F(deep(90), 50)]])]))])
            f = one_file(chk, "parens.fods", r)
            not_blamed(chk, "parens.fods", f)
            chk.check(findings(f) == {("info", "handwritten-kpi", "Q1.E2")},
                      f"parens.fods: 90 parentheses judged, agrees with KPI.CPL (50): {findings(f)}")
        if wanted("longsum"):
            terms = "+".join(["B2"] * 1100)  # 1100 x 12000 / 240 = 55000
            r = audit("longsum.fods", [write(os.path.join(inp, "longsum.fods"), workbook([("Q1", [
                ["Channel", "Cost", "Leads", "CPL", "CPL"],
                ["Search", 12000, 240, F(f"=KPI.CPL({terms};C2)", 55000), F(f"=IFERROR(({terms})/C2;0)", 55000)]])]))])
            f = one_file(chk, "longsum.fods", r)
            not_blamed(chk, "longsum.fods", f)
            inv = {i["cell"]: i for i in f.get("inventory", [])}
            res = (inv.get("D2") or {}).get("result") or {}
            chk.check(res.get("type") == "value" and abs(res.get("value", 0) - 55000) < 1e-6,
                      f"longsum.fods: KPI.CPL of the 1,100-term sum is 55000: {res}")
        if wanted("novalue"):
            text = workbook([("Q1", [["Channel", "Cost", "Leads", "CPL"],
                                     ["Search", 12000, 240, F("=KPI.CPL(B2;C2)", 333.0)]])])
            text = text.replace('office:value="333.0" ', "")
            r = audit("novalue.fods", [write(os.path.join(inp, "novalue.fods"), text)])
            f = one_file(chk, "novalue.fods", r)
            not_blamed(chk, "novalue.fods", f)
            chk.check(("info", "no-stored-values", "Q1.A1") in findings(f) and
                      [i["cell"] for i in f.get("inventory", [])] == ["D2"],
                      f"novalue.fods: the KPI cell inventoried, its missing value an info: {findings(f)}")
        if wanted("badsst"):
            path = xlsx(os.path.join(inp, "badsst.xlsx"), d2='<c r="D2" t="s"><f>KPI.CPL(B2,C2)</f><v>99</v></c>')
            r = audit("badsst.xlsx", [path])
            f = one_file(chk, "badsst.xlsx", r)
            not_blamed(chk, "badsst.xlsx", f)
            chk.check(("error", "invalid-stored-value", "Q1.D2") in findings(f),
                      f"badsst.xlsx: the bad shared-string index is a finding: {findings(f)}")

        # -- 11: nothing left behind
        if wanted("leftovers"):
            clean = small_book(os.path.join(inp, "clean.fods"))
            r = audit("leftovers: normal", [clean])
            chk.check(r.code == 0 and leftovers(r.tmpdir, r.pipes) == [],
                      f"leftovers after a normal run: exit {r.code}, {leftovers(r.tmpdir, r.pipes)}")
            slow = os.path.join(inp, "slow.fods")
            slow_workbook(slow)
            r = audit("leftovers: time-out", ["--timeout", "3", slow])
            chk.check(r.code == 2 and leftovers(r.tmpdir, r.pipes) == [],
                      f"leftovers after a time-out: exit {r.code}, {leftovers(r.tmpdir, r.pipes)}")
            tmp = os.path.join(work, "tmp-killed")
            os.makedirs(tmp)

            def copy_made(run):
                # soffice listens (its socket exists) and the read-only copy of
                # the audited file exists: LibreOffice is loading it.
                listening = any(os.path.exists(f"/tmp/OSL_PIPE_{os.getuid()}_{p}") for p in run.pipes)
                return listening and any(name.endswith(".fods") for d, _s, names in os.walk(tmp) for name in names)
            r = audit("leftovers: SIGKILL", ["--timeout", "25", slow], tmpdir=tmp, kill_when=copy_made)
            chk.check(r.killed == "by the test", f"SIGKILL: the auditor was killed while loading ({r.killed})")
            stale = leftovers(tmp, r.pipes)
            r2 = audit("leftovers: after SIGKILL", [clean], tmpdir=tmp)
            chk.check(r2.code == 0 and leftovers(tmp, r.pipes | r2.pipes) == [],
                      f"the next run cleans the stale leftovers {stale}: exit {r2.code}, "
                      f"{leftovers(tmp, r.pipes | r2.pipes)}")

        # -- 12: symlinks inside an audited folder
        if wanted("symlinks"):
            folder, outside = os.path.join(work, "folder"), os.path.join(work, "outside")
            os.makedirs(folder)
            os.makedirs(outside)
            small_book(os.path.join(folder, "a.fods"))
            small_book(os.path.join(outside, "b.fods"))
            os.symlink(os.path.join(outside, "b.fods"), os.path.join(folder, "link.fods"))
            os.symlink(outside, os.path.join(folder, "sub"))
            r = audit("symlinks", [folder])
            rep = report_of(r) or {"files": []}
            paths = [os.path.relpath(f["path"], folder) for f in rep["files"]]
            chk.check(r.code == 0 and paths == ["a.fods"], f"symlinks not followed: exit {r.code}, {paths}")
            r = audit("--follow-symlinks", ["--follow-symlinks", folder])
            rep = report_of(r) or {"files": []}
            paths = sorted(os.path.relpath(f["path"], folder) for f in rep["files"])
            chk.check(r.code == 0 and paths == ["a.fods", "link.fods", "sub/b.fods"],
                      f"--follow-symlinks follows them: exit {r.code}, {paths} {r.err[-300:]}")
    finally:
        stop_beacon(server)
        shutil.rmtree(work, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
