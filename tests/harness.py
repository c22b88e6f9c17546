"""The tests' own helpers (never imported by the product): expected values,
comparisons, a failure counter, and the arguments ctest passes. The office
itself is the product's kpitools.office.session.Office.

ctest runs every test with PYTHONPATH=python:tests (tests/CMakeLists.txt)."""
import argparse
import re
import zipfile

from kpitools.sheet.errors import ERRORS


def parse_expected(text):
    """'150' -> ('value', 150.0); '#DIV/0!' -> ('error', 532)."""
    text = text.strip()
    if text in ERRORS:
        return ("error", ERRORS[text])
    return ("value", float(text))


def same(actual, expected, rel=1e-12):
    if actual[0] != expected[0]:
        return False
    if actual[0] == "value":
        a, e = actual[1], expected[1]
        return abs(a - e) <= rel * max(1.0, abs(e))
    return actual[1] == expected[1]


def stored_formulas(ods_path):
    """The formulas as written in an .ods file's content.xml (table:formula)."""
    with zipfile.ZipFile(ods_path) as z:
        content = z.read("content.xml").decode("utf-8")
    return re.findall(r'table:formula="([^"]*)"', content)


class Checker:
    """Collects failures; prints a summary line ctest and CI can read."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)
            print(f"FAIL {what}", flush=True)

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {len(self.failures)} failed")
        return 0 if not self.failures else 1


def write_cells(sheet, cells):
    """Writes {address: number, formula (text starting with "=") or text} into a Calc sheet."""
    for addr, v in cells.items():
        cell = sheet.getCellRangeByName(addr)
        if isinstance(v, str) and v.startswith("="):
            cell.setFormula(v)
        elif isinstance(v, str):
            cell.setString(v)
        else:
            cell.setValue(v)


def args_from_argv(more=None):
    """The arguments ctest passes; more(parser) adds a test's own."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--catalogue", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--shared", help="an extension cache the .oxt is already installed in")
    ap.add_argument("--source-dir")
    if more:
        more(ap)
    return ap.parse_args()
