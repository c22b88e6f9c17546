"""Recalculates workbooks in a LibreOffice with the extension installed and
writes every formula cell's result to CSV, exactly (a number as float.hex,
an error as Calc's error code, text as is); or compares two such dumps.

It is what the platforms workflow (.github/workflows/platforms.yml) runs on
Windows and macOS, with LibreOffice's own bundled Python (3.8 in 7.4: no
newer syntax here, nothing outside the standard library and uno), against
the Linux x86-64 dumps committed in tests/platforms/expected/ (PYTHONPATH: the
repository's python/, for kpitools.sheet, which keeps to 3.8 too); the test
platforms.expected_dumps regenerates those on Linux in every test run, so
they always hold what this build computes.

  python recalc_dump.py dump --soffice PATH [--oxt X.oxt --unopkg PATH [--shared-cache]] --out DIR DOC...
  python recalc_dump.py compare EXPECTED_DIR ACTUAL_DIR
  python recalc_dump.py check EXPECTED_DIR (the dump options) DOC...   (dump, then compare)
"""
import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from kpitools.sheet.addresses import col_name  # the repository's python/ on PYTHONPATH

FORMULA = 16  # com.sun.star.sheet.CellFlags.FORMULA


def url(path):
    import uno
    return uno.systemPathToFileUrl(os.path.abspath(path))


def _die_with_parent():
    # Linux (the tests): the kernel kills soffice if this process dies
    # without cleaning up (a ctest time-out kills it outright).
    import ctypes
    import signal
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connect(port, deadline):
    import uno
    from com.sun.star.connection import NoConnectException
    resolver = uno.getComponentContext().ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", uno.getComponentContext())
    while True:
        try:
            return resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def prop(name, value):
    from com.sun.star.beans import PropertyValue
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def sheet_results(sheet):
    """{cell: (kind, value)} of every formula cell, read in bulk: the cells
    whose result is a number, then text (one data array per range), then
    the few errors (their codes one by one)."""
    out = {}
    for flag, kind in ((1, "number"), (2, "text"), (4, "error")):  # com.sun.star.sheet.FormulaResult
        for addr in sheet.queryFormulaCells(flag).RangeAddresses:
            rng = sheet.getCellRangeByPosition(addr.StartColumn, addr.StartRow, addr.EndColumn, addr.EndRow)
            data = rng.getDataArray() if kind != "error" else None
            for i, r in enumerate(range(addr.StartRow, addr.EndRow + 1)):
                for j, c in enumerate(range(addr.StartColumn, addr.EndColumn + 1)):
                    if kind == "number":
                        value = float(data[i][j]).hex()
                    elif kind == "text":
                        value = data[i][j]
                    else:
                        value = str(sheet.getCellByPosition(c, r).getError())
                    out[f"{col_name(c)}{r + 1}"] = (kind, value)
    return out


def dump_doc(desktop, path, out_csv):
    doc = desktop.loadComponentFromURL(url(path), "_blank", 0, (prop("Hidden", True),))
    try:
        doc.calculateAll()
        with open(out_csv, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["sheet", "cell", "kind", "value"])
            for sheet in doc.Sheets:
                for cell, (kind, value) in sheet_results(sheet).items():
                    w.writerow([sheet.Name, cell, kind, value])
    finally:
        doc.close(True)


def dump(a):
    work = tempfile.mkdtemp(prefix="kpi-dump-")
    profile = url(os.path.join(work, "profile"))
    env_args = [f"-env:UserInstallation={profile}"]
    shared = []
    if a.shared_cache:  # as root on Linux unopkg installs only --shared: into a cache of our own
        env_args.append(f"-env:UNO_SHARED_PACKAGES_CACHE={url(os.path.join(work, 'shared'))}")
        shared = ["--shared"]
    proc = None
    try:
        if a.oxt:
            subprocess.run([a.unopkg, "add", "-s"] + shared + [a.oxt] + env_args, check=True, timeout=600)
        port = free_port()
        proc = subprocess.Popen([a.soffice, "--headless", "--invisible", "--norestore", "--nologo",
                                 f"--accept=socket,host=127.0.0.1,port={port};urp;"] + env_args,
                                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        ctx = connect(port, time.time() + a.timeout)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        os.makedirs(a.out, exist_ok=True)
        for path in a.docs:
            name = os.path.splitext(os.path.basename(path))[0]
            dump_doc(desktop, path, os.path.join(a.out, name + ".csv"))
            print(f"dumped {path}", flush=True)
        try:
            desktop.terminate()
        except Exception:  # the bridge goes down with soffice
            pass
    finally:
        if proc:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return {(row["sheet"], row["cell"]): (row["kind"], row["value"]) for row in csv.DictReader(f)}


def compare(a):
    names = sorted(n for n in os.listdir(a.expected) if n.endswith(".csv"))
    bad = 0
    for name in names:
        actual_path = os.path.join(a.actual, name)
        if not os.path.exists(actual_path):
            print(f"{name}: missing from {a.actual}")
            bad += 1
            continue
        exp, act = read(os.path.join(a.expected, name)), read(actual_path)
        diffs = [(k, exp.get(k), act.get(k)) for k in sorted(set(exp) | set(act)) if exp.get(k) != act.get(k)]
        print(f"{name}: {len(exp)} cells, {len(diffs)} different")
        for k, e, x in diffs[:20]:
            print(f"  {k[0]}.{k[1]}: expected {e}, got {x}")
        bad += bool(diffs)
    print(f"{len(names) - bad} passed, {bad} failed")
    return 1 if bad or not names else 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    k = sub.add_parser("check")
    k.add_argument("expected")
    for p in (d, k):
        p.add_argument("--soffice", required=True)
        p.add_argument("--unopkg")
        p.add_argument("--oxt")
        p.add_argument("--out", required=True)
        p.add_argument("--timeout", type=float, default=180)
        p.add_argument("--shared-cache", action="store_true",
                       help="install --shared into a private cache (root on Linux)")
        p.add_argument("docs", nargs="+")
    c = sub.add_parser("compare")
    c.add_argument("expected")
    c.add_argument("actual")
    a = ap.parse_args()
    if a.cmd == "check":
        shutil.rmtree(a.out, ignore_errors=True)
        dump(a)
        a.actual = a.out
        return compare(a)
    return dump(a) if a.cmd == "dump" else compare(a)


if __name__ == "__main__":
    sys.exit(main())
