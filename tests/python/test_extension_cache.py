"""The installed-extension cache (kpitools/office/session.py): unopkg runs
once per .oxt and LibreOffice, each session gets its own copy.

Checked in real LibreOffice: a session started from the cache computes
=KPI.CPL(30000;200) = 150 (by hand: 30000 / 200); the second session does
not run unopkg again (its log has no unopkg output) and the cache still has
one entry; a different .oxt (the same one with a zip comment: other bytes)
gets its own entry; a session's changes to its copy never reach the cache;
KPI_EXTENSION_CACHE=off installs afresh and leaves the cache alone.
"""
import os
import shutil
import sys
import tempfile
import zipfile

from harness import Checker, args_from_argv
from kpitools.office.session import Office


def entries(root):
    return sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n, ".complete")))


def cpl(oxt, work):
    """The cell's value in a session started with `oxt`."""
    with Office(oxt=oxt, workdir=work) as office:
        doc = office.new_calc()
        cell = doc.Sheets.getByIndex(0).getCellByPosition(0, 0)
        cell.setFormula("=KPI.CPL(30000;200)")
        doc.calculateAll()
        value = cell.getValue()
        # A session writing into its own copy (as soffice may) must not touch the cache.
        open(os.path.join(office.tmp, "shared", "scribble"), "w").close()
        doc.close(True)
    return value


def main():
    a = args_from_argv()
    ck = Checker("python.extension_cache")
    work = tempfile.mkdtemp(prefix="extcache-", dir=a.workdir)
    root = os.path.join(work, "cache")
    os.environ["KPI_EXTENSION_CACHE"] = root
    try:
        v1 = cpl(a.oxt, work)
        ck.check(v1 == 150.0, f"first session computes KPI.CPL: {v1}")
        first = entries(root)
        ck.check(len(first) == 1, f"one cache entry after the first session: {first}")
        stamp = os.stat(os.path.join(root, first[0])).st_mtime_ns if first else 0
        v2 = cpl(a.oxt, work)
        ck.check(v2 == 150.0, f"second session computes KPI.CPL: {v2}")
        ck.check(entries(root) == first, f"the second session reuses the entry: {entries(root)}")
        ck.check(not os.path.exists(os.path.join(root, first[0], "scribble")) if first else False,
                 "a session's writes stay in its own copy")
        ck.check(os.stat(os.path.join(root, first[0])).st_mtime_ns == stamp if first else False,
                 "the entry is not rewritten")
        other = os.path.join(work, "other.oxt")
        shutil.copy(a.oxt, other)
        with zipfile.ZipFile(other, "a") as z:
            z.comment = b"another build"
        v3 = cpl(other, work)
        ck.check(v3 == 150.0, f"another .oxt works: {v3}")
        ck.check(len(entries(root)) == 2, f"another .oxt gets its own entry: {entries(root)}")
        os.environ["KPI_EXTENSION_CACHE"] = "off"
        v4 = cpl(a.oxt, work)
        ck.check(v4 == 150.0, f"with the cache off: {v4}")
        ck.check(len(entries(root)) == 2, "with the cache off nothing is added")
        leftovers = [n for n in os.listdir(work) if n.startswith("kpi-office-")]
        ck.check(not leftovers, f"no session folder left: {leftovers}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
