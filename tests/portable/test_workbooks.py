"""Portable copies of the shipped workbooks compute everywhere (issue 11).

For examples/campaign.fods and every examples/templates/*.fods: the workbook
is recalculated in headless LibreOffice WITH the extension (the reference
values), converted by kpitools.portable.convert_document, saved as .xlsx and
.ods; then
  - Gnumeric (ssconvert --recalc, an independent engine) recalculates the
    .xlsx: every cell must equal the reference (relative 1e-9), no #NAME?;
  - a LibreOffice WITHOUT the extension loads the .ods and recalculates it
    hard (calculateAll): every cell must equal the reference, no #NAME?;
  - HyperFormula (npm, installed by the build; the engine inside many web
    spreadsheets) recalculates the .xlsx: every cell must equal the reference.
Each engine's line "COUNT ...: KPI cells right, other formulas wrong" gives
the counts of issue 25's closing note. The English dashboard is also checked
with Google Ads' sample export pasted: HyperFormula may show errors there
(it parses no INDEX(..):INDEX(..)), never another value.
The templates with periods are also checked with the second half of their
periods blanked (calc.templates_use's partial periods): their empty periods
show "", which the native formulas must skip inside ranges as the extension
does. Run by ctest with PYTHONPATH=python:tests:tests/calc
(tests/portable/CMakeLists.txt).
"""
import csv
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from harness import Checker, args_from_argv
from kpitools.office.session import Office, error_cells
from kpitools.sheet.addresses import col_index
from kpitools.portable import convert, native
from test_templates_use import PARTIAL  # tests/calc: the partial periods of each template, as a user leaves them

ERROR_TEXT = {532: "#DIV/0!", 503: "#NUM!", 519: "#VALUE!", 32767: "#N/A", 525: "#NAME?"}
REL = 1e-9


def values(doc):
    """{(sheet, row, col): ('value', x) | ('text', s) | ('error', code)} for
    every non-empty cell of every sheet."""
    errors = error_cells(doc)
    out = {}
    for i in range(doc.Sheets.Count):
        sh = doc.Sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        data = sh.getCellRangeByPosition(0, 0, a.EndColumn, a.EndRow).getDataArray()
        for r, row in enumerate(data):
            for c, v in enumerate(row):
                if v == "":
                    continue
                out[(sh.Name, r, c)] = ("value", v) if isinstance(v, float) else ("text", v)
    for key, code in errors.items():
        sheet, cell = key.rsplit(".", 1)
        letters = "".join(ch for ch in cell if ch.isalpha())
        out[(sheet, int(cell[len(letters):]) - 1, col_index(letters))] = ("error", code)
    return out


def close(a, b):
    return abs(a - b) <= REL * max(1.0, abs(b))


def same(got, want):
    if want[0] == "value":
        return got is not None and got[0] == "value" and close(got[1], want[1])
    return got == want


# {book name: (KPI cells, other formula cells)} as {(sheet, row, col)}, from the
# conversion's summary and the .xlsx (main), for the per-engine counts.
CELLS = {}


def tally(label, ref, got_of):
    """The per-engine line of the issue's closing note: KPI cells right, other formulas wrong."""
    book = label.split(".")[0]
    if book not in CELLS:
        return
    kpi, other = ([k for k in cells if k in ref] for cells in CELLS[book])  # "" cells are not in ref
    right = sum(1 for k in kpi if same(got_of(k), ref[k]))
    wrong = sum(1 for k in other if not same(got_of(k), ref[k]))
    print(f"COUNT {label}: KPI cells right {right}/{len(kpi)}, other formulas wrong {wrong}/{len(other)}",
          flush=True)


def compare(chk, label, ref, got_of):
    """got_of(key) -> the engine's result in the same form, or None if empty."""
    bad = []
    for key, want in ref.items():
        got = got_of(key)
        if not same(got, want):
            bad.append(f"{key[0]}.{chr(65 + key[2]) if key[2] < 26 else key[2]}{key[1] + 1}: {got} != {want}")
    tally(label, ref, got_of)
    chk.check(not bad, f"{label}: {len(ref)} cells equal the extension's ({len(bad)} differ: {bad[:5]})")


def gnumeric_values(xlsx, workdir):
    """Recalculates with Gnumeric; {(sheet, row, col): result} from one CSV per sheet."""
    out_dir = tempfile.mkdtemp(prefix="gnumeric-", dir=workdir)
    try:
        r = subprocess.run(["ssconvert", "--recalc", "-S", xlsx, os.path.join(out_dir, "%n.csv")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        if r.returncode != 0:
            raise RuntimeError(f"ssconvert failed: {r.stdout}")
        return out_dir
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise


def parse_csv_cell(text):
    if text == "":
        return None
    for code, name in ERROR_TEXT.items():
        if text == name:
            return ("error", code)
    try:
        return ("value", float(text))
    except ValueError:
        return ("text", text)


def as_date(text):
    """Gnumeric's CSV writes a date cell formatted ('1997/09/30'): its serial number."""
    import datetime
    try:
        d = datetime.datetime.strptime(text, "%Y/%m/%d").date()
    except ValueError:
        return None
    return ("value", float((d - datetime.date(1899, 12, 30)).days))


def check_gnumeric(chk, label, xlsx, ref, sheet_names, workdir):
    out_dir = gnumeric_values(xlsx, workdir)
    try:
        cells = {}
        for n, name in enumerate(sheet_names):
            path = os.path.join(out_dir, f"{n}.csv")
            with open(path, newline="", encoding="utf-8") as f:
                for r, row in enumerate(csv.reader(f)):
                    for c, text in enumerate(row):
                        v = parse_csv_cell(text)
                        if v is not None:
                            cells[(name, r, c)] = v
        names = [k for k, v in cells.items() if v == ("error", 525)]
        chk.check(not names, f"{label}: no #NAME? in Gnumeric ({len(names)}: {names[:3]})")

        def got(key):
            v = cells.get(key)
            if v is not None and v[0] == "text" and ref[key][0] == "value":
                v = as_date(v[1]) or v
            # Gnumeric writes a text cell that looks like a number as that number.
            if v is not None and ref[key][0] == "text" and v[0] == "value":
                return ("text", ref[key][1]) if parse_csv_cell(ref[key][1]) == v else v
            return v
        compare(chk, f"{label} in Gnumeric", ref, got)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def xlsx_sheets(path):
    """{"sheets": {name: rows of cells}, "names": {name: reference}} as stored
    in an .xlsx: '=formula' (Excel syntax) for formula cells, the value
    otherwise, and the workbook's named ranges; for HyperFormula."""
    import re
    import xml.etree.ElementTree as ET
    import zipfile
    m = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    out = {}
    with zipfile.ZipFile(path) as z:
        workbook = ET.fromstring(z.read("xl/workbook.xml"))
        names = {d.get("name"): d.text for d in workbook.iter(m + "definedName")
                 if d.get("localSheetId") is None and not d.get("name").startswith("_xlnm")}
        targets = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            shared = ["".join(t.text or "" for t in si.iter(m + "t"))
                      for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(m + "si")]
        for sheet in workbook.find(m + "sheets"):
            cells = {}
            for c in ET.fromstring(z.read("xl/" + targets[sheet.get(rid)].lstrip("/").removeprefix("xl/"))).iter(m + "c"):
                letters, row = re.match(r"([A-Z]+)(\d+)$", c.get("r")).groups()
                f, v, t = c.find(m + "f"), c.find(m + "v"), c.get("t")
                if f is not None and f.text:
                    val = "=" + f.text.replace("_xlfn.", "")
                elif t == "inlineStr":
                    val = "".join(x.text or "" for x in c.iter(m + "t"))
                elif v is None:
                    continue
                elif t == "s":
                    # A text that starts with "=" is text: HyperFormula's apostrophe says so.
                    val = shared[int(v.text)]
                    val = "'" + val if val.startswith("=") else val
                elif t == "b":
                    val = v.text == "1"
                elif t in ("str", "e"):
                    val = v.text
                else:
                    val = float(v.text)
                cells[(int(row) - 1, col_index(letters))] = val
            rows = max((r for r, _ in cells), default=-1) + 1
            cols = max((c for _, c in cells), default=-1) + 1
            out[sheet.get("name")] = [[cells.get((r, c)) for c in range(cols)] for r in range(rows)]
    return {"sheets": out, "names": names}


def formula_cells(xlsx, summary):
    """(KPI cells, other formula cells) of a converted workbook: the cells the
    conversion rewrote, and the other cells holding a formula in the .xlsx."""
    kpi = set()
    for e in summary["rewritten"]:
        sheet, cell = e["cell"].rsplit(".", 1)
        letters = "".join(ch for ch in cell.split(":")[0] if ch.isalpha())
        kpi.add((sheet, int(cell.split(":")[0][len(letters):]) - 1, col_index(letters)))
    other = set()
    for sheet, rows in xlsx_sheets(xlsx)["sheets"].items():
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.startswith("=") and (sheet, r, c) not in kpi:
                    other.add((sheet, r, c))
    return kpi, other


def check_oldest_excel(chk, name, xlsx, ref):
    """Issue 25, item 4: the functions of the portable copy's formulas (as Excel reads them) need
    no Excel later than 2010, nor later than the one its About sheet names."""
    import re
    from kpitools.portable.excel_versions import excel_name, oldest_excel
    formulas = [v for rows in xlsx_sheets(xlsx)["sheets"].values() for row in rows for v in row
                if isinstance(v, str) and v.startswith("=")]
    year, fns = oldest_excel(formulas)
    chk.check(year <= 2010, f"{name}: the portable copy needs {excel_name(year)} ({fns}), not later than 2010")
    stated = [int(y) for v in ref.values() if v[0] == "text" for y in re.findall(r"Excel (20\d\d)", v[1])]
    if stated:  # the templates' About sheets (campaign.fods has none)
        chk.check(year <= max(stated), f"{name}: its About sheet names Excel {max(stated)}, it needs {year}")


HYPERFORMULA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hyperformula_eval.js")


def check_hyperformula(chk, label, xlsx, ref, modules, workdir):
    sheets = xlsx_sheets(xlsx)
    fd, path = tempfile.mkstemp(suffix=".json", dir=workdir)
    with os.fdopen(fd, "w") as f:
        json.dump(sheets, f)
    r = subprocess.run(["node", HYPERFORMULA, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=300, env=dict(os.environ, NODE_PATH=modules))
    os.unlink(path)
    chk.check(r.returncode == 0, f"{label}: HyperFormula ran ({r.stderr.strip()[:200]})")
    if r.returncode != 0:
        return
    names = {v: k for k, v in ERROR_TEXT.items()}
    got = {}
    for sheet, rows in json.loads(r.stdout).items():
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, dict):
                    got[(sheet, i, j)] = ("error", names.get(v["error"], v["error"]))
                elif isinstance(v, bool):
                    got[(sheet, i, j)] = ("value", float(v))
                elif isinstance(v, (int, float)):
                    got[(sheet, i, j)] = ("value", float(v))
                elif isinstance(v, str) and v != "":
                    got[(sheet, i, j)] = ("text", v)
    bad_names = [k for k, v in got.items() if v == ("error", 525)]
    chk.check(not bad_names, f"{label}: no #NAME? in HyperFormula ({bad_names[:3]})")
    if label.startswith(PASTED + "-pasted"):
        # An export pasted: HyperFormula cannot read the import columns (named INDEX(..):INDEX(..)),
        # so those cells and what depends on them are errors; no cell may show another value.
        other = [f"{k}: {got.get(k)} != {v}" for k, v in ref.items()
                 if not same(got.get(k), v) and not (got.get(k) or ("",))[0] == "error"]
        errors = sum(1 for k in ref if (got.get(k) or ("",))[0] == "error")
        print(f"COUNT {label} in HyperFormula: {len(ref) - errors - len(other)} equal, {errors} errors, "
              f"{len(other)} different", flush=True)
        chk.check(not other, f"{label} in HyperFormula: no cell different, only errors ({other[:5]})")
        return
    compare(chk, f"{label} in HyperFormula", ref, got.get)


# The dashboard also with an export pasted (issue 25, item 5): every engine reads it, HyperFormula
# shows errors where it cannot (check_hyperformula).
PASTED = "campaign-dashboard-en"


def paste_google_ads(doc):
    from test_imports import load_csv, paste  # tests/calc
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "exports", "google-ads.csv")
    paste(doc, "Import Google Ads", load_csv(paste_google_ads.office, src, "en"))
    doc.calculateAll()


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest(), os.stat(path).st_mtime_ns


def main():
    a = args_from_argv(lambda ap: ap.add_argument("--mixed-only", action="store_true",
                                                  help="only the built workbook of issue 25"))
    chk = Checker("portable.workbooks")
    catalogue = json.load(open(a.catalogue))
    native.use_catalogue(catalogue)
    if a.mixed_only:
        os.makedirs(a.workdir, exist_ok=True)
        check_mixed(chk, a, catalogue, a.workdir)
        return chk.finish()
    src = a.source_dir
    books = [os.path.join(src, "examples", "campaign.fods")] + sorted(glob.glob(os.path.join(src, "examples", "templates", "*.fods")))
    os.makedirs(a.workdir, exist_ok=True)
    out = tempfile.mkdtemp(prefix="portable-", dir=a.workdir)
    try:
        refs = {}
        # Each template with periods also as a user has it in July: the
        # second half of its periods blanked as calc.templates_use does (the
        # empty months then show "" in the ranges the KPI totals read). Not
        # the predictive one (a minute more for the same formulas).
        jobs = []
        for book in books:
            name = os.path.splitext(os.path.basename(book))[0]
            jobs.append((book, name, None))
            if name in PARTIAL and not name.startswith("predictive"):
                jobs.append((book, name + "-partial", PARTIAL[name]))
            if name == PASTED:
                jobs.append((book, PASTED + "-pasted", paste_google_ads))
        with Office(oxt=a.oxt, workdir=a.workdir) as office:
            # (Google Ads' sample export, pasted as calc.imports does, needs the office: bound here.)
            paste_google_ads.office = office
            for book, name, blank_half in jobs:
                copy = office.scratch(name + ".fods")
                shutil.copyfile(book, copy)
                t0 = time.monotonic()
                doc = office.load(copy)
                doc.calculateAll()
                if blank_half:
                    blank_half(doc)  # and recalculates
                ref = values(doc)
                chk.check(not [k for k, v in ref.items() if v[0] == "error"],
                          f"{name}: no error cell with the extension (the reference is sound)")
                summary = convert.convert_document(doc, recalculate=False)
                print(f"{name}: {len(summary['rewritten'])} rewritten, {len(summary['frozen'])} frozen "
                      f"({time.monotonic() - t0:.1f} s with the extension)", flush=True)
                chk.check(summary["rewritten"], f"{name}: formulas rewritten natively")
                # Issue 25, item 3: the templates' own formulas fit Excel's 8,192 characters, so
                # none is kept as a value for its length (Imports!D97:I97 of the dashboard were).
                long = [f["cell"] for f in summary["frozen"] if "8,192" in f["reason"]]
                chk.check(not long, f"{name}: no formula kept as a value for its length ({long[:3]})")
                left = [e["cell"] for e in summary["rewritten"] if "KPI." in e["native"].upper()]
                chk.check(not left, f"{name}: no KPI call left in the native formulas ({left[:3]})")
                office.save_as(doc, os.path.join(out, name + ".xlsx"), "Calc MS Excel 2007 XML")
                office.save_as(doc, os.path.join(out, name + ".ods"), "calc8")
                refs[name] = (ref, [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)], summary)
                CELLS[name] = formula_cells(os.path.join(out, name + ".xlsx"), summary)
                check_oldest_excel(chk, name, os.path.join(out, name + ".xlsx"), ref)
                doc.close(True)

        t0 = time.monotonic()
        for name, (ref, sheets, _) in refs.items():
            check_gnumeric(chk, f"{name}.xlsx", os.path.join(out, name + ".xlsx"), ref, sheets, out)
        print(f"Gnumeric: {time.monotonic() - t0:.1f} s", flush=True)
        modules = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.catalogue))),
                               "hyperformula", "node_modules")
        # HyperFormula is part of the run (the build installs it from npm): missing, the test fails.
        have = shutil.which("node") and os.path.isdir(os.path.join(modules, "hyperformula"))
        chk.check(have, f"HyperFormula is installed ({modules}: the build installs it with npm; "
                        "cmake --build build --target hyperformula; Node.js: scripts/setup.sh)")
        if have:
            t0 = time.monotonic()
            for name, (ref, _, _) in refs.items():
                check_hyperformula(chk, f"{name}.xlsx", os.path.join(out, name + ".xlsx"), ref, modules, out)
            print(f"HyperFormula: {time.monotonic() - t0:.1f} s", flush=True)
        t0 = time.monotonic()

        with Office(workdir=a.workdir) as bare:  # no extension installed
            for name, (ref, _, summary) in refs.items():
                doc = bare.load(os.path.join(out, name + ".ods"))
                doc.calculateAll()  # Data > Calculate > Recalculate Hard
                got = values(doc)
                names = [k for k, v in got.items() if v == ("error", 525)]
                chk.check(not names, f"{name}.ods without the extension: no #NAME? ({names[:3]})")
                compare(chk, f"{name}.ods recalculated without the extension", ref, got.get)
                # A frozen cell carries a comment naming its original formula.
                for f in summary["frozen"][:3]:
                    sheet, cell = f["cell"].split(".", 1)
                    c = doc.Sheets.getByName(sheet).getCellRangeByName(cell.split(":")[0])
                    chk.check(f["formula"] in c.getAnnotation().getString(),
                              f"{name}: frozen {f['cell']} has a comment naming {f['formula']}")
                doc.close(True)
        print(f"LibreOffice without the extension: {time.monotonic() - t0:.1f} s")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    t0 = time.monotonic()
    check_mixed(chk, a, catalogue, a.workdir)
    print(f"mixed workbook: {time.monotonic() - t0:.1f} s")
    return chk.finish()



# --- Issue 25: a workbook of every function with the inputs users leave ------
# Built here (not a shipped file): each function's valid call from the
# bad-input matrix (tests/calc/test_bad_input.py), its arguments written as
# cells of a Data sheet, then the same call with each argument in turn
#   - a lone formula giving "" (a figure not filled in yet),
#   - followed by a blank cell and a "" cell inside its range,
#   - followed by a text cell ("no answer") inside its range,
#   - a range with a "" or a text in place of its second value,
# and the valid call over defined names. The extension's values (Calc WITH
# it) are the reference; LibreOffice without it, Gnumeric and HyperFormula
# recalculate the portable copy. Per engine: cells equal, errors of another
# kind (listed), and silent differences (a number where the extension shows
# an error or the reverse, or another number): these must be none.
PLACEHOLDER, NO_ANSWER = '=IF(1;"";0)', "no answer"


def _arg_cells(cells):
    """The values of one argument of a valid call, as Data cells (numbers,
    text, TRUE written as a formula)."""
    out = []
    for c in (c for r in cells for c in r):
        if c[0] == "num":
            out.append(c[1])
        elif c[0] == "text":
            out.append(c[1])
        else:
            out.append(None)
    return out


def mixed_book(catalogue):
    """(data {address: value}, names {name: range}, calls [(label, formula)])."""
    from calc.test_bad_input import BASE, row, s  # the matrix's valid calls
    from oracles import reference
    base_of = dict(BASE)
    for fn in catalogue:
        if fn["method"] not in base_of and fn["method"] in reference.RANGE:
            # As the matrix does: the predictive models' valid calls are their documented examples.
            _, values = reference._models().parse_call(fn["example"])
            base_of[fn["method"]] = [row(*v) if isinstance(v, list) else s(v) for v in values]
    data, names, calls = {}, {}, []
    row = [1]

    def block(values):
        """Writes values down column A of Data; their range (a blank value leaves its cell empty)."""
        first = row[0]
        for v in values:
            if v is not None:
                data[f"A{row[0]}"] = v
            row[0] += 1
        row[0] += 1  # a gap: ranges never touch
        return f"$Data.$A${first}:$A${row[0] - 2}" if len(values) > 1 else f"$Data.$A${first}"

    jobs = [(fn, base_of[fn["method"]], fn["name"]) for fn in catalogue if fn["method"] in base_of]
    # TIMETOCLOSE's valid call gives `won`, which keeps it as a value: also
    # its median and its mean without it, which are native.
    jobs += [(fn, base_of["timetoclose"][:n], f"KPI.TIMETOCLOSE (no won, {stat})")
             for fn in catalogue if fn["method"] == "timetoclose" for n, stat in ((3, "median"), (2, "mean"))]
    for fn, base, name in jobs:
        values = [_arg_cells(b[1]) for b in base]
        refs = [block(v) for v in values]
        call = fn["name"]
        calls.append((f"{name} valid", f"={call}({';'.join(refs)})"))
        named = []
        for i, r in enumerate(refs):
            n = f"{fn['method']}_{fn['args'][i]['name']}" + ("" if name == call else f"_{len(base)}")
            names[n] = r
            named.append(n)
        calls.append((f"{name} over names", f"={call}({';'.join(named)})"))
        for i, v in enumerate(values):
            variants = [('a lone ""', [PLACEHOLDER]), ('blank and "" after', v + [None, PLACEHOLDER]),
                        ("text after", v + [NO_ANSWER])]
            if len(v) > 1:
                # In place of a value, the range keeping its size (a pending
                # close date beside its first contact, a survey's "no answer").
                variants += [('"" in place of a value', v[:1] + [PLACEHOLDER] + v[2:]),
                             ("text in place of a value", v[:1] + [NO_ANSWER] + v[2:])]
            for what, cells in variants:
                t = list(refs)
                t[i] = block(cells)
                calls.append((f"{name} arg {i + 1} ({fn['args'][i]['name']}): {what}", f"={call}({';'.join(t)})"))
    # The cases, each function's valid call above leaving them out:
    # TIMETOCLOSE over deals one of which is still open (its close date a
    # "") by mean and by median (30, 60 and 51 days: 47 and 51), and over a
    # text date; NPS over 40 answers one of which is "no answer".
    first = block([45000, 45010, 45020, 45030])
    for what, close in (('a pending close date ""', PLACEHOLDER), ("a text close date", NO_ANSWER)):
        close = block([45030, close, 45080, 45081])
        for stat in ("", ";0", ";1"):
            calls.append((f"KPI.TIMETOCLOSE, {what}, statistic {stat[1:] or 'omitted'}",
                          f"=KPI.TIMETOCLOSE({first};{close}{stat})"))
    answers = [(7 * k) % 11 for k in range(40)]
    answers[17] = NO_ANSWER
    calls.append(("KPI.NPS, 40 answers, one \"no answer\"", f"=KPI.NPS({block(answers)})"))
    return data, names, calls


def _kind(v):
    """'value', 'error' (an error code, or an error's text) or 'text'/None."""
    if v is None:
        return None
    if v[0] == "text" and v[1].startswith(("#", "Err:")):
        return "error"
    return v[0]


def classify(want, got):
    """'equal', 'other error' or 'silent'."""
    if want[0] == "value":
        return "equal" if got is not None and got[0] == "value" and close(got[1], want[1]) else "silent"
    if _kind(got) == "error":
        return "equal" if got == want else "other error"
    return "silent"


def check_mixed(chk, a, catalogue, workdir):
    """Issue 25's Done when: the per-engine counts of the built workbook."""
    from harness import write_cells
    from kpitools.office.session import cell_result
    data, names, calls = mixed_book(catalogue)
    out = tempfile.mkdtemp(prefix="portable-mixed-", dir=workdir)
    try:
        with Office(oxt=a.oxt, workdir=workdir) as office:
            doc = office.new_calc()
            doc.Sheets.getByIndex(0).Name = "KPIs"
            doc.Sheets.insertNewByName("Data", 1)
            write_cells(doc.Sheets.getByName("Data"), data)
            from com.sun.star.table import CellAddress
            for n, ref in names.items():
                doc.NamedRanges.addNewByName(n, ref, CellAddress(0, 0, 0), 0)
            sheet = doc.Sheets.getByIndex(0)
            for r, (label, formula) in enumerate(calls):
                sheet.getCellByPosition(1, r).setString(label)
            sheet.getCellRangeByPosition(0, 0, 0, len(calls) - 1).setFormulaArray(tuple((f,) for _, f in calls))
            doc.calculateAll()
            ref = {("KPIs", r, 0): cell_result(sheet.getCellByPosition(0, r)) for r in range(len(calls))}
            # The cases, worked out by hand (days 30, 60 and 51 over the closed deals).
            by_hand = {'KPI.TIMETOCLOSE, a pending close date "", statistic omitted': ("value", 47.0),
                       'KPI.TIMETOCLOSE, a pending close date "", statistic 0': ("value", 47.0),
                       'KPI.TIMETOCLOSE, a pending close date "", statistic 1': ("value", 51.0),
                       "KPI.TIMETOCLOSE, a text close date, statistic 1": ("error", 519),
                       'KPI.NPS, 40 answers, one "no answer"': ("error", 519)}
            for r, (label, _) in enumerate(calls):
                if label in by_hand:
                    chk.check(ref[("KPIs", r, 0)] == by_hand[label],
                              f"{label}: the extension gives {by_hand[label]} ({ref[('KPIs', r, 0)]})")
            summary = convert.convert_document(doc, recalculate=False)
            print(f"mixed workbook: {len(calls)} KPI cells, {len(summary['rewritten'])} rewritten, "
                  f"{len(summary['frozen'])} kept as values", flush=True)
            office.save_as(doc, os.path.join(out, "mixed.xlsx"), "Calc MS Excel 2007 XML")
            office.save_as(doc, os.path.join(out, "mixed.ods"), "calc8")
            sheets = [doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)]
            doc.close(True)
        engines = {}
        with Office(workdir=workdir) as bare:
            doc = bare.load(os.path.join(out, "mixed.ods"))
            doc.calculateAll()
            s = doc.Sheets.getByName("KPIs")
            engines["LibreOffice without the extension"] = {
                k: cell_result(s.getCellByPosition(0, k[1])) for k in ref}
            doc.close(True)
        cells = {}
        gdir = gnumeric_values(os.path.join(out, "mixed.xlsx"), out)
        try:
            with open(os.path.join(gdir, f"{sheets.index('KPIs')}.csv"), newline="", encoding="utf-8") as f:
                for r, line in enumerate(csv.reader(f)):
                    if line:
                        cells[("KPIs", r, 0)] = parse_csv_cell(line[0])
        finally:
            shutil.rmtree(gdir, ignore_errors=True)
        engines["Gnumeric"] = cells
        modules = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(a.catalogue))),
                               "hyperformula", "node_modules")
        if shutil.which("node") and os.path.isdir(os.path.join(modules, "hyperformula")):
            fd, path = tempfile.mkstemp(suffix=".json", dir=out)
            with os.fdopen(fd, "w") as f:
                json.dump(xlsx_sheets(os.path.join(out, "mixed.xlsx")), f)
            r = subprocess.run(["node", HYPERFORMULA, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, timeout=300, env=dict(os.environ, NODE_PATH=modules))
            chk.check(r.returncode == 0, f"mixed workbook: HyperFormula ran ({r.stderr.strip()[:200]})")
            got = {}
            if r.returncode == 0:
                err = {v: k for k, v in ERROR_TEXT.items()}
                for i, line in enumerate(json.loads(r.stdout)["KPIs"]):
                    v = line[0] if line else None
                    if isinstance(v, dict):
                        got[("KPIs", i, 0)] = ("error", err.get(v["error"], v["error"]))
                    elif isinstance(v, (bool, int, float)):
                        got[("KPIs", i, 0)] = ("value", float(v))
                    elif isinstance(v, str) and v:
                        got[("KPIs", i, 0)] = ("text", v)
            engines["HyperFormula"] = got
        else:
            chk.check(False, "mixed workbook: HyperFormula is installed (the build installs it with npm)")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    chk.check(len(calls) >= 100, f"mixed workbook: at least 100 KPI cells ({len(calls)})")
    labels = {("KPIs", r, 0): label for r, (label, _) in enumerate(calls)}
    for engine, got in engines.items():
        seen = {"equal": [], "other error": [], "silent": []}
        for key, want in ref.items():
            seen[classify(want, got.get(key))].append(key)
        print(f"mixed workbook in {engine}: {len(seen['equal'])} equal, {len(seen['other error'])} an error of "
              f"another kind, {len(seen['silent'])} silent differences")
        for kind in ("other error", "silent"):
            for key in seen[kind]:
                print(f"  {kind}: {labels[key]}: {calls[key[1]][1]}: extension {ref[key]}, {engine} {got.get(key)}")
        chk.check(not seen["silent"], f"mixed workbook in {engine}: no silent difference ({len(seen['silent'])})")


if __name__ == "__main__":
    sys.exit(main())
