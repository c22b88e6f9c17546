"""kpi-audit: audits campaign workbooks (.ods, .fods, .xlsx) cell by cell.

  kpi-audit FILE [FILE...] [--format text|json|html] [--fail-on warning|error]

Each workbook is loaded (a read-only copy of it: the audited file is never
written) in real headless LibreOffice with the KPI extension installed in an
isolated profile, recalculated, and every sheet is walked. The report lists:
  1. the inventory of the cells that call a KPI function;
  2. stale values: the value stored in the file differs from the one the
     extension computes now (read straight from the file, before LibreOffice
     had a chance to recalculate anything);
  3. hand-written KPIs (=B7/C7 under a "CPL" header...) recomputed with the
     matching KPI function, and the typical mistakes named;
  4. domain checks on the inputs (negative counts, clicks above impressions,
     dates out of order).
The JSON output is documented in docs/audit-json.md.

Exit codes: 0 nothing reached --fail-on; 1 a finding reached --fail-on;
2 a file could not be audited (or bad usage); 3 LibreOffice is missing or
could not start.

Needs Debian's /usr/bin/python3 (LibreOffice's `uno` module). The launcher
build/kpi-audit passes --oxt and --catalogue.
"""
import argparse
import os
import sys
import tempfile
import time

from kpitools.catalogue import CatalogueError, load_catalogue
from kpitools.audit import escape
from kpitools.audit.model import AuditError, AuditTimeout
from kpitools.audit.package import Budget
from kpitools.audit.readers import (DEFAULT_MAX_BYTES, DEFAULT_MAX_CELLS, DEFAULT_TIMEOUT, FILTERS, Reading,
                                    ReadTimeout, sniff)
from kpitools.audit.output import EXIT_FAILED, Report
from kpitools.audit.selfguard import DEFAULT_MAX_OWN_MEMORY, SelfGuard
from kpitools.audit.workbook import audit_file, failure
from kpitools.office.guard import default_max_memory
from kpitools.office.watchdog import OutOfMemory, Session, StartError, Timeout, office_missing

EXIT_NO_OFFICE = 3  # 0, 1 and 2: output.py
# Limits (readers.py): beyond them a file is reported as not audited (exit
# code 2) rather than tying up a CI runner; all can be raised on the command
# line. docs/guide/robustness.md, "kpi-audit against hostile input".


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kpi-audit", description="Audits KPI figures in campaign workbooks "
                                 "(.ods, .fods, .xlsx) in headless LibreOffice with the KPI extension.",
                                 epilog="Exit codes: 0 nothing reached --fail-on; 1 a finding did; 2 a file could "
                                 "not be audited; 3 LibreOffice is missing. The audited files are never modified. "
                                 "JSON format: docs/audit-json.md.")
    ap.add_argument("files", nargs="+", metavar="FILE", help="a workbook, or a folder of workbooks")
    ap.add_argument("--format", choices=("text", "json", "html"), default="text")
    ap.add_argument("--fail-on", choices=("warning", "error"), default="error",
                    help="exit with 1 when a finding reaches this severity (default: error)")
    ap.add_argument("-o", "--output", help="write the report to this file instead of standard output")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help=f"seconds allowed per file, reading it included (default {DEFAULT_TIMEOUT})")
    ap.add_argument("--max-cells", type=int, default=DEFAULT_MAX_CELLS,
                    help=f"largest used area audited, in cells (default {DEFAULT_MAX_CELLS:,})")
    ap.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                    help=f"largest file, and largest total of its unpacked package, in bytes "
                    f"(default {DEFAULT_MAX_BYTES:,})")
    ap.add_argument("--max-memory", type=float, default=None, metavar="MB",
                    help="memory LibreOffice may use for one file, in MB (default: half of the machine's)")
    ap.add_argument("--max-own-memory", type=float, default=DEFAULT_MAX_OWN_MEMORY / 1024 ** 2, metavar="MB",
                    help="memory kpi-audit's own process may use (resident), in MB (default "
                    f"{DEFAULT_MAX_OWN_MEMORY // 1024 ** 2:,}); past it the file is not audited (exit code 2)")
    ap.add_argument("--follow-symlinks", action="store_true",
                    help="follow symbolic links found inside the folders given (default: skip them)")
    ap.add_argument("--quiet", action="store_true", help="no progress on standard error")
    ap.add_argument("--oxt", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--catalogue", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--shared", default=None, help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)

    opts.max_memory = int(opts.max_memory * 1024 ** 2) if opts.max_memory else default_max_memory()
    opts.max_own_memory = int(opts.max_own_memory * 1024 ** 2)
    # The formula parser and the rules recurse once per nesting level (capped
    # by formula.MAX_NESTING and MAX_DEPTH); Python 3.11 does not use the C
    # stack for these calls.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))

    def progress(msg):
        if not opts.quiet:
            print(f"kpi-audit: {escape.visible(msg, keep_newlines=False)}", file=sys.stderr, flush=True)

    try:
        catalogue = load_catalogue(opts.catalogue)
    except CatalogueError as e:
        print(escape.visible(f"kpi-audit: {e}"), file=sys.stderr)
        return EXIT_FAILED
    if not os.path.isfile(opts.oxt):
        print(escape.visible(f"kpi-audit: the extension {opts.oxt} is missing: build it first (scripts/build.sh)"),
              file=sys.stderr)
        return EXIT_FAILED

    opts.files = expand(opts.files, opts.follow_symlinks)
    # Each file's part of the report is written once it is done (output.py).
    report = Report(opts.format, opts.fail_on, opts.output)
    session = None
    multi = len(opts.files) > 1
    done = False
    # kpi-audit's own memory, polled; past --max-own-memory it kills soffice
    # and the rules' loop stops (selfguard.py).
    own = SelfGuard(opts.max_own_memory, lambda: session is not None and session.kill())
    opts.stop = lambda: own.tripped  # asked by the rules' loop, row by row
    own.__enter__()
    try:
        for n, path in enumerate(opts.files, 1):
            # --timeout bounds the whole file: reading it, LibreOffice, the rules.
            deadline = time.monotonic() + opts.timeout
            entry = {"path": escape.display_path(path), "status": "failed"}
            if multi:
                progress(f"[{n}/{len(opts.files)}] {entry['path']}")
            copy = reading = None
            try:
                kind = sniff(path, opts.max_bytes)
                if session is None:
                    session = start_session(opts)
                    if session is None:
                        entry["error"] = "LibreOffice is not available"
                        report.add(entry)
                        done = True
                        return report.close(EXIT_NO_OFFICE)
                # The one pass over the file: stored values, and the copy
                # LibreOffice loads (in the run's private folder).
                copy = session.scratch_path(kind)
                reading = Reading(path, kind, copy, Budget(opts.max_bytes, opts.max_cells, deadline),
                                  on_failure=session.kill)
                entry.update(run_with_watchdog(session, copy, kind, opts, catalogue, reading, progress, deadline))
                entry["status"] = "audited"
            except (Timeout, ReadTimeout, AuditTimeout):
                entry["error"] = f"timed out after {opts.timeout:g} s: not audited (raise the limit with --timeout)"
            except OutOfMemory:
                entry["error"] = (f"too large: LibreOffice needed more than {opts.max_memory / 1024 ** 2:,.0f} MB "
                                  "of memory for this workbook (raise the limit with --max-memory): not audited")
            except AuditError as e:
                entry["error"] = str(e)
            except Exception as e:
                entry["error"] = failure(e)
                if session is not None:
                    session.stop()
            finally:
                if reading is not None:
                    reading.cancel()
                if copy:
                    try:
                        os.remove(copy)
                    except OSError:
                        pass
            if own.tripped:  # whatever the file's end looked like (selfguard.py)
                entry = {"path": entry["path"], "status": "failed", "error": own.message()}
                own.acknowledge()
                if session is not None:
                    session.stop()  # killed by the guard: the next file gets a fresh one
            if entry["status"] != "audited":
                entry["error"] = " ".join(entry["error"].split())  # one line
                progress(f"{entry['path']}: not audited: {entry['error']}")
            report.add(entry)
            del entry  # its findings are written: not kept for the next file
        done = True
        return report.close()
    finally:
        own.__exit__()
        if not done:
            report.abandon()
        if session is not None:
            session.close()


def expand(paths, follow_symlinks=False):
    """A folder stands for the workbooks in it and its subfolders (sorted);
    an empty folder stays as is and is reported as not audited. Symbolic
    links inside a folder (files and folders) are skipped unless
    follow_symlinks: they may lead anywhere on the machine. Followed, each
    real folder is walked once (no loops)."""
    out = []
    for p in paths:
        if not os.path.isdir(p):
            out.append(p)
            continue
        found, seen = [], set()
        for d, dirs, names in os.walk(p, followlinks=follow_symlinks):
            real = os.path.realpath(d)
            if real in seen:
                dirs[:] = []
                continue
            seen.add(real)
            if not follow_symlinks:
                dirs[:] = [x for x in dirs if not os.path.islink(os.path.join(d, x))]
            found += [os.path.join(d, f) for f in names
                      if os.path.splitext(f)[1].lower() in FILTERS and not f.startswith(".~lock")
                      and (follow_symlinks or not os.path.islink(os.path.join(d, f)))]
        out += sorted(found) or [p]
    return out


def start_session(opts):
    missing = office_missing()
    if missing:
        print(f"kpi-audit: {missing}", file=sys.stderr)
        return None
    return Session(opts.oxt, opts.workdir or tempfile.gettempdir(), opts.shared, prefix="kpi-audit-",
                   max_memory=opts.max_memory, block_links=True)


def run_with_watchdog(session, copy, kind, opts, catalogue, reading, progress, deadline):
    """The LibreOffice work for one file, bounded by the file's deadline and
    --max-memory (Session.run). Should the reading of its stored values
    fail meanwhile (it stops LibreOffice), that failure is the file's."""
    try:
        return session.run(deadline, audit_file, session, copy, kind, opts, catalogue, reading, progress)
    except StartError as e:
        raise AuditError(str(e))
    except Exception:
        if reading.failure() is not None:
            raise reading.failure()
        raise


def run():
    """The kpi-audit command (python3 -m kpitools.audit)."""
    try:
        sys.exit(main())
    except BrokenPipeError:  # kpi-audit ... | head
        sys.stderr.close()
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        print("kpi-audit: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
