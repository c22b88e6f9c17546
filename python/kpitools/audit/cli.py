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
import json
import os
import sys
import tempfile

from kpitools.catalogue import CatalogueError, load_catalogue
from kpitools.audit.model import FORMAT_VERSION, SEVERITIES, AuditError
from kpitools.audit.readers import FILTERS, read_stored, sniff
from kpitools.audit.report_html import render_html
from kpitools.audit.report_text import render_text
from kpitools.audit.workbook import audit_file
from kpitools.office.watchdog import Session, StartError, Timeout, office_missing

EXIT_OK, EXIT_FINDINGS, EXIT_FAILED, EXIT_NO_OFFICE = 0, 1, 2, 3

# Limits: beyond them a file is reported as not audited (exit code 2) rather
# than tying up a CI runner. Both can be raised on the command line.
DEFAULT_MAX_CELLS = 1_000_000      # used cells over all sheets
DEFAULT_MAX_BYTES = 200 * 1024 ** 2  # file size, and uncompressed XML size in a package
DEFAULT_TIMEOUT = 120              # seconds of LibreOffice work per file


def summarize(files):
    s = {"files": len(files), "audited": 0, "failed": 0, "kpi_cells": 0, "info": 0, "warning": 0, "error": 0}
    for f in files:
        s["audited" if f["status"] == "audited" else "failed"] += 1
        s["kpi_cells"] += len(f.get("inventory", []))
        for x in f.get("findings", []):
            s[x["severity"]] += 1
    return s


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
                    help=f"seconds of LibreOffice work allowed per file (default {DEFAULT_TIMEOUT})")
    ap.add_argument("--max-cells", type=int, default=DEFAULT_MAX_CELLS,
                    help=f"largest used area audited, in cells (default {DEFAULT_MAX_CELLS:,})")
    ap.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=argparse.SUPPRESS)
    ap.add_argument("--quiet", action="store_true", help="no progress on standard error")
    ap.add_argument("--oxt", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--catalogue", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--shared", default=None, help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)

    def progress(msg):
        if not opts.quiet:
            print(f"kpi-audit: {msg}", file=sys.stderr, flush=True)

    try:
        catalogue = load_catalogue(opts.catalogue).by_formula_name()
    except CatalogueError as e:
        print(f"kpi-audit: {e}", file=sys.stderr)
        return EXIT_FAILED
    if not os.path.isfile(opts.oxt):
        print(f"kpi-audit: the extension {opts.oxt} is missing: build it first (scripts/build.sh)", file=sys.stderr)
        return EXIT_FAILED

    opts.files = expand(opts.files)
    files = []
    session = None
    multi = len(opts.files) > 1
    try:
        for n, path in enumerate(opts.files, 1):
            entry = {"path": path, "status": "failed"}
            files.append(entry)
            if multi:
                progress(f"[{n}/{len(opts.files)}] {path}")
            try:
                kind = sniff(path, opts.max_bytes)
                stored = read_stored(path, kind)
                if session is None:
                    session = start_session(opts)
                    if session is None:
                        entry["error"] = "LibreOffice is not available"
                        return finish(opts, files, EXIT_NO_OFFICE)
                entry.update(run_with_watchdog(session, path, kind, opts, catalogue, stored, progress))
                entry["status"] = "audited"
            except AuditError as e:
                entry["error"] = str(e)
                progress(f"{path}: not audited: {e}")
            except Timeout:
                entry["error"] = f"timed out after {opts.timeout:g} s in LibreOffice: not audited"
                progress(f"{path}: {entry['error']}")
            except Exception as e:  # a UNO bridge failure: LibreOffice crashed on this file
                entry["error"] = f"LibreOffice failed on this file ({type(e).__name__}: {getattr(e, 'Message', e)})"
                progress(f"{path}: {entry['error']}")
                if session is not None:
                    session.stop()
        return finish(opts, files, None)
    finally:
        if session is not None:
            session.close()


def expand(paths):
    """A folder stands for the workbooks in it and its subfolders (sorted);
    an empty folder stays as is and is reported as not audited."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = sorted(os.path.join(d, f) for d, _dirs, names in os.walk(p) for f in names
                           if os.path.splitext(f)[1].lower() in FILTERS and not f.startswith(".~lock"))
            out += found or [p]
        else:
            out.append(p)
    return out


def start_session(opts):
    missing = office_missing()
    if missing:
        print(f"kpi-audit: {missing}", file=sys.stderr)
        return None
    return Session(opts.oxt, opts.workdir or tempfile.gettempdir(), opts.shared, prefix="kpi-audit-")


def run_with_watchdog(session, path, kind, opts, catalogue, stored, progress):
    """The LibreOffice work for one file, bounded by --timeout (Session.run)."""
    try:
        return session.run(opts.timeout, audit_file, session, path, kind, opts, catalogue, stored, progress)
    except StartError as e:
        raise AuditError(str(e))


def finish(opts, files, forced):
    report = {"format": "kpi-audit", "format_version": FORMAT_VERSION, "files": files, "summary": summarize(files)}
    level = SEVERITIES.index(opts.fail_on)
    if forced is not None:
        code = forced
    elif any(f["status"] != "audited" for f in files):
        code = EXIT_FAILED
    elif any(SEVERITIES.index(x["severity"]) >= level for f in files for x in f.get("findings", [])):
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    report["exit_code"] = code
    if opts.format == "json":
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    elif opts.format == "html":
        text = render_html(report)
    else:
        text = render_text(report)
    if opts.output:
        with open(opts.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return code


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
