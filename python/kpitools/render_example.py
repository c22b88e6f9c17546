"""Renders the example campaign sheet, recalculated with the extension, to
docs/example.png (for the README): Calc exports a PDF, pdftoppm (Debian's
poppler-utils) turns its first page into a PNG.

  PYTHONPATH=python /usr/bin/python3 -m kpitools.render_example --oxt build/kpi-functions-*.oxt"""
import argparse
import os
import subprocess
import tempfile

from kpitools.office.session import Office, props
from kpitools.paths import SOURCE_ROOT as ROOT


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--sheet", default=os.path.join(ROOT, "examples", "campaign.fods"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "example.png"))
    a = ap.parse_args()
    with Office(oxt=a.oxt, workdir=tempfile.gettempdir()) as office:
        doc = office.load(a.sheet)
        doc.calculateAll()
        style = doc.StyleFamilies.getByName("PageStyles").getByName(doc.Sheets.getByIndex(0).PageStyle)
        style.HeaderIsOn = style.FooterIsOn = False
        pdf = office.scratch("example.pdf")
        # SinglePageSheets: one page per sheet, cut to the used area.
        import uno
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", props(SinglePageSheets=True))
        uno.invoke(doc, "storeToURL", ("file://" + pdf, props(FilterName="calc_pdf_Export", FilterData=filter_data)))
        doc.close(True)
        base = office.scratch("page")
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf, base], check=True)
        subprocess.run(["cp", base + ".png", a.out], check=True)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
