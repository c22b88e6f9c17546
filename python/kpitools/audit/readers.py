"""What a workbook file is, and the values stored in it, read straight from the
file (ODF or OOXML) before LibreOffice has a chance to recalculate anything."""
import os
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
import zipfile

from kpitools.audit import package
from kpitools.audit.model import AuditError
from kpitools.sheet.xmlns import q

ODS_MIME = ("application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet-template")
FILTERS = {".ods": "calc8", ".fods": "OpenDocument Spreadsheet Flat", ".xlsx": "Calc MS Excel 2007 XML"}


def looks_encrypted(path):
    """An OLE compound file (how Office stores an encrypted workbook) or an
    ODF package whose manifest lists encryption data."""
    try:
        with open(path, "rb") as f:
            if f.read(4) == b"\xd0\xcf\x11\xe0":
                return True
        with zipfile.ZipFile(path) as z:
            return b"encryption-data" in z.read("META-INF/manifest.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def sniff(path, max_bytes):
    """Returns the kind ('.ods', '.fods', '.xlsx') or raises AuditError."""
    if not os.path.exists(path):
        raise AuditError("no such file")
    if os.path.isdir(path):
        raise AuditError("a folder with no .ods, .fods or .xlsx file in it")
    ext = os.path.splitext(path)[1].lower()
    if ext not in FILTERS:
        raise AuditError(f"unsupported file type '{ext or '(none)'}': kpi-audit reads .ods, .fods and .xlsx")
    size = os.path.getsize(path)
    if size == 0:
        raise AuditError("empty file (0 bytes): not a spreadsheet")
    if size > max_bytes:
        raise AuditError(f"file is {size / 1024 ** 2:.0f} MB, above the {max_bytes / 1024 ** 2:.0f} MB limit "
                         "(raise it with --max-bytes)")
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AuditError("password-protected (encrypted) workbook or legacy binary file: "
                         "kpi-audit cannot read it; save an unprotected copy to audit it")
    if ext == ".fods":
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise AuditError("not a flat OpenDocument spreadsheet (not XML)")
        try:
            for _event, el in ET.iterparse(path, events=("start",)):
                mime = el.get(q("office", "mimetype"))
                if el.tag != q("office", "document") or mime not in ODS_MIME:
                    raise AuditError(f"not a flat OpenDocument spreadsheet (root element {el.tag}, "
                                     f"type {mime or 'none'})")
                break
        except ET.ParseError as e:
            raise AuditError(f"malformed XML: {e}")
        return ext
    if not zipfile.is_zipfile(path):
        raise AuditError("not a spreadsheet package (not a ZIP file): damaged, or another kind of file renamed")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if ext == ".ods":
                if "mimetype" not in names or "content.xml" not in names:
                    raise AuditError("not an OpenDocument package (no mimetype or content.xml)")
                mime = z.read("mimetype").decode("ascii", "replace").strip()
                if mime not in ODS_MIME:
                    raise AuditError(f"an OpenDocument file of type '{mime}', not a spreadsheet")
                if "META-INF/manifest.xml" in names and b"encryption-data" in z.read("META-INF/manifest.xml"):
                    raise AuditError("password-protected (encrypted) workbook: kpi-audit cannot read it; "
                                     "save an unprotected copy to audit it")
            else:
                if "xl/workbook.xml" not in names:
                    raise AuditError("not an Excel workbook (no xl/workbook.xml in the package)")
            # What the headers claim, in total (a quick refusal); the real
            # bytes are counted again as they are unpacked (read_stored).
            total = sum(info.file_size for info in z.infolist())
            if total > max_bytes:
                raise AuditError(f"the package unpacks to {total / 1024 ** 2:,.0f} MB in total, above the "
                                 f"{max_bytes / 1024 ** 2:,.0f} MB limit (raise it with --max-bytes): not audited")
    except zipfile.BadZipFile as e:
        raise AuditError(f"damaged ZIP package: {e}")
    return ext


# ---------------------------------------------------------------------------
# The values stored in the file (read before any recalculation) and the copy
# LibreOffice loads: one bounded, streaming pass (package.py)
# ---------------------------------------------------------------------------
DEFAULT_MAX_CELLS = 5_000_000        # used cells over all sheets (read in bulk: docs/benchmark.md, "kpi-audit")
DEFAULT_MAX_BYTES = 200 * 1024 ** 2  # file size, and its package's unpacked size in total
DEFAULT_TIMEOUT = 120                # seconds per file


class ReadTimeout(AuditError):
    """The file's deadline passed while reading it."""


def _error(e):
    return (ReadTimeout if e.kind == "timeout" else AuditError)(str(e))


class Reading:
    """The stored values of a file and the copy LibreOffice loads, as
    read_stored makes them; for a large ODF file whose bytes show nothing to
    remove, the copy is written at once and the values are read in a thread
    while LibreOffice loads it (package.prepare). Should that reading fail
    (a limit, the deadline, damaged XML), on_failure() is called at once
    (it stops LibreOffice) and the failure is the file's."""

    def __init__(self, path, kind, copy, budget, on_failure=None):
        self.budget, self.on_failure = budget, on_failure
        self.values, self.error, self.thread = None, None, None
        try:
            got = package.prepare(path, kind, copy, budget, later=True)
        except package.ReadError as e:
            raise _error(e)
        if not callable(got):
            self.values = got
            return
        self.thread = threading.Thread(target=self._read, args=(got,), name="kpi-audit-stored", daemon=True)
        self.thread.start()

    def _read(self, rest):
        try:
            self.values = rest()
            return
        except package.ReadError as e:
            if e.kind == "cancelled":
                return
            self.error = _error(e)
        except Exception as e:  # a bug of kpi-audit: said as the command line says it
            self.error = AuditError(f"internal error of kpi-audit ({type(e).__name__}: {e}) while reading the "
                                    "stored values: please report it with the file")
        if self.on_failure is not None:
            self.on_failure()

    def failure(self):
        """The reading's error once it failed, else None."""
        return self.error

    def result(self):
        """The stored values (waits for the thread); raises the reading's error."""
        if self.thread is not None:
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.values

    def cancel(self):
        """Stops the thread at its next step (the file was given up) and waits for it."""
        if self.thread is not None and self.thread.is_alive():
            self.budget.cancelled = True
            self.thread.join()


def neutral_copy(path, kind, copy, budget):
    """Writes to `copy` the copy LibreOffice loads (external links removed),
    the stored values left unread where the bytes allow it (a large file
    showing nothing to remove is copied as is): kpi-portable and the KPI
    menu need the copy only. Raises AuditError (ReadTimeout past the
    budget's deadline)."""
    try:
        package.prepare(path, kind, copy, budget, later=True)
    except package.ReadError as e:
        raise _error(e)


def read_stored(path, kind, copy=None, budget=None):
    """{(sheet, row, col): stored result} for every formula cell; writes the
    copy LibreOffice will load (external links removed) to `copy` if given.

    A stored result is ('value', x), ('error', '#DIV/0!'), ('text', s),
    ('date', iso), ('invalid', why) (what Calc never writes: a non-finite
    number, a missing shared string) or None (no value stored: written by a
    tool, never calculated). Raises AuditError (ReadTimeout past the
    budget's deadline)."""
    if budget is None:
        budget = package.Budget(DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, time.monotonic() + DEFAULT_TIMEOUT)
    scratch = None
    if copy is None:
        fd, scratch = tempfile.mkstemp(suffix=kind)
        os.close(fd)
    try:
        return package.prepare(path, kind, copy or scratch, budget)
    except package.ReadError as e:
        raise _error(e)
    finally:
        if scratch:
            os.remove(scratch)
