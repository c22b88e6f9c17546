"""build/kpi-portable's rough edges (issue 27, item 5), as a user meets them:

- a cell's value holding ESC, BEL, CSI and a newline followed by a forged
  summary line is printed escaped (kpi-audit's escaping), in text and JSON;
- the copy's permissions: an existing OUTPUT keeps its mode (0600 stayed
  0600, not 0644); a new copy of a 0600 input is 0600; of a 0644 input,
  the umask's 0644;
- a folder as OUTPUT: exit 2 and one clear line (was exit 3, "LibreOffice
  failed: IsADirectoryError"), after the conversion was not even started;
- a run killed with SIGKILL leaves its private folder (a copy of the input,
  soffice's profile) and soffice's socket; the next run removes them, even
  one that stops at its checks (before, only a run that started LibreOffice).
The workbook is generated here.
"""
import glob
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

from harness import Checker, args_from_argv

# B2 / C2 = 5, then ESC [2J (clear the screen), BEL, CSI (U+009B) 31m (red),
# a newline and a line that looks like the summary's own. INDIRECT keeps the
# cell as a value (fetch.py), so the summary prints its value.
HOSTILE = ('of:=KPI.CPL(INDIRECT(&quot;B2&quot;);[.C2])&amp;CHAR(27)&amp;&quot;[2J&quot;&amp;CHAR(7)&amp;'
           'UNICHAR(155)&amp;&quot;31m&quot;&amp;CHAR(10)&amp;&quot;  rewritten S.Z9: =forged&quot;')
VALUE = "5\x1b[2J\x07\x9b31m\n  rewritten S.Z9: =forged"
BOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>
<table:table table:name="S"><table:table-row><table:table-cell/></table:table-row><table:table-row>
<table:table-cell/><table:table-cell office:value-type="float" office:value="10"/>
<table:table-cell office:value-type="float" office:value="2"/><table:table-cell table:formula="{HOSTILE}"/>
</table:table-row></table:table></office:spreadsheet></office:body></office:document>"""


def run(launcher, *args, umask=None):
    return subprocess.run([launcher, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def killed_run(launcher, src, tmp):
    """Starts a conversion, SIGKILLs it once soffice listens on its socket;
    returns (the folders left, the socket's path)."""
    p = subprocess.Popen([launcher, src, "-o", os.path.join(tmp, "killed.ods"), "--workdir", tmp],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = None
    t0 = time.monotonic()
    while socket is None and time.monotonic() - t0 < 120 and p.poll() is None:
        for pipe in glob.glob(os.path.join(tmp, "kpi-portable-*", "kpi-office-*", "pipe")):
            with open(pipe) as f:
                path = f"/tmp/OSL_PIPE_{os.getuid()}_{f.read().strip()}"
            if os.path.exists(path):
                socket = path
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    time.sleep(1)  # soffice dies with its parent
    return glob.glob(os.path.join(tmp, "kpi-portable-*")), socket


def main():
    a = args_from_argv()
    chk = Checker("portable.robust")
    launcher = os.path.join(os.path.dirname(a.catalogue), "..", "kpi-portable")
    os.makedirs(a.workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="portable-robust-", dir=a.workdir)
    try:
        src = os.path.join(tmp, "hostile.fods")
        with open(src, "w", encoding="utf-8") as f:
            f.write(BOOK)
        w = ("--workdir", tmp)

        # Escaping: no control character reaches the terminal, no forged line.
        r = run(launcher, src, "-o", os.path.join(tmp, "a.ods"), *w)
        out = r.stdout.decode("utf-8", "replace")
        unsafe = sorted({hex(ord(c)) for c in out if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f})
        chk.check(r.returncode == 0 and not unsafe, f"text summary: no control character ({r.returncode}, {unsafe})")
        chk.check(not [x for x in out.splitlines() if x.startswith("  rewritten S.Z9")],
                  f"text summary: no forged line ({out!r})")
        chk.check("5\\x1b[2J\\x07\\x9b31m\\n  rewritten S.Z9: =forged" in out,
                  f"text summary: the value shown with visible escapes ({out!r})")
        r = run(launcher, src, "-o", os.path.join(tmp, "b.ods"), "--format", "json", *w)
        raw = r.stdout.decode("utf-8", "replace")
        frozen = json.loads(raw)["frozen"] if r.returncode == 0 else []
        chk.check("\x9b" not in raw and "\x1b" not in raw and [f["value"] for f in frozen] == [VALUE],
                  f"JSON: escaped, the value exact ({[f['value'] for f in frozen]})")

        # Permissions.
        existing = os.path.join(tmp, "existing.ods")
        with open(existing, "w") as f:
            f.write("old")
        os.chmod(existing, 0o600)
        r = run(launcher, src, "-o", existing, *w, umask=0o022)
        chk.check(r.returncode == 0 and mode(existing) == 0o600,
                  f"an existing 0600 output stays 0600 ({r.returncode}, {oct(mode(existing))})")
        os.chmod(src, 0o600)
        r = run(launcher, src, "-o", os.path.join(tmp, "new-private.ods"), *w, umask=0o022)
        chk.check(r.returncode == 0 and mode(os.path.join(tmp, "new-private.ods")) == 0o600,
                  "a new copy of a 0600 input is 0600")
        os.chmod(src, 0o644)
        r = run(launcher, src, "-o", os.path.join(tmp, "new-public.ods"), *w, umask=0o022)
        chk.check(r.returncode == 0 and mode(os.path.join(tmp, "new-public.ods")) == 0o644,
                  "a new copy of a 0644 input is 0644 (umask 022)")

        # A folder as output.
        folder = os.path.join(tmp, "folder.xlsx")
        os.mkdir(folder)
        r = run(launcher, src, "-o", folder, *w)
        line = r.stderr.decode().strip()
        chk.check(r.returncode == 2 and "is a folder" in line and "\n" not in line and os.path.isdir(folder)
                  and not os.listdir(folder), f"a folder as output: exit 2, one line ({r.returncode}: {line!r})")

        # SIGKILL, then a later run: one that stops at its checks (exit 2),
        # then one that converts.
        for later, code in ((os.path.join(tmp, "folder.xlsx"), 2), (os.path.join(tmp, "later.ods"), 0)):
            left, socket = killed_run(launcher, src, tmp)
            chk.check(socket and left and os.path.exists(socket),
                      f"a killed run leaves its folder and socket (the premise: {left}, {socket})")
            r = run(launcher, src, "-o", later, *w)
            chk.check(r.returncode == code and not [x for x in left if os.path.exists(x)]
                      and not (socket and os.path.exists(socket)),
                      f"a later run with exit {code} removes them ({r.returncode}, "
                      f"{glob.glob(os.path.join(tmp, 'kpi-portable-*'))})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
