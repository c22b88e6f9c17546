"""kpi-portable INPUT -o OUTPUT [--format text|json]: a copy of a workbook
that computes without the extension (Excel, Google Sheets, Gnumeric,
LibreOffice without it). build/kpi-portable runs it with this build's .oxt and
catalogue.

Exit codes: 0 written; 2 bad input or output (one line on standard error,
nothing written); 3 LibreOffice missing or failing.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

from kpitools.audit import readers  # the file checks are kpi-audit's: one implementation
from kpitools.audit.model import AuditError
from kpitools.office.watchdog import AbortHandler

EXIT_OK, EXIT_BAD, EXIT_NO_OFFICE = 0, 2, 3
OUTPUT_FILTERS = {".ods": "calc8", ".xlsx": "Calc MS Excel 2007 XML"}
MAX_BYTES = 200 * 1024 ** 2


class PortableError(Exception):
    """Bad input or output: a one-line message, exit code 2."""


def check_paths(inp, out):
    """Validates INPUT (as kpi-audit does) and OUTPUT; returns the input kind."""
    try:
        kind = readers.sniff(inp, MAX_BYTES)
    except AuditError as e:
        raise PortableError(str(e).replace("kpi-audit", "kpi-portable"))
    except OSError as e:
        raise PortableError(f"cannot read it ({e.strerror})")
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


def load(office, path, kind):
    from com.sun.star.io import IOException
    from com.sun.star.lang import IllegalArgumentException
    copy = office.scratch("input" + kind)
    shutil.copyfile(path, copy)  # LibreOffice only ever sees a copy: the input is never touched
    handler = AbortHandler.make()
    try:
        doc = office.load(copy, FilterName=readers.FILTERS[kind], InteractionHandler=handler,
                          MacroExecutionMode=0, UpdateDocMode=0)
    except (IllegalArgumentException, IOException, RuntimeError):
        doc = None
    if doc is None:
        if handler.asked or readers.looks_encrypted(path):
            raise PortableError("password-protected or damaged (LibreOffice asked for a password or a repair)")
        raise PortableError("LibreOffice could not load it (damaged, or not a spreadsheet)")
    if not hasattr(doc, "Sheets"):
        doc.close(True)
        raise PortableError("not a spreadsheet")
    return doc


def write(office, doc, out):
    """Stores into a temporary file next to OUTPUT, then renames: OUTPUT is
    either the whole new file or untouched."""
    ext = os.path.splitext(out)[1].lower()
    folder = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=".kpi-portable-", suffix=ext, dir=folder)
    os.close(fd)
    try:
        office.save_as(doc, tmp, OUTPUT_FILTERS[ext])
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's file is private; the copy is an ordinary file
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def text_summary(inp, out, summary):
    lines = [f"{inp} -> {out}: {len(summary['rewritten'])} formula(s) rewritten natively, "
             f"{len(summary['frozen'])} kept as values"]
    for r in summary["rewritten"]:
        lines.append(f"  rewritten {r['cell']}: {r['formula']}")
    for f in summary["frozen"]:
        lines.append(f"  value     {f['cell']}: {f['formula']} = {f['value']} ({f['reason']})")
    return "\n".join(lines)


def run(opts):
    kind = check_paths(opts.input, opts.output)
    from kpitools.office.session import Office
    from . import convert, native
    with open(opts.catalogue) as f:
        native.use_catalogue(json.load(f))
    with Office(oxt=opts.oxt, workdir=opts.workdir or tempfile.gettempdir()) as office:
        doc = load(office, opts.input, kind)
        try:
            summary = convert.convert_document(doc)
            write(office, doc, opts.output)
        finally:
            doc.close(True)
    return summary


def main(argv=None):
    ap = argparse.ArgumentParser(prog="kpi-portable", description=(
        "Writes a copy of a workbook in which every KPI.… formula is rewritten with native spreadsheet "
        "functions (or kept as its value where none exists), so that it computes in Excel, Google Sheets, "
        "Gnumeric and LibreOffice without the extension. The input is never modified."),
        epilog="Exit codes: 0 written; 2 bad input or output (nothing written); 3 LibreOffice failed.")
    ap.add_argument("input", metavar="INPUT", help="a .ods, .fods or .xlsx workbook")
    ap.add_argument("-o", "--output", required=True, metavar="OUTPUT", help="the copy to write: .ods or .xlsx")
    ap.add_argument("--format", choices=("text", "json"), default="text", help="the summary on standard output")
    ap.add_argument("--oxt", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--catalogue", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    try:
        summary = run(opts)
    except PortableError as e:
        print(f"kpi-portable: {opts.input}: {e}", file=sys.stderr)
        return EXIT_BAD
    except ImportError as e:
        print(f"kpi-portable: LibreOffice's Python bridge is missing ({e}): install python3-uno", file=sys.stderr)
        return EXIT_NO_OFFICE
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # LibreOffice failed (crash, bridge closed): no traceback for users
        print(f"kpi-portable: {opts.input}: LibreOffice failed: {type(e).__name__}: {e}".splitlines()[0],
              file=sys.stderr)
        return EXIT_NO_OFFICE
    try:
        if opts.format == "json":
            print(json.dumps({"input": opts.input, "output": opts.output, **summary}, indent=1, ensure_ascii=False))
        else:
            print(text_summary(opts.input, opts.output, summary))
    except BrokenPipeError:
        pass
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
