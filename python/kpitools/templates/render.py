"""Renders every template, recalculated with the extension, to PDF
(docs/templates/<name>.pdf, as File > Export as PDF prints it: the page
styles of the template, one page wide, headers and footers) and the English campaign
dashboard's first page to docs/templates/campaign-dashboard.png for the guide
(pdftoppm, from Debian's poppler-utils).

  PYTHONPATH=python /usr/bin/python3 -m kpitools.templates.render --oxt build/kpi-functions-*.oxt
  (or: cmake --build build --target render_templates)"""
import argparse
import glob
import os
import shutil
import subprocess
import tempfile

from kpitools.office.session import Office, props
from kpitools.paths import SOURCE_ROOT as ROOT


def export_pdf(office, doc, pdf):
    import uno
    uno.invoke(doc, "storeToURL", (uno.systemPathToFileUrl(pdf), props(FilterName="calc_pdf_Export")))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--templates", default=os.path.join(ROOT, "examples", "templates"))
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "docs", "templates"))
    ap.add_argument("--png-of", default="campaign-dashboard-en")
    ap.add_argument("--workdir", default=tempfile.gettempdir())
    a = ap.parse_args(argv)
    os.makedirs(a.out_dir, exist_ok=True)
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for src in sorted(glob.glob(os.path.join(a.templates, "*.fods"))):
            name = os.path.splitext(os.path.basename(src))[0]
            doc = office.load(src)
            doc.calculateAll()
            pdf = os.path.join(a.out_dir, name + ".pdf")
            export_pdf(office, doc, pdf)
            doc.close(True)
            print(f"wrote {pdf}")
            if name == a.png_of:
                base = office.scratch("page")
                subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", pdf, base],
                               check=True)
                png = os.path.join(a.out_dir, "campaign-dashboard.png")
                shutil.copyfile(base + ".png", png)
                print(f"wrote {png}")


if __name__ == "__main__":
    main()
