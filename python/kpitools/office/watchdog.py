"""A restartable office for long runs over many files (kpi-audit), with a
watchdog that bounds each piece of LibreOffice work.

Importing this module does not need LibreOffice's `uno` module: the session
imports kpitools.office.session when it starts, so a command can first tell
the user plainly that LibreOffice is missing (office_missing()).
"""
import os
import shutil
import sys
import tempfile
import time
import uuid

from kpitools.office import guard


class Timeout(Exception):
    """The watchdog fired: soffice was killed, the work did not finish."""


class OutOfMemory(Exception):
    """soffice went past the memory limit and was killed."""


class StartError(Exception):
    """soffice (or the extension's installation) could not start."""


def office_missing():
    """None when LibreOffice and its Python bridge are there; else a one-line
    reason, for a command to show before giving up."""
    try:
        from kpitools.office import session
    except ImportError as e:
        return (f"LibreOffice's Python bridge is missing ({e}): install libreoffice-calc-nogui and "
                "python3-uno, and run with /usr/bin/python3")
    if not os.path.exists(session.SOFFICE_BIN):
        return f"LibreOffice is not installed ({session.SOFFICE_BIN} is missing): install libreoffice-calc-nogui"
    return None


class Session:
    """One soffice with the extension; restarted after a time-out or a crash."""

    def __init__(self, oxt, workdir, shared=None, prefix="kpi-session-", max_memory=None, block_links=False):
        """max_memory: bytes of resident memory soffice may use (None: no
        limit); block_links: the profile blocks linked images."""
        self.oxt = oxt
        self.max_memory = max_memory
        self.block_links = block_links
        # The run's private folder (mode 0700 whatever the umask): the
        # profile, soffice's temporary files, copies of documents. A run
        # killed before removing it leaves it to the next one.
        guard.clean_stale(workdir, prefix)
        self.root = tempfile.mkdtemp(prefix=prefix, dir=workdir)
        guard.claim(self.root)
        # shared: an extension cache the .oxt is already installed in (the
        # tests install once for several runs); else installed here once.
        self.shared = shared or os.path.join(self.root, "shared")
        self.office = None
        self.scratch_doc = None
        self.installed = bool(shared)

    def start(self):
        if self.office is not None:
            return
        from kpitools.office.session import Office, provide_extension
        if not self.installed:
            user = os.path.join(self.root, "install-user")
            with open(os.path.join(self.root, "unopkg.log"), "w") as log:
                provide_extension(self.oxt, self.shared, user, log)
            shutil.rmtree(user, ignore_errors=True)
            self.installed = True
        # RLIMIT_AS: a backstop for allocations faster than the watchdog's
        # polling of the resident memory (soffice reserves address space it
        # never touches, hence the margin).
        office = Office(workdir=self.root, shared_dir=self.shared, block_links=self.block_links,
                        max_address_space=self.max_memory + 2 * 1024 ** 3 if self.max_memory else None)
        office.__enter__()
        self.office = office
        self.scratch_doc = office.new_calc()
        # Calc records an undo action for each write through the API: the
        # audit's batches of KPI calls (written, read, cleared 20 times on
        # the 1.1M-cell workbook) were all kept, 25 MB of soffice's peak
        # (issue 26, item 6). The scratch document never needs undoing.
        self.scratch_doc.IsUndoEnabled = False
        self.scratch_cell = self.scratch_doc.Sheets.getByIndex(0).getCellByPosition(0, 0)

    def stop(self):
        if self.office is not None:
            try:
                self.office.close()
            finally:
                self.office = None
                self.scratch_doc = None

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def kill(self):
        if self.office is not None:
            self.office.kill()

    def scratch_path(self, suffix):
        """A new path in the run's private folder (removed at close)."""
        return os.path.join(self.root, "doc-" + uuid.uuid4().hex + suffix)

    def pid(self):
        p = self.office.proc if self.office is not None else None
        return p.pid if p is not None and p.poll() is None else None

    def evaluate(self, formula):
        """A formula's result in a scratch cell: ('value', x) or ('error', code)."""
        self.scratch_cell.setFormula(formula)
        err = self.scratch_cell.getError()
        if err:
            return ("error", err)
        return ("value", self.scratch_cell.getValue())

    def evaluate_many(self, formulas):
        """The results of many formulas, as evaluate gives each, computed
        together in the scratch document (office/scratch.py)."""
        from kpitools.office import scratch
        return scratch.evaluate_many(self.scratch_doc.Sheets.getByIndex(0), formulas)

    def run(self, deadline, work, *args):
        """work(*args) with every LibreOffice interaction bounded in time
        (deadline, a time.monotonic(), which soffice's start-up does not
        consume) and in memory (max_memory): past either the watchdog kills
        soffice, the blocked UNO call fails, Timeout or OutOfMemory is raised,
        and the next run gets a fresh soffice. A failure to start raises
        StartError. Returns work's result and the deadline it ran under."""
        t0 = time.monotonic()
        # Bounded on its own: unopkg 180 s, soffice start-up 90 s. A start
        # right after the watchdog killed the previous soffice fails now and
        # then on a loaded machine (its UNO bridge disposed during the first
        # call: seen about once in a few hundred runs of calc.audit_hostile);
        # a second start is clean, so one failure is retried.
        for attempt in (1, 2):
            try:
                self.start()
                break
            except Exception as e:
                self.stop()
                if attempt == 2:
                    raise StartError(f"LibreOffice could not start ({e})")
        deadline += time.monotonic() - t0
        dog = guard.Watchdog(deadline, self.max_memory, self.pid, self.kill)
        try:
            with dog:
                try:
                    return work(*args, deadline)
                except Exception:
                    if dog.reason is None:
                        raise
            raise OutOfMemory() if dog.reason == "memory" else Timeout()
        finally:
            if dog.reason is not None:
                self.stop()
            elif self.office is not None and not self.office.alive():
                self.stop()


class AbortHandler:
    """Built lazily (needs unohelper): answers every interaction (a password
    prompt, a repair question) with Abort, so loading never waits on a dialog."""
    cls = None

    @classmethod
    def make(cls):
        if cls.cls is None:
            import unohelper
            from com.sun.star.task import XInteractionHandler, XInteractionAbort

            class Handler(unohelper.Base, XInteractionHandler):
                def __init__(self):
                    self.asked = []

                def handle(self, request):
                    self.asked.append(request.getRequest())
                    if os.environ.get("KPI_AUDIT_DEBUG"):
                        print("interaction:", request.getRequest(), file=sys.stderr)
                    # Choosing no continuation also means "abort" to the
                    # loader; select Abort explicitly where it is offered.
                    abort = uno_type("com.sun.star.task.XInteractionAbort")
                    for cont in request.getContinuations():
                        try:
                            if isinstance(cont, XInteractionAbort) or cont.queryInterface(abort) is not None:
                                cont.select()
                                return
                        except Exception:
                            continue
            cls.cls = Handler
        return cls.cls()


def uno_type(name):
    import uno
    return uno.getTypeByName(name)
