"""kpi-portable INPUT -o OUTPUT [--format text|json]: a copy of a workbook
that computes without the extension (Excel, Google Sheets, Gnumeric,
LibreOffice without it). build/kpi-portable runs it with this build's .oxt and
catalogue.

The input reaches LibreOffice as kpi-audit's does (kpitools.office.untrusted:
a copy without links to the outside, read within the same limits, loaded
with no macro and no link update by a soffice that blocks linked images),
and the LibreOffice work runs under the same watchdog (--timeout,
--max-memory): nothing is fetched from the network or from other files, and
no input holds the command for long.

Exit codes: 0 written; 2 bad input or output, or past a limit (one line on
standard error, nothing written); 3 LibreOffice missing or failing.
"""
import argparse
import json
import os
import sys
import tempfile
import time

from kpitools.audit import readers  # the file checks and the copy are kpi-audit's: one implementation
from kpitools.audit.escape import display_path, json_safe, visible  # and its escaping of what is printed
from kpitools.audit.model import AuditError
from kpitools.audit.package import Budget
from kpitools.office.guard import clean_stale, default_max_memory
from kpitools.office.watchdog import OutOfMemory, Session, StartError, Timeout, office_missing

EXIT_OK, EXIT_BAD, EXIT_NO_OFFICE = 0, 2, 3
PREFIX = "kpi-portable-"  # of each run's private folder (office/watchdog.py's Session)
OUTPUT_FILTERS = {".ods": "calc8", ".xlsx": "Calc MS Excel 2007 XML"}


class PortableError(Exception):
    """Bad input or output: a one-line message, exit code 2."""


class NoOffice(Exception):
    """LibreOffice is missing or could not start: exit code 3."""


def _ours(message):
    """A message of the shared reading layer, said by kpi-portable."""
    return (message.replace("kpi-audit", "kpi-portable").replace(": not audited", ": nothing written")
            .replace("to audit it", "to convert it"))


def check_paths(inp, out, max_bytes=readers.DEFAULT_MAX_BYTES):
    """Validates INPUT (as kpi-audit does) and OUTPUT; returns the input kind."""
    try:
        kind = readers.sniff(inp, max_bytes)
    except AuditError as e:
        raise PortableError(_ours(str(e)))
    except OSError as e:
        raise PortableError(f"cannot read it ({e.strerror})")
    if os.path.isdir(out):
        raise PortableError(f"the output {display_path(out)} is a folder: give a file name ending in .ods or .xlsx")
    if os.path.lexists(out) and not os.path.isfile(out):
        raise PortableError(f"the output {display_path(out)} exists and is not a regular file")
    ext = os.path.splitext(out)[1].lower()
    if ext not in OUTPUT_FILTERS:
        raise PortableError(f"unsupported output type '{ext or '(none)'}': kpi-portable writes .ods or .xlsx")
    if os.path.exists(out) and os.path.samefile(inp, out):
        raise PortableError("the output would overwrite the input: choose another file name")
    folder = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(folder):
        raise PortableError(f"no such folder for the output: {folder}")
    if not os.access(folder, os.W_OK):
        raise PortableError(f"cannot write in {folder}")
    return kind


def convert_copy(session, copy, kind, inp, out, deadline=None):
    """The LibreOffice work, under session.run's watchdog: opens the copy
    (kpitools.office.untrusted), converts it, writes OUTPUT."""
    from kpitools.office.untrusted import OpenFailed, open_copy
    from . import convert
    try:
        doc = open_copy(session.office.desktop, copy, readers.FILTERS[kind], read_only=False, original=inp)
    except OpenFailed as e:
        raise PortableError(str(e))
    try:
        summary = convert.convert_document(doc)
        write(session.office, doc, out, output_mode(inp, out))
    finally:
        doc.close(True)
    return summary


def output_mode(inp, out):
    """The permissions of the copy: an existing OUTPUT keeps its own (the
    rename would otherwise give it mkstemp's or the umask's); a new one gets
    the umask's, but never more than the input's group and others may read:
    the copy holds the input's data (a 0600 input gives a 0600 copy)."""
    try:
        return os.stat(out).st_mode & 0o777  # not set-user-ID and the like
    except FileNotFoundError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    mode = 0o666 & ~umask
    try:
        mode &= os.stat(inp).st_mode | 0o700
    except OSError:
        pass
    return mode


def write(office, doc, out, mode):
    """Stores into a temporary file next to OUTPUT, then renames: OUTPUT is
    either the whole new file or untouched, with the permissions `mode`."""
    ext = os.path.splitext(out)[1].lower()
    folder = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=".kpi-portable-", suffix=ext, dir=folder)
    os.close(fd)
    try:
        office.save_as(doc, tmp, OUTPUT_FILTERS[ext])
        os.chmod(tmp, mode)  # mkstemp's file is private (0600)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def text_summary(inp, out, summary):
    """One line per cell. Everything from the workbook (sheet names,
    formulas, values: text a stranger wrote) and the file names is printed
    through kpi-audit's escaping, newlines included: a value cannot send
    terminal escape sequences nor forge a line of the summary."""
    def v(x):
        return visible(x, keep_newlines=False)
    lines = [f"{display_path(inp)} -> {display_path(out)}: {len(summary['rewritten'])} formula(s) rewritten "
             f"natively, {len(summary['frozen'])} kept as values"
             + (f" (shaded, and listed on the sheet '{v(summary['listing'])}')" if summary.get("listing") else "")]
    for r in summary["rewritten"]:
        lines.append(f"  rewritten {v(r['cell'])}: {v(r['formula'])}")
    for f in summary["frozen"]:
        lines.append(f"  value     {v(f['cell'])}: {v(f['formula'])} = {v(f['value'])} ({v(f['reason'])})")
    return "\n".join(lines)


def run(opts):
    # The folders and sockets of runs killed before they could remove them
    # (SIGKILL, a crash) go first, even if this run stops at its checks:
    # kpi-audit's code (office/guard.py), for this process's prefix.
    clean_stale(opts.workdir or tempfile.gettempdir(), PREFIX)
    kind = check_paths(opts.input, opts.output, opts.max_bytes)
    from . import native
    with open(opts.catalogue) as f:
        native.use_catalogue(json.load(f))
    missing = office_missing()
    if missing:
        raise NoOffice(missing)
    # --timeout bounds the whole file: reading it, LibreOffice, the conversion.
    deadline = time.monotonic() + opts.timeout
    session = Session(opts.oxt, opts.workdir or tempfile.gettempdir(), opts.shared, prefix=PREFIX,
                      max_memory=opts.max_memory, block_links=True)
    try:
        copy = session.scratch_path(kind)
        try:
            readers.neutral_copy(opts.input, kind, copy, Budget(opts.max_bytes, opts.max_cells, deadline))
        except AuditError as e:
            raise PortableError(_ours(str(e)))
        try:
            return session.run(deadline, convert_copy, session, copy, kind, opts.input, opts.output)
        except Timeout:
            raise PortableError(f"timed out after {opts.timeout:g} s: nothing written (raise the limit with --timeout)")
        except OutOfMemory:
            raise PortableError(f"too large: LibreOffice needed more than {opts.max_memory / 1024 ** 2:,.0f} MB of "
                                "memory for this workbook (raise the limit with --max-memory): nothing written")
        except StartError as e:
            raise NoOffice(str(e))
    finally:
        session.close()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kpi-portable", description=(
        "Writes a copy of a workbook in which every KPI.… formula is rewritten with native spreadsheet "
        "functions (or kept as its value where none exists), so that it computes in Excel, Google Sheets, "
        "Gnumeric and LibreOffice without the extension. The input is never modified."),
        epilog="Exit codes: 0 written; 2 bad input or output, or past a limit (nothing written); "
               "3 LibreOffice missing or failed.")
    ap.add_argument("input", metavar="INPUT", help="a .ods, .fods or .xlsx workbook")
    ap.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="the copy to write: .ods or .xlsx")
    ap.add_argument("--format", choices=("text", "json"), default="text", help="the summary on standard output")
    # The limits are kpi-audit's, with the same defaults (docs/guide/robustness.md, "kpi-portable against hostile input").
    ap.add_argument("--timeout", type=float, default=readers.DEFAULT_TIMEOUT,
                    help=f"seconds allowed, reading the input included (default {readers.DEFAULT_TIMEOUT})")
    ap.add_argument("--max-cells", type=int, default=readers.DEFAULT_MAX_CELLS,
                    help=f"most formula cells read from the input (default {readers.DEFAULT_MAX_CELLS:,})")
    ap.add_argument("--max-bytes", type=int, default=readers.DEFAULT_MAX_BYTES,
                    help=f"largest input, and largest total of its unpacked package, in bytes "
                    f"(default {readers.DEFAULT_MAX_BYTES:,})")
    ap.add_argument("--max-memory", type=float, default=None, metavar="MB",
                    help="memory LibreOffice may use, in MB (default: half of the machine's)")
    ap.add_argument("--oxt", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--catalogue", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--shared", default=None, help=argparse.SUPPRESS)  # an extension cache (the tests)
    opts = ap.parse_args(argv)
    opts.max_memory = int(opts.max_memory * 1024 ** 2) if opts.max_memory else default_max_memory()
    try:
        summary = run(opts)
    except PortableError as e:
        print(visible(f"kpi-portable: {display_path(opts.input)}: {e}", keep_newlines=False), file=sys.stderr)
        return EXIT_BAD
    except NoOffice as e:
        print(visible(f"kpi-portable: {e}".splitlines()[0]), file=sys.stderr)
        return EXIT_NO_OFFICE
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # LibreOffice failed (crash, bridge closed): no traceback for users
        print(visible(f"kpi-portable: {display_path(opts.input)}: LibreOffice failed: {type(e).__name__}: {e}"
                      .splitlines()[0]), file=sys.stderr)
        return EXIT_NO_OFFICE
    try:
        if opts.format == "json":
            # json.dumps escapes the C0 controls; json_safe the C1 and bidirectional ones too. Compact:
            # with an indent json.dumps runs its pure-Python encoder, 0.7 s for the 20,000 entries of a
            # 20,000-row sheet (issue 26: an eighth of the whole conversion), against 0.2 s.
            print(json_safe(json.dumps({"input": opts.input, "output": opts.output, **summary},
                                       ensure_ascii=False)))
        else:
            print(text_summary(opts.input, opts.output, summary))
    except BrokenPipeError:
        pass
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
