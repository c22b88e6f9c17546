"""The extension's life in a real LibreOffice: install, upgrade to a higher
version, remove, reinstall. A document with KPI formulas saved before each
step keeps its values through every step and recomputes identical values
once the extension is back.

Measured with LibreOffice 7.4, and asserted here so that a change in either
direction is noticed: while the extension is removed, Calc displays the last
values of the (formatted) KPI.* cells, but a cell whose last result was an
error is recalculated on opening and shows #NAME?. Saved in that state, the
file keeps the formulas and the displayed values; with the extension back,
everything computes again. (calc.templates covers the other cases that
recalculate on opening: array formulas and cells never formatted.)"""
import os
import re
import shutil
import sys
import tempfile
import zipfile

from harness import args_from_argv, Checker
from kpitools.office.session import cell_result, Office, unopkg

IDENTIFIER = "org.kpifunctions.calc"
FORMULAS = {  # cell: formula, with the value worked out by hand
    "A1": ("=KPI.CPL(30000;200)", 150.0),
    "A2": ("=KPI.CLV(75;4;3;0.3)", 270.0),
    "A3": ("=KPI.NPS(C1:C4)", 25.0),       # 10, 9, 7, 5: (2 promoters - 1 detractor) / 4 answers
    "A4": ("=KPI.CPL(1;0)", "#DIV/0!"),
}


def higher_version(oxt, out_path):
    """The same package with a higher version number: an upgrade."""
    with zipfile.ZipFile(oxt) as zin, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "description.xml":
                data = re.sub(rb'<version value="[^"]*"/>', b'<version value="99.0.0"/>', data)
            zout.writestr(item, data)


def cached_values(ods):
    """The values stored in the file for the KPI cells (office:value)."""
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode()
    # Calc writes an unknown function's name as it was typed (kpi.cpl): match either case.
    return re.findall(r'table:formula="of:=(?i:kpi)\.[^"]*"[^>]*office:value="([^"]*)"', content)


def shown(doc):
    sh = doc.Sheets.getByIndex(0)
    return {addr: sh.getCellRangeByName(addr).getString() for addr in FORMULAS}


def results(doc):
    sh = doc.Sheets.getByIndex(0)
    return {addr: cell_result(sh.getCellRangeByName(addr)) for addr in FORMULAS}


def main():
    a = args_from_argv()
    chk = Checker("calc.lifecycle")
    os.makedirs(a.workdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="kpi-lifecycle-", dir=a.workdir)
    try:
        shared = os.path.join(tmp, "shared")
        docs = os.path.join(tmp, "docs")
        os.makedirs(docs)
        upgrade = os.path.join(tmp, "kpi-functions-99.0.0.oxt")
        higher_version(a.oxt, upgrade)

        # 1. Install, build a document, save it.
        unopkg(tmp, shared, "add", "-s", a.oxt)
        with Office(workdir=tmp, shared_dir=shared) as office:
            doc = office.new_calc()
            sh = doc.Sheets.getByIndex(0)
            for i, v in enumerate([10, 9, 7, 5]):
                sh.getCellByPosition(2, i).setValue(v)
            for addr, (formula, _) in FORMULAS.items():
                sh.getCellRangeByName(addr).setFormula(formula)
                sh.getCellRangeByName(addr).NumberFormat = 2  # "0.00", as any real sheet has
            doc.calculateAll()
            for addr, (_, want) in FORMULAS.items():
                got = cell_result(sh.getCellRangeByName(addr))
                chk.check(got == (("error", 532) if want == "#DIV/0!" else ("value", want)), f"installed: {addr} = {got}")
            reference_shown = shown(doc)
            reference_results = results(doc)
            office.save_as(doc, os.path.join(docs, "step1.ods"))
            doc.close(True)

        def reopen(step, previous, recalc_expect_same=True, save_as=None):
            with Office(workdir=tmp, shared_dir=shared) as office:
                doc = office.load(os.path.join(docs, previous))
                want = dict(reference_shown) if recalc_expect_same else {**reference_shown, "A4": "#NAME?"}
                chk.check(shown(doc) == want, f"{step}: {previous} displays {shown(doc)}, expected {want}")
                if save_as:
                    office.save_as(doc, os.path.join(docs, save_as))
                doc.calculateAll()
                if recalc_expect_same:
                    chk.check(results(doc) == reference_results, f"{step}: recomputed {results(doc)}")
                else:
                    # Without the extension Calc cannot compute KPI.* any more:
                    # a forced recalculation shows #NAME? (error 525).
                    got = results(doc)
                    chk.check(all(v == ("error", 525) for v in got.values()), f"{step}: hard recalc gives {got}")
                doc.close(True)

        # 2. Upgrade to a higher version.
        out = unopkg(tmp, shared, "add", "-s", "-f", upgrade)
        listing = unopkg(tmp, shared, "list")
        chk.check("99.0.0" in listing and IDENTIFIER in listing, f"upgraded: {listing[-300:]}")
        reopen("after upgrade", "step1.ods", save_as="step2.ods")

        # 3. Remove: the values stay displayed; only a forced recalculation loses them.
        unopkg(tmp, shared, "remove", IDENTIFIER)
        chk.check(IDENTIFIER not in unopkg(tmp, shared, "list"), "removed")
        reopen("after removal", "step2.ods", recalc_expect_same=False, save_as="step3.ods")
        # Saved without the extension, the file still holds the last values of
        # the formatted cells (150, 270, 25; the #DIV/0! cell has none).
        kept = cached_values(os.path.join(docs, "step3.ods"))
        chk.check(kept == ["150", "270", "25"], f"values kept in the file saved without the extension: {kept}")

        # 4. Reinstall: the document saved without the extension recomputes the same values.
        unopkg(tmp, shared, "add", "-s", upgrade)
        reopen("after reinstall", "step3.ods")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
