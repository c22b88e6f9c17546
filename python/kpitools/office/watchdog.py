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
import threading


class Timeout(Exception):
    """The watchdog fired: soffice was killed, the work did not finish."""


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

    def __init__(self, oxt, workdir, shared=None, prefix="kpi-session-"):
        self.oxt = oxt
        self.root = tempfile.mkdtemp(prefix=prefix, dir=workdir)
        # shared: an extension cache the .oxt is already installed in (the
        # tests install once for several runs); else installed here once.
        self.shared = shared or os.path.join(self.root, "shared")
        self.office = None
        self.scratch_doc = None
        self.installed = bool(shared)

    def start(self):
        if self.office is not None:
            return
        from kpitools.office.session import Office, install_extension
        if not self.installed:
            user = os.path.join(self.root, "install-user")
            with open(os.path.join(self.root, "unopkg.log"), "w") as log:
                install_extension(self.oxt, self.shared, user, log)
            shutil.rmtree(user, ignore_errors=True)
            self.installed = True
        office = Office(workdir=self.root, shared_dir=self.shared)
        office.__enter__()
        self.office = office
        self.scratch_doc = office.new_calc()
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

    def evaluate(self, formula):
        """A formula's result in a scratch cell: ('value', x) or ('error', code)."""
        self.scratch_cell.setFormula(formula)
        err = self.scratch_cell.getError()
        if err:
            return ("error", err)
        return ("value", self.scratch_cell.getValue())

    def run(self, seconds, work, *args):
        """work(*args) with every LibreOffice interaction bounded: past the
        limit the watchdog kills soffice, the blocked UNO call fails, Timeout
        is raised, and the next run gets a fresh soffice. A failure to start
        raises StartError."""
        fired = threading.Event()

        def fire():
            fired.set()
            self.kill()
        try:
            self.start()  # bounded on its own: unopkg 180 s, soffice start-up 90 s
        except Exception as e:
            self.stop()
            raise StartError(f"LibreOffice could not start ({e})")
        timer = threading.Timer(seconds, fire)
        timer.daemon = True
        timer.start()
        try:
            try:
                return work(*args)
            except Exception:
                if fired.is_set():
                    raise Timeout()
                raise
        finally:
            timer.cancel()
            if fired.is_set():
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
