"""kpi-audit's rules without LibreOffice (fast): which headers name which KPI
or input, in English and French; the formula shapes the parser reads; the
stored values read from .xlsx and .ods packages (errors, shared strings,
repeated cells, array formulas), in full or later (while LibreOffice loads
the copy); shared parses; the report written file by file. Expected values
are written by hand."""
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile

from kpitools.audit import escape, formula as fparse, model, output, package, readers  # none needs uno
from kpitools.audit.report_html import render_html
from kpitools.audit.report_text import render_text
from kpitools.audit.labels import Labels
from kpitools.catalogue import load_catalogue
from kpitools.sheet import addresses

# The header words are the catalogue's (synonyms, input kinds): read them from this build's.
labels = Labels.of(load_catalogue(os.environ["KPI_CATALOGUE_JSON"]))

passed, failed = 0, []


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        failed.append(what)
        print(f"FAIL {what}")


LABELS = {
    "CPL": "CPL", "Coût par lead": "CPL", "cout par lead (€)": "CPL", "Cost per lead": "CPL",
    "CTR": "CTR", "Taux de clic": "CTR", "Click-through rate": "CTR",
    "Taux de conversion": "CONVRATE", "Conversion rate": "CONVRATE",
    "ROI": "ROI", "Retour sur investissement": "ROI", "ROAS": "ROAS",
    "Taux d'ouverture": "OPENRATE", "Open rate": "OPENRATE", "Panier moyen": "AOV",
    "Taux d'attrition": "CHURN", "Coût par clic": "CPC", "LTV : CAC": "LTV2CAC",
    "Cost": None, "Leads": None, "Channel": None, "Rocket": None, "CPL2": None, "Impressions": None,
    "Désinscriptions": None, "Purchase frequency": None, "Share": None, "Lead velocity": "GROWTH",
    # MER (total revenue / total marketing cost) is not a platform's ROAS: a note of KPI.ROAS, no longer a
    # synonym (issue 24), so a column headed MER is not judged as one.
    "Part de voix": "SHARE", "MER": None, "Taux de désinscription": "UNSUBRATE",
}
for label, want in LABELS.items():
    check(labels.kpi_of_label(label) == want, f"kpi_of_label({label!r}) = {labels.kpi_of_label(label)}, expected {want}")

INPUTS = {
    "Impressions": "impressions", "Clics": "clicks", "Clicks": "clicks", "Ouvertures": "opens",
    "Délivrés": "delivered", "Envoyés": "sent", "Coût": "cost", "Budget": "cost", "Investissement": "cost",
    "Bénéfice": "profit", "Chiffre d'affaires": "revenue", "Leads": "leads", "MQLs": "mqls",
    "Coût par lead": None, "Taux de clic": None, "Channel": None,
    "Désinscriptions": "unsubscribes", "Clients perdus": "customers_lost", "Customers at start": "customers_start",
    "Clients": "customers",
}
for label, want in INPUTS.items():
    check(labels.input_kind(label) == want, f"input_kind({label!r}) = {labels.input_kind(label)}, expected {want}")


def shape(formula):
    n = fparse.parse_formula(formula)
    if n is None:
        return None

    def s(n):
        n = fparse.strip_parens(n)
        if n.kind == "bin":
            return f"({s(n.a)}{n.op}{s(n.b)})"
        if n.kind == "call":
            return n.name + "[" + ",".join(s(a) for a in n.args) + "]"
        if n.kind == "ref":
            return f"{n.sheet + '!' if n.sheet else ''}r{n.r1}c{n.c1}" + \
                   (f":r{n.r2}c{n.c2}" if (n.r1, n.c1) != (n.r2, n.c2) else "")
        if n.kind == "num":
            return model.fmt_num(n.value)
        return n.kind
    return s(n)


SHAPES = {
    "=B7/C7": "(r6c1/r6c2)",
    "=(D2-B2)/B2": "((r1c3-r1c1)/r1c1)",
    "=B5/(D5-B5)": "(r4c1/(r4c3-r4c1))",
    "=SUM(B2:B5)/SUM(C2:C5)": "(SUM[r1c1:r4c1]/SUM[r1c2:r4c2])",
    "=IFERROR(B4/C4;0)": "IFERROR[(r3c1/r3c2),0]",
    "=F4/G4*100": "((r3c5/r3c6)*100)",
    "=$B$2*1000/$D$2": "((r1c1*1000)/r1c3)",
    "=$Sheet2.B2/$'My sheet'.C2": "(Sheet2!r1c1/My sheet!r1c2)",
    "=KPI.CPL(B2:B5;C2:C5)": "KPI.CPL[r1c1:r4c1,r1c2:r4c2]",
    "=AVERAGE(D2:D5)": "AVERAGE[r1c3:r4c3]",
    "=A1-B1-C1": "((r0c0-r0c1)-r0c2)",
    "=IF(A1>0;\"a\"\"b\";B1)": "IF[(r0c0>0),str,r0c1]",
    "=B2/": None,
    "not a formula": None,
}
for f, want in SHAPES.items():
    check(shape(f) == want, f"parse {f!r} = {shape(f)}, expected {want}")

check(addresses.col_name(0) == "A" and addresses.col_name(25) == "Z" and addresses.col_name(26) == "AA" and addresses.col_name(701) == "ZZ",
      "column names")
check(addresses.col_index("AA") == 26 and addresses.col_index("ZZ") == 701, "column indexes")

# Stored values of an .xlsx package: number, error, shared string, inline
# string result, array formula area; a value cell that is not a formula is ignored.
tmp = tempfile.mkdtemp(prefix="audit-rules-")
xlsx = os.path.join(tmp, "stored.xlsx")
with zipfile.ZipFile(xlsx, "w") as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("xl/workbook.xml",
               '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               '<sheets><sheet name="Q1" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels",
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
    z.writestr("xl/sharedStrings.xml",
               '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>zero</t></si>'
               '<si><t>one</t></si></sst>')
    z.writestr("xl/worksheets/sheet1.xml",
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
               '<row r="1"><c r="A1"><v>12000</v></c><c r="B1"><f>KPI.CPL(A1,A2)</f><v>50</v></c></row>'
               '<row r="2"><c r="B2" t="e"><f>KPI.CPL(A1,0)</f><v>#DIV/0!</v></c>'
               '<c r="C2" t="s"><f>A9</f><v>1</v></c><c r="D2" t="str"><f>"x"</f><v>x</v></c></row>'
               '<row r="3"><c r="E3"><f t="array" ref="E3:E4">KPI.FUNNEL(A1:A2)</f><v>1</v></c></row>'
               '<row r="4"><c r="E4"><v>0.25</v></c><c r="F4"><f>1+1</f></c></row>'
               '</sheetData></worksheet>')
st = readers.read_stored(xlsx, ".xlsx")
want = {("Q1", 0, 1): ("value", 50.0), ("Q1", 1, 1): ("error", "#DIV/0!"), ("Q1", 1, 2): ("text", "one"),
        ("Q1", 1, 3): ("text", "x"), ("Q1", 2, 4): ("value", 1.0), ("Q1", 3, 4): ("value", 0.25),
        ("Q1", 3, 5): None}
check(st == want, f"xlsx stored values {st}")

# ODF: repeated columns and rows move the position; an error as Calc saves it.
fods = os.path.join(tmp, "stored.fods")
T = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
with open(fods, "w") as f:
    f.write('<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' + T +
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
            'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"><office:body><office:spreadsheet>'
            '<table:table table:name="S"><table:table-row table:number-rows-repeated="3"><table:table-cell/>'
            '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="2"/>'
            '<table:table-cell table:formula="of:=1/0" office:value-type="string" office:string-value="" '
            'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
            '<table:covered-table-cell/><table:table-cell table:formula="of:=2" office:value-type="float" '
            'office:value="2"/></table:table-row></table:table></office:spreadsheet></office:body>'
            '</office:document>')
st = readers.read_stored(fods, ".fods")
check(st == {("S", 3, 2): ("error", "#DIV/0!"), ("S", 3, 4): ("value", 2.0)}, f"fods stored values {st}")

# Read later (package.LATER_BYTES lowered to 0: every ODF file counts as
# large): the same stored values, and the copy is the file's own bytes; a
# file with a link, or in UTF-16, or with a DOCTYPE, is read in full first
# and its copy has no link.
saved, package.LATER_BYTES = package.LATER_BYTES, 0
try:
    ods_path = os.path.join(tmp, "stored.ods")
    with open(fods, encoding="utf-8") as f:
        flat = f.read()
    content = flat.replace("<office:document ", "<office:document-content ").replace(
        "</office:document>", "</office:document-content>")
    with zipfile.ZipFile(ods_path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?>' + content)
    for path, kind in ((fods, ".fods"), (ods_path, ".ods")):
        copy = os.path.join(tmp, "copy" + kind)
        budget = package.Budget(10 ** 9, 10 ** 6, time.monotonic() + 60)
        reading = readers.Reading(path, kind, copy, budget)
        check(reading.thread is not None and reading.result() == readers.read_stored(path, kind),
              f"{kind} read later: {reading.result()}")
        if kind == ".fods":
            check(open(copy, "rb").read() == open(path, "rb").read(), "fods read later: the copy is the file")
        else:
            with zipfile.ZipFile(copy) as z:
                check(z.read("content.xml").decode() == '<?xml version="1.0" encoding="UTF-8"?>' + content,
                      "ods read later: the copy's content.xml is the file's")
    # Read without namespace processing where every namespace is declared on
    # the root (plain_xml's prefixes); with it where one is declared further
    # in: a second prefix for the table namespace on one cell.
    with open(fods, "rb") as f:
        check(package.plain_xml(f, package.Budget(10 ** 9, 10 ** 6, time.monotonic() + 60))[1] is not None,
              "fods: its prefixes are the root's")
    inner = flat.replace('<table:table-cell table:formula="of:=2"', '<table:table-cell xmlns:t="' +
                         'urn:oasis:names:tc:opendocument:xmlns:table:1.0" t:formula="of:=2"')
    path = os.path.join(tmp, "inner.fods")
    with open(path, "w", encoding="utf-8") as f:
        f.write(inner)
    with open(path, "rb") as f:
        check(package.plain_xml(f, package.Budget(10 ** 9, 10 ** 6, time.monotonic() + 60))[1] is None,
              "inner.fods: a declaration below the root: namespaces processed")
    reading = readers.Reading(path, ".fods", os.path.join(tmp, "copy-inner.fods"),
                              package.Budget(10 ** 9, 10 ** 6, time.monotonic() + 60))
    check(reading.thread is not None and reading.result() == st, f"inner.fods read later: {reading.result()}")
    link = flat.replace(T, T + ' xmlns:xlink="http://www.w3.org/1999/xlink" '
                        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"').replace(
        '<table:table table:name="S">', '<table:table table:name="S"><draw:frame><draw:image '
        'xlink:href="http://127.0.0.1:9/x.png"/></draw:frame>')
    for name, text, enc in (("link.fods", link, "utf-8"), ("utf16.fods", flat, "utf-16"),
                            ("doctype.fods", '<!DOCTYPE office:document>' + flat, "utf-8")):
        path = os.path.join(tmp, name)
        with open(path, "w", encoding=enc) as f:
            f.write(text)
        copy = os.path.join(tmp, "copy-" + name)
        reading = readers.Reading(path, ".fods", copy, package.Budget(10 ** 9, 10 ** 6, time.monotonic() + 60))
        check(reading.thread is None and reading.result() == st and b"127.0.0.1" not in open(copy, "rb").read(),
              f"{name}: read in full first, no link in the copy ({reading.thread}, {reading.result()})")
finally:
    package.LATER_BYTES = saved

# Formulas equal but for their digits share one parse (formula._SHAPES): the
# trees are what the parser itself gives for each.

def tree(n):
    if n is None:
        return None
    return {k: tree(v) if isinstance(v, fparse.Node) else [tree(x) for x in v] if isinstance(v, list) else v
            for k, v in n.__dict__.items() if k != "rows"}


rng = random.Random(17)
for f0 in ("=B7/C7", "=SUM($'Sheet 2'.A1:B$12)/2", "=Sheet2.A1+Sheet3.B$22-3.5e2*\"a1\"&LOG10(C7)",
           "=IFERROR(B9/C9;0)", "=(D12-B12)/B12", "=AVERAGE(J4:J7)", "=B9:B2*{1;2}", "=-B3%", "=KPI.CPL(B2;C2)"):
    fparse._SHAPES.clear()
    fparse.parse_formula(f0)
    for _ in range(25):
        f1 = "".join(str(rng.randint(0, 9)) if ch.isdigit() else ch for ch in f0)
        check(tree(fparse.parse_formula(f1)) == tree(fparse.Parser(f1).parse()), f"shared parse of {f1} (as {f0})")

# The report written file by file (output.Report) is, byte for byte, the
# whole report rendered at once, in each format; the exit code follows
# --fail-on; -o leaves no temporary file behind.
FILES = [{"path": "a\x1b.fods", "status": "audited", "sheets": 1, "cells": 10,
          "inventory": [{"sheet": "S", "cell": "A1", "formula": "=KPI.CPL(1;2)", "function": "KPI.CPL",
                         "arguments": [{"text": "1"}, {"text": "B2:B3", "cells": 2,
                                                       "values": [{"type": "value", "value": 1.0}, {"type": "blank"}]}],
                         "result": {"type": "value", "value": 0.5}, "stored": None, "definition": "cost ÷ leads"}],
          "findings": [{"severity": "warning", "check": "x", "sheet": "S\u202e", "cell": "A1", "message": "m",
                        "fix": "f", "details": {"hand": float("inf"), "nested": {"a": [], "b": {}}, "l": [1, 2],
                                                          "t": (1, -0.0), "k": {1: None, "x": True}}},
                       {"severity": "info", "check": "y", "sheet": "S", "cell": "B1", "message": "m2", "fix": "f2"}]},
         {"path": "b.ods", "status": "failed", "error": "no"},
         {"path": "c.ods", "status": "audited", "sheets": 0, "cells": 0, "inventory": [], "findings": []}]
for fmt in ("json", "text", "html"):
    for files, fail_on, code in ((FILES, "error", 2), (FILES[:1], "error", 0), (FILES[:1], "warning", 1),
                                 (FILES[2:], "error", 0), ([], "error", 0)):
        out = os.path.join(tmp, "report-" + fmt)
        report = output.Report(fmt, fail_on, out)
        for f in files:
            report.add(dict(f))
        got_code = report.close()
        summary = {"files": len(files), "audited": sum(f["status"] == "audited" for f in files),
                   "failed": sum(f["status"] != "audited" for f in files),
                   "kpi_cells": sum(len(f.get("inventory", [])) for f in files), "info": 0, "warning": 0, "error": 0}
        for f in files:
            for x in f.get("findings", []):
                summary[x["severity"]] += 1
        whole = {"format": "kpi-audit", "format_version": model.FORMAT_VERSION, "files": files, "summary": summary,
                 "exit_code": code}
        want = escape.json_text(whole) if fmt == "json" else escape.visible(
            render_html(whole) if fmt == "html" else render_text(whole))
        with open(out, encoding="utf-8") as f:
            got = f.read()
        check(got == want and got_code == code, f"{fmt} report of {len(files)} file(s), --fail-on {fail_on}: "
              f"exit {got_code}, same text {got == want}")
check(not [n for n in os.listdir(tmp) if n.endswith(".part")], "reports: no temporary file left")

# The file sniffer's verdicts that need no LibreOffice.
for name, data, words in [("e.ods", b"", "empty"), ("t.xlsx", b"hello", "not a ZIP"),
                          ("x.csv", b"a;b", "unsupported"), ("o.ods", b"\xd0\xcf\x11\xe0rest", "password")]:
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(data)
    try:
        readers.sniff(p, 10 ** 9)
        check(False, f"sniff {name} accepted")
    except model.AuditError as e:
        check(words in str(e), f"sniff {name}: {e}")

shutil.rmtree(tmp, ignore_errors=True)
print(f"audit.rules: {passed} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
