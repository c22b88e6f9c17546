"""Build step: turns the template sources (flat ODF, examples/templates/*.fods)
into Calc templates (.ots) for the .oxt.

Each file is opened in headless Calc with the add-in installed (an .oxt
without templates, packed just before), recalculated, checked for error cells,
and stored as an ODF spreadsheet template. Converting with the add-in matters:
Calc recalculates a document that LibreOffice did not write, so without the
add-in every KPI cell of the .ots would carry #NAME? instead of its value.
The dates in the document properties are fixed so a rebuild does not make a
template look newer; the office and its profile are removed afterwards
(kpitools/office/session.py).

  PYTHONPATH=python /usr/bin/python3 -m kpitools.templates.build --oxt base.oxt --out-dir DIR --workdir DIR a.fods b.fods ..."""
import argparse
import os
import sys

from kpitools.office.session import Office, error_cells


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True, help="an .oxt with the add-in (templates not needed)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("sources", nargs="+")
    a = ap.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    from com.sun.star.util import DateTime
    fixed = DateTime()
    fixed.Year, fixed.Month, fixed.Day = 2025, 1, 1
    failed = []
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for src in sorted(a.sources):
            name = os.path.splitext(os.path.basename(src))[0]
            doc = office.load(src)
            doc.calculateAll()
            bad = error_cells(doc)
            if bad:
                failed.append(f"{src}: error cells {', '.join(sorted(bad)[:10])}")
            props = doc.DocumentProperties
            props.CreationDate = props.ModificationDate = fixed
            props.Author = props.ModifiedBy = "KPI functions"
            props.EditingDuration = 0
            props.EditingCycles = 1
            office.save_as(doc, os.path.join(a.out_dir, name + ".ots"), "calc8_template")
            doc.close(True)
            print(f"template: {name}.ots")
    if failed:
        print("\n".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
