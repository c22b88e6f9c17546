"""What a reader of a template gets on paper, in real Calc (issue 23, items 12 and 13).

- A template exported to PDF with all its sheets (File > Export as PDF, the
  whole document) prints its dashboard and data, never the import sheets nor
  the Imports sheet (their texts are absent from the PDF's text), nor the
  dashboard's helper row ("Months with figures: 3", "Half: 1"): a hidden row.
- The French dashboard's growth line has no double dot ("… par rapport à févr..").
- The Imports sheets point to the page of the reference inside the extension
  (a link org.kpifunctions:reference?page=import-headers), never to
  docs/import-headers.md, which a user of the .oxt does not have; the .oxt
  ships that page.
- examples/campaign.fods: its long headers ("New customers") wrap in their
  column rather than run over the next one ("SQLs").
"""
import os
import re
import subprocess
import sys
import zipfile

from harness import args_from_argv, Checker
from kpitools.office.session import Office, file_url, props
from kpitools.templates.imports import TEXTS


def pdf_text(office, path, pdf):
    doc = office.desktop.loadComponentFromURL(file_url(path), "_blank", 0, props(Hidden=True, AsTemplate=True))
    try:
        doc.calculateAll()
        doc.storeToURL(file_url(pdf), props(FilterName="calc_pdf_Export"))
        return doc, subprocess.run(["pdftotext", "-layout", pdf, "-"], stdout=subprocess.PIPE, text=True,
                                   timeout=60).stdout
    except Exception:
        doc.close(True)
        raise


def main():
    a = args_from_argv()
    ck = Checker("calc.template_print")
    tdir = os.path.join(a.source_dir, "examples", "templates")
    os.makedirs(a.workdir, exist_ok=True)
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        for name, lang in (("campaign-dashboard-en", "en"), ("campaign-dashboard-fr", "fr"),
                           ("email-programme", "en")):
            pdf = os.path.join(a.workdir, f"print-{name}.pdf")
            doc, text = pdf_text(office, os.path.join(tdir, name + ".fods"), pdf)
            try:
                flat = " ".join(text.split())
                t = TEXTS[lang]
                ck.check(len(flat) > 200, f"{name}: the PDF has the printed sheets' text ({len(flat)} characters)")
                leaked = [w for w in (t["title"], t["notes"][0][:40], t["figure"] + " " + t["column"]) if w in flat]
                ck.check(not leaked, f"{name}: no import internals in the PDF of all sheets ({leaked})")
                names = [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)]
                imports = [n for n in names if n == t["imports"] or n.startswith("Import")]
                ck.check(len(imports) >= 2, f"{name}: the import sheets are there, only not printed ({imports})")
                if name.startswith("campaign"):
                    helper = {"en": ("Months with figures:", "Half:"), "fr": ("Mois renseignés :", "Moitié :")}[lang]
                    ck.check(not any(h in flat for h in helper), f"{name}: the helper row is not printed")
                    dash = doc.Sheets.getByIndex(0)
                    rows = [r for r in range(60) if dash.getCellByPosition(0, r).getString() in helper]
                    ck.check(rows and all(not dash.getRows().getByIndex(r).IsVisible for r in rows),
                             f"{name}: the helper row is hidden on screen too (rows {rows})")
                    growth = next((dash.getCellByPosition(0, r).getString() for r in range(60)
                                   if dash.getCellByPosition(0, r).getString().startswith(
                                       ("Total revenue growth", "Croissance totale du CA"))), "")
                    ck.check(growth and ".." not in growth, f"{name}: the growth line has no double dot: {growth!r}")
                # The Imports sheet's pointer: a link to the reference inside the extension.
                imp = doc.Sheets.getByName(t["imports"])
                links = [f.URL for r in range(6) for f in fields(imp.getCellByPosition(0, r))]
                ck.check("org.kpifunctions:reference?page=import-headers" in links,
                         f"{name}: the Imports sheet links to the reference's import headers page ({links})")
            finally:
                doc.close(True)
        for src in sorted(os.listdir(tdir)):
            with open(os.path.join(tdir, src), encoding="utf-8") as f:
                ck.check("docs/import-headers.md" not in f.read(), f"{src}: no pointer to docs/import-headers.md")
        with zipfile.ZipFile(a.oxt) as z:
            page = z.read("reference/import-headers.html").decode("utf-8") if "reference/import-headers.html" \
                in z.namelist() else ""
        ck.check("Amount spent" in page and "<table>" in page, "the .oxt ships the import headers' page")

        # The example sheet: its long headers wrap in their own column.
        doc = office.desktop.loadComponentFromURL(file_url(os.path.join(a.source_dir, "examples", "campaign.fods")),
                                                  "_blank", 0, props(Hidden=True))
        try:
            sheet = doc.Sheets.getByIndex(0)
            head = next(r for r in range(10) if sheet.getCellByPosition(0, r).getString() == "Channel")
            long_ = [sheet.getCellByPosition(c, head) for c in range(1, 15)
                     if len(sheet.getCellByPosition(c, head).getString()) > 10]
            ck.check(long_ and all(c.IsTextWrapped for c in long_),
                     f"campaign.fods: long headers wrap ({[c.getString() for c in long_]})")
            ck.check(all(re.fullmatch(r"\S+( \S+)?", c.getString()) for c in long_), "headers of one or two words")
        finally:
            doc.close(True)
    return ck.finish()


def fields(cell):
    out, en = [], cell.getTextFields().createEnumeration()
    while en.hasMoreElements():
        out.append(en.nextElement())
    return out


if __name__ == "__main__":
    sys.exit(main())
