"""Linux aarch64 (issue 22): the .oxt installed into arm64 Calc, run under
qemu-user on this x86-64 machine, computes every cell of the example
workbook, of every template (English and French) and of the Calc tests' base
cases bit for bit as the host's x86-64 Calc does with the same .oxt.

The independent method is the x86-64 build, computed in the same run: no
expected value is stored. Both sides run the same code: open (or build) each
workbook, recalculate it all (calculateAll), and read every formula cell's
result as recalc_dump.py reads it for the platforms workflow (in bulk, by
Calc's FormulaResult queries; URP carries doubles as their 8 bytes): a cell
compares as its exact double (float.hex), its text or its error number.

Exit 77 (a ctest skip) only when qemu-aarch64 or the arm64 LibreOffice tree
(scripts/sysroot-arm64.sh) is missing."""
import glob
import json
import os
import shutil
import sys
import time

from harness import args_from_argv, Checker
from calc import test_bad_input, test_conventions, test_examples
from kpitools.office.guard import Watchdog
from kpitools.office.session import cell_result, Emulated, HOST, Office
from kpitools.sheet.addresses import parse_addr
from platforms import recalc_dump
from kpitools.sheet.errors import ERRORS, error_name

SKIP = 77
# What scripts/sysroot-arm64.sh leaves once the tree is complete.
TREE_STAMP = ".kpi-sysroot-v1"
# Bounds for each side's documents (after its install and start, which
# Office bounds): on this 2-core machine, shared, the x86-64 side took 12-20 s
# and the arm64 side 64-100 s; past them soffice is killed and the test fails
# with the document it was on, before ctest's TIMEOUT (420 s) would kill it.
SIDE_DEADLINE = {"x86-64": 120, "aarch64": 270}
SHOW_DIFFERENCES = 40


def documents(source_dir, catalogue, chk):
    """[(label, open(office) -> document)]: every workbook compared, opened or
    built by the same code on both sides."""
    def loader(path):
        def load(office):
            # A copy in the office's own folder: a soffice killed with a
            # document open leaves its lock file beside it, and the next
            # load of that path fails.
            copy = office.scratch(os.path.basename(path))
            shutil.copyfile(path, copy)
            return office.load(copy)
        return load
    paths = [os.path.join(source_dir, "examples", "campaign.fods")]
    paths += sorted(glob.glob(os.path.join(source_dir, "examples", "templates", "*.fods")))
    paths += sorted(glob.glob(os.path.join(source_dir, "tests", "calc", "cases", "*.fods")))
    docs = [(os.path.relpath(p, source_dir), loader(p)) for p in paths]

    def examples(office):  # every function's documented example (calc.examples)
        doc = office.new_calc()
        for row, fn in enumerate(catalogue):
            test_examples.enter(doc.Sheets.getByIndex(0), row, fn)
        return doc

    def conventions(office):  # the shared conventions' data, cases and arrays (calc.conventions)
        doc = office.new_calc()
        test_conventions.fill(doc.Sheets.getByIndex(0))
        return doc

    # The bad-input matrix (calc.bad_input), worked out once for both sides,
    # without its 52 whole-column cases: each hands the add-in 1,048,576 cells,
    # 0.2 s in x86-64 Calc but 2.2 s under qemu (measured), which would double
    # the test's time; every other range of the matrix takes the same path.
    cases = test_bad_input.build_cases(catalogue, chk)
    matrix = [f for f, _, label in cases if "whole column" not in label]

    def bad_input(office):
        doc = office.new_calc()
        test_bad_input.fill(doc, matrix)
        return doc

    return docs + [("calc.examples (built)", examples), ("calc.conventions (built)", conventions),
                   ("calc.bad_input (built)", bad_input)]


def read_all(doc):
    """{(sheet, cell): (kind, value)} of every formula cell, read as the
    platforms workflow reads Windows and macOS Calc (recalc_dump.py): a
    number as float.hex, text as is, an error as Calc's error code."""
    return {(sheet.Name, cell): result for sheet in doc.Sheets
            for cell, result in recalc_dump.sheet_results(sheet).items()}


def compute(side, programs, oxt, workdir, docs):
    """One architecture's results: {document: cells}, and its timings."""
    results, times = {}, {}
    t0 = time.monotonic()
    office = Office(oxt=oxt, workdir=workdir, programs=programs)
    # The watchdog kills soffice past the deadline: the UNO call waiting on
    # it then fails, and Office's exit cleans up as after any failure.
    with office, Watchdog(time.monotonic() + SIDE_DEADLINE[side], None, lambda: office.proc.pid,
                          office.kill) as dog:
        times["start (install, soffice ready)"] = time.monotonic() - t0
        # The add-in answers on this side at all (an .oxt without this
        # architecture's library gives #NAME?, on both sides alike).
        doc = office.new_calc()
        cell = doc.Sheets.getByIndex(0).getCellByPosition(0, 0)
        cell.setFormula("=KPI.CPL(30000;200)")
        doc.calculateAll()
        results["sentinel"] = cell_result(cell)
        doc.close(True)
        for label, open_doc in docs:
            t = time.monotonic()
            try:
                doc = open_doc(office)
                doc.calculateAll()
                results[label] = read_all(doc)
                doc.close(True)
            except Exception as e:
                if dog.reason:
                    raise RuntimeError(f"{side}: past its {SIDE_DEADLINE[side]} s deadline at {label}") from e
                raise
            times[label] = time.monotonic() - t
    times["total"] = time.monotonic() - t0
    return results, times


def shown(result):
    if result is None:
        return "absent"
    kind, value = result
    if kind == "number":
        return f"{float.fromhex(value)!r} ({value})"
    return error_name(int(value)) if kind == "error" else repr(value)


def compare(chk, host, arm):
    """Checks every document cell by cell; returns [(label, cells, differences)]."""
    rows = []
    for label in (k for k in host if k != "sentinel"):
        h, g = host[label], arm.get(label, {})
        keys = sorted(set(h) | set(g), key=lambda k: (k[0], parse_addr(k[1])[::-1]))  # row by row
        diff = [(k, h.get(k), g.get(k)) for k in keys if h.get(k) != g.get(k)]
        rows.append((label, len(keys), diff))
        chk.check(bool(h), f"{label}: formula cells read on x86-64")
        # The host computes the add-in's functions: equal #NAME? on both sides proves nothing.
        names = [k for k in h if h[k] == ("error", str(ERRORS["#NAME?"]))]
        chk.check(not names, f"{label}: #NAME? on x86-64 at {names[:5]}")
        chk.check(not diff, f"{label}: {len(diff)} cells differ between x86-64 and aarch64")
        for (sheet, cell), x, y in diff[:SHOW_DIFFERENCES]:
            print(f"  {label} {sheet}.{cell}: x86-64 {shown(x)} | aarch64 {shown(y)}")
        if len(diff) > SHOW_DIFFERENCES:
            print(f"  ... and {len(diff) - SHOW_DIFFERENCES} more in {label}")
    return rows


def report(rows, times):
    print(f"{'document':48} {'cells':>7} {'diff':>5} {'x86-64 s':>9} {'aarch64 s':>9}")
    for label, cells, diff in rows:
        print(f"{label:48} {cells:7} {len(diff):5} "
              f"{times['x86-64'].get(label, 0):9.1f} {times['aarch64'].get(label, 0):9.1f}")
    print(f"{'total':48} {sum(r[1] for r in rows):7} {sum(len(r[2]) for r in rows):5}")
    for what in ("start (install, soffice ready)", "total"):
        print(f"{what}: x86-64 {times['x86-64'][what]:.1f} s, aarch64 {times['aarch64'][what]:.1f} s")


def main():
    a = args_from_argv(lambda ap: ap.add_argument(
        "--tree", required=True, help="the arm64 LibreOffice tree (scripts/sysroot-arm64.sh)"))
    qemu = shutil.which("qemu-aarch64")
    if not qemu or not os.path.exists(os.path.join(a.tree, TREE_STAMP)):
        print(f"SKIP: needs qemu-aarch64 (package qemu-user; found: {qemu}) and the arm64 LibreOffice "
              f"tree {a.tree} (scripts/sysroot-arm64.sh makes it)")
        return SKIP
    chk = Checker("platforms.aarch64_calc")
    docs = documents(a.source_dir, json.load(open(a.catalogue)), chk)
    host, host_times = compute("x86-64", HOST, a.oxt, a.workdir, docs)
    arm, arm_times = compute("aarch64", Emulated(a.tree, qemu), a.oxt, a.workdir, docs)
    for side, results in (("x86-64", host), ("aarch64", arm)):
        chk.check(results["sentinel"] == ("value", 150.0),
                  f"{side} Calc computes KPI.CPL(30000;200) = 150 with the add-in: {results['sentinel']}")
    rows = compare(chk, host, arm)
    report(rows, {"x86-64": host_times, "aarch64": arm_times})
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
