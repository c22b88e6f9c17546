"""A cap on kpi-audit's own memory (issue 27, item 6): --max-memory bounds
soffice only, and a hostile 2.6 KB workbook (one array formula claiming a
million cells) made kpi-audit's own Python process grow to 4.4 GB.

A thread polls the process's resident memory (as office/guard.py's watchdog
polls soffice's). Past the limit it sets `tripped` and kills soffice, so
that the UNO call the main thread is in fails at once; the rules' loop
asks `tripped` row by row (engine.Audit.stop). The command line then
reports the file as "not audited: kpi-audit itself needed more than N MB"
(exit code 2). Not an interrupt of the main thread: pyuno turns a
KeyboardInterrupt met inside a UNO call into a SystemError, or loses it.
Should the main thread not stop within GRACE seconds, or the process grow
to twice the limit meanwhile (stuck in C code that keeps allocating), the
thread ends the process itself with the same message and exit code 2.

Not RLIMIT_AS: the auditor maps LibreOffice's UNO libraries (address space it
never touches), and soffice, its child, would inherit the limit that
office/session.py sets for it on its own."""
import os
import sys
import threading
import time

from kpitools.office.guard import rss

DEFAULT_MAX_OWN_MEMORY = 4096 * 1024 ** 2
EXIT_FAILED = 2
# Seconds the main thread has to answer the interrupt before the process ends.
GRACE = 10.0


class SelfGuard:
    def __init__(self, limit, kill_office, period=0.1):
        self.limit, self.kill_office, self.period = limit, kill_office, period
        self.tripped = False
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="kpi-audit-self-guard")

    def message(self):
        return (f"too large: kpi-audit itself needed more than {self.limit / 1024 ** 2:,.0f} MB of memory "
                "for this workbook (raise the limit with --max-own-memory): not audited")

    def _run(self):
        pid = os.getpid()
        since = None
        armed = True
        while not self._stop.wait(self.period):
            used = rss(pid)
            self.peak = max(self.peak, used)
            if used <= self.limit:
                armed, since = True, None
                continue
            if armed and not self.tripped:
                self.tripped, since, armed = True, time.monotonic(), False
                self.kill_office()
            elif (self.tripped and time.monotonic() - since > GRACE) or used > self.limit * 2:
                # The main thread did not get back to Python in time, or the
                # process still grows after dropping the file: end here.
                print(f"kpi-audit: {self.message()}", file=sys.stderr, flush=True)
                try:
                    self.kill_office()
                finally:
                    os._exit(EXIT_FAILED)

    def acknowledge(self):
        """The main thread stopped the file and dropped it. The
        guard re-arms once the memory is back under the limit (Python may
        keep freed memory for a while)."""
        self.tripped = False

    def __enter__(self):
        if self.limit:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return False
