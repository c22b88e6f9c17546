"""The tools of the hostile-input tests (calc.audit_hostile, portable.hostile,
calc.menu_portable): runs bounded by polling their process tree in /proc,
the local HTTP server that records every request, and workbook packages
written by hand (.xlsx, .ods) with links to that server."""
import argparse
import contextlib
import http.server
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile

from harness import Checker
from kpitools.bench import proctree
from kpitools.office.guard import rss  # resident memory of a process, as the product's watchdog reads it
from kpitools.office.session import install_extension

# The bounds of every case: CPU time and resident memory of the whole process
# tree (CPU time, not wall time: the machines running the tests are shared,
# and soffice's start-up alone takes 5 to 25 s of wall time there). A case
# still running after WALL_KILL seconds is killed and fails.
LIMIT_SECONDS = 30
LIMIT_BYTES = 1500 * 1024 ** 2
WALL_KILL = 75
TICK = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# A bounded run: the whole process tree polled in /proc
# ---------------------------------------------------------------------------
def cpu(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode("utf-8", "surrogateescape") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


class Run:
    def __init__(self):
        self.code = None
        self.out = self.err = ""
        self.secs = 0.0
        self.peak = 0
        self.cpu = {}         # pid -> CPU seconds, the last seen
        self.killed = None    # "time" or "memory": the bound was hit
        self.pipes = set()    # UNO pipe names of the soffice processes seen
        self.profiles = set()


def run_bounded(cmd, env, watch=None, umask=None, kill_when=None):
    """Runs cmd; kills its process tree past LIMIT_SECONDS or LIMIT_BYTES.
    watch(run, tree) is called at each poll; kill_when(run) returning True
    SIGKILLs the root process alone (the auditor)."""
    r = Run()
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()

    def pre():
        if umask is not None:
            os.umask(umask)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, start_new_session=True, preexec_fn=pre)
    seen = set()
    tree = [p.pid]
    while p.poll() is None:
        tree = proctree.tree(p.pid)
        total = sum(rss(pid) for pid in tree)
        r.peak = max(r.peak, total)
        for pid in tree:
            r.cpu[pid] = max(r.cpu.get(pid, 0.0), cpu(pid))
        for pid in tree:
            argv = cmdline(pid)
            if pid not in seen and argv and argv[0].endswith("soffice.bin"):
                seen.add(pid)
                for a in argv:
                    m = re.match(r"--accept=pipe,name=([^;]+);", a)
                    if m:
                        r.pipes.add(m.group(1))
                    if a.startswith("-env:UserInstallation=file://"):
                        r.profiles.add(a.split("file://", 1)[1])
        if watch:
            watch(r, tree)
        if kill_when and kill_when(r):
            os.kill(p.pid, signal.SIGKILL)
            r.killed = "by the test"
            break
        if sum(r.cpu.values()) > LIMIT_SECONDS or time.monotonic() - t0 > WALL_KILL:
            r.killed = "time"
        elif total > LIMIT_BYTES:
            r.killed = "memory"
        if r.killed:
            for pid in tree:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            break
        time.sleep(0.05)
    r.code = p.wait()
    r.secs = time.monotonic() - t0
    for pid in tree:  # a soffice outliving the auditor would be a leftover: wait for it
        for _ in range(100):
            if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split(") ")[1][0] == "Z":
                break
            time.sleep(0.05)
    out.seek(0)
    err.seek(0)
    r.out = out.read().decode("utf-8", "replace")
    r.err = err.read().decode("utf-8", "replace")
    r.raw_out = r.out
    return r


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


XLSX_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
           'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
           'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
           'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
           '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
           'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
           '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
XLSX_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
             '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
XLSX_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
           '<sheet name="Q1" sheetId="1" r:id="rId1"/></sheets></workbook>')
XLSX_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                'Target="sharedStrings.xml"/></Relationships>')
# Channel | Cost | Leads | CPL; Search | 12000 | 240 | =KPI.CPL(B2,C2) with stored value D2_V.
XLSX_SHEET = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v>'
              '</c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row><row r="2"><c r="A2" t="s"><v>4</v>'
              '</c><c r="B2"><v>12000</v></c><c r="C2"><v>240</v></c>D2_CELL</row></sheetData></worksheet>')
XLSX_SST = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" count="5" uniqueCount="5"><si><t>Channel</t></si><si><t>Cost</t></si><si><t>Leads</t></si>'
            '<si><t>CPL</t></si><si><t>Search</t></si>SST_MORE</sst>')


def xlsx(path, d2='<c r="D2"><f>KPI.CPL(B2,C2)</f><v>50</v></c>', sst_more="", padding=()):
    """A minimal .xlsx written by hand (LibreOffice loads it); padding:
    [(name, bytes)] members of repeated zeros, streamed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", XLSX_CT)
        z.writestr("_rels/.rels", XLSX_RELS)
        z.writestr("xl/workbook.xml", XLSX_WB)
        z.writestr("xl/_rels/workbook.xml.rels", XLSX_WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", XLSX_SHEET.replace("D2_CELL", d2))
        if callable(sst_more):
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                head, tail = XLSX_SST.split("SST_MORE")
                f.write(head.encode())
                sst_more(f)
                f.write(tail.encode())
        else:
            z.writestr("xl/sharedStrings.xml", XLSX_SST.replace("SST_MORE", sst_more))
        pad(z, padding)
    return path


def pad(z, padding):
    chunk = b"\0" * (1 << 20)
    for name, size in padding:
        with z.open(name, "w", force_zip64=True) as f:
            for _ in range(size >> 20):
                f.write(chunk)


def ods(path, content, padding=()):
    # Every member is listed in the manifest: LibreOffice calls a package
    # with unlisted members damaged.
    listed = "".join(f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type=""/>'
                     for name, _size in padding)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.'
                   'opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" '
                   'manifest:media-type="text/xml"/>' + listed + '</manifest:manifest>')
        if callable(content):
            with z.open("content.xml", "w", force_zip64=True) as f:
                content(f)
        else:
            z.writestr("content.xml", content)
        pad(z, padding)
    return path


def fods_to_content(fods_text):
    """The flat file's document as an .ods content.xml (office:document-content)."""
    return fods_text.replace("<office:document ", "<office:document-content ").replace(
        "</office:document>", "</office:document-content>").replace(
        ' office:mimetype="application/vnd.oasis.opendocument.spreadsheet"', "")


LINKS = ('<table:shapes>'
         '<draw:frame svg:width="2cm" svg:height="2cm" svg:x="1cm" svg:y="3cm"><draw:image '
         'xlink:href="http://127.0.0.1:PORT/image.png" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
         '</draw:frame>'
         '<draw:frame svg:width="2cm" svg:height="2cm" svg:x="4cm" svg:y="3cm"><draw:object '
         'xlink:href="http://127.0.0.1:PORT/object.ods" xlink:type="simple" xlink:show="embed" '
         'xlink:actuate="onLoad"/></draw:frame>'
         '<draw:frame svg:width="2cm" svg:height="2cm" svg:x="7cm" svg:y="3cm"><draw:object-ole '
         'xlink:href="http://127.0.0.1:PORT/object.bin" xlink:type="simple" xlink:show="embed" '
         'xlink:actuate="onLoad"/></draw:frame></table:shapes>')
LINK_NS = ('xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" ')


# A 1x1 PNG: a linked image served in full, as a real server would (the KPI
# menu's copy fetched it again as it was loaded and written; after a 404 it
# did not).
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e221bc330000000049454e44ae426082")
MAX_HITS = 10_000


class Beacon(http.server.BaseHTTPRequestHandler):
    """Records every request (method and path) in Beacon.hits."""
    hits = []
    timeout = 10  # seconds a connection may stay idle: shutdown never waits on a client

    def do_GET(self):
        if len(Beacon.hits) >= MAX_HITS:  # bounded, whatever a client does
            self.close_connection = True
            return
        Beacon.hits.append((self.command, self.path))
        png = self.path.endswith(".png") and self.command in ("GET", "HEAD")
        self.send_response(200 if png else 404)
        if png:
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
        self.end_headers()
        if png and self.command == "GET":
            self.wfile.write(PNG)
    do_HEAD = do_POST = do_PROPFIND = do_OPTIONS = do_GET

    def log_message(self, *a):
        pass


def start_beacon(lifetime=1800):
    """A local HTTP server on 127.0.0.1 (a free port) recording every
    request in Beacon.hits; (server, port). It stops by itself after
    lifetime seconds should the test hang; stop_beacon stops it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Beacon)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.timer = threading.Timer(lifetime, server.shutdown)
    server.timer.daemon = True
    server.timer.start()
    return server, server.server_address[1]


def stop_beacon(server):
    server.timer.cancel()
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def beacon():
    """start_beacon's port, the server always shut down."""
    server, port = start_beacon()
    try:
        yield port
    finally:
        stop_beacon(server)


def bounded(chk, name, r):
    line = (f"{name:<24} {r.secs:5.1f} s wall {sum(r.cpu.values()):5.1f} s CPU {r.peak / 1024 ** 2:6.0f} MB  "
            f"exit {r.code}"
            + (f"  KILLED ({r.killed})" if r.killed else ""))
    print(line, flush=True)
    chk.check(r.killed in (None, "by the test"), f"{name}: bounded ({LIMIT_SECONDS} s of CPU, "
              f"{LIMIT_BYTES >> 20} MB for the process tree, {WALL_KILL} s of wall time): killed for {r.killed}")
    chk.check("Traceback" not in r.err, f"{name}: no stack trace: {r.err[-1500:]}")


def setup(test, prefix, options):
    """A hostile-input test's arguments (options, and --only), its Checker and
    its folders: (args, checker, work folder, work/in for the inputs)."""
    ap = argparse.ArgumentParser()
    for opt in options:
        ap.add_argument(opt, required=True)
    ap.add_argument("--only", help="run the cases whose name contains this (debugging)")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    work = os.path.abspath(tempfile.mkdtemp(prefix=prefix, dir=a.workdir))
    os.makedirs(os.path.join(work, "in"))
    return a, Checker(test), work, os.path.join(work, "in")


def install_once(oxt, work):
    """The extension installed once in work/shared, for every run (--shared)."""
    shared = os.path.join(work, "shared")
    with open(os.path.join(work, "unopkg.log"), "w") as log:
        install_extension(oxt, shared, os.path.join(work, "install-user"), log)
    shutil.rmtree(os.path.join(work, "install-user"), ignore_errors=True)
    return shared
