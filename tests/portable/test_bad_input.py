"""The bad-input matrix, natively (issue 11): every valid call and every
condition of tests/calc/test_bad_input.py (BASE x CONDITIONS, one argument at
a time) is computed by the function in Calc WITH the extension, then by its
native formula (kpitools.portable) recalculated by LibreOffice WITHOUT the
extension and by Gnumeric. Where the function gives a value, the native
formula must give the same (relative 1e-9); where it gives an error, the
native formula must give an error too. The error kinds that differ are
printed (docs: docs/guide/en/sharing.md, "Sharing with Excel, Google Sheets and LibreOffice
without the extension"). Calls kept as values ("value only") are counted.
"""
import collections
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

from harness import Checker, args_from_argv, write_cells
from kpitools.office.session import Office, cell_result
from kpitools.portable import convert, native

from calc.test_bad_input import BASE, CONDITIONS, DATA, row, s  # the matrix itself, not a copy
from oracles import reference

NAMES = {532: "#DIV/0!", 503: "#NUM!", 519: "#VALUE!", 32767: "#N/A", 504: "Err:504", 502: "Err:502",
         525: "#NAME?"}
# Where the native formula cannot follow the function, stated in the guide (en/sharing.md):
# S(t) as a difference of GAMMALNs loses every digit once alpha + beta + t
# reaches about 1e15 (here 1e300), where the core multiplies the ratios.
KNOWN_LIMITS = {"KPI.SBG.SURVIVAL arg 1 = huge", "KPI.SBG.SURVIVAL arg 3 = huge"}


def cases(catalogue):
    out = []
    for fn in catalogue:
        base = BASE.get(fn["method"])
        if base is None and fn["method"] in reference.RANGE:
            # As calc.bad_input does: the predictive models' valid calls are their documented examples.
            _, values = reference._models().parse_call(fn["example"])
            base = [row(*v) if isinstance(v, list) else s(v) for v in values]
        if base is None:
            continue
        texts = [b[0] for b in base]
        out.append((f"={fn['name']}({';'.join(texts)})", f"{fn['name']} valid call"))
        for i in range(len(base)):
            for name, cond in CONDITIONS.items():
                t = list(texts)
                t[i] = cond[0]
                out.append((f"={fn['name']}({';'.join(t)})", f"{fn['name']} arg {i + 1} = {name}"))
    return out


def shown(result):
    kind, v = result
    return NAMES.get(v, f"Err:{v}") if kind == "error" else v


def gnumeric_column(xlsx, workdir):
    """Column A of the first sheet, recalculated by Gnumeric."""
    d = tempfile.mkdtemp(prefix="gnumeric-", dir=workdir)
    try:
        subprocess.run(["ssconvert", "--recalc", "-S", xlsx, os.path.join(d, "%n.csv")], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        with open(os.path.join(d, "0.csv"), newline="") as f:
            rows = [r[0] if r else "" for r in csv.reader(f)]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    out = []
    for text in rows:
        if text.startswith("#"):
            out.append(("error", text))
        else:
            try:
                out.append(("value", float(text)))
            except ValueError:
                out.append(("text", text))
    return out


def matches(got, engine, w):
    """Whether a native result `got` is the function's result `w` (a value to
    1e-9, or an error of the same name)."""
    if w is None:
        return False
    if w[0] == "value":
        return got[0] == "value" and abs(got[1] - w[1]) <= 1e-9 * max(1.0, abs(w[1]))
    return got[0] == "error" and (shown(got) if engine == "LibreOffice" else got[1]) == shown(w)


def main():
    a = args_from_argv()
    chk = Checker("portable.bad_input")
    catalogue = json.load(open(a.catalogue))
    native.use_catalogue(catalogue)
    calls = cases(catalogue)
    os.makedirs(a.workdir, exist_ok=True)
    out = tempfile.mkdtemp(prefix="portable-bad-", dir=a.workdir)
    try:
        with Office(oxt=a.oxt, workdir=a.workdir) as office:
            doc = office.new_calc()
            doc.Sheets.insertNewByName("Data", 1)
            write_cells(doc.Sheets.getByName("Data"), DATA)
            sheet = doc.Sheets.getByIndex(0)
            for r, (formula, _) in enumerate(calls):
                sheet.getCellByPosition(0, r).setFormula(formula)
            doc.calculateAll()
            want = [cell_result(sheet.getCellByPosition(0, r)) for r in range(len(calls))]
            summary = convert.convert_document(doc, recalculate=False)
            frozen = {e["cell"] for e in summary["frozen"]}
            office.save_as(doc, os.path.join(out, "matrix.ods"), "calc8")
            office.save_as(doc, os.path.join(out, "matrix.xlsx"), "Calc MS Excel 2007 XML")
            doc.close(True)
        with Office(workdir=a.workdir) as bare:
            doc = bare.load(os.path.join(out, "matrix.ods"))
            doc.calculateAll()
            sheet = doc.Sheets.getByIndex(0)
            lo = [cell_result(sheet.getCellByPosition(0, r)) for r in range(len(calls))]
            doc.close(True)
        gn = gnumeric_column(os.path.join(out, "matrix.xlsx"), out)
        gn += [("text", "")] * (len(calls) - len(gn))
    finally:
        shutil.rmtree(out, ignore_errors=True)

    kinds = {"LibreOffice": collections.Counter(), "Gnumeric": collections.Counter()}
    conditions = collections.defaultdict(set)
    n_valid = n_error = n_frozen = 0
    by_label = {label: w for (_, label), w in zip(calls, want)}
    blank_rule = {label: by_label.get(label.removesuffix("= blank") + "= empty range")
                  for _, label in calls if label.endswith("= blank")}
    for r, ((formula, label), w) in enumerate(zip(calls, want)):
        if f"Sheet1.A{r + 1}" in frozen:
            n_frozen += 1
        if w[0] == "value":
            n_valid += 1
        else:
            n_error += 1
        if label in KNOWN_LIMITS:
            print(f"known limit: {label}: {formula}: function {shown(w)}, natively {shown(lo[r])} (LibreOffice), "
                  f"{gn[r][1]} (Gnumeric)")
            continue
        for engine, got in (("LibreOffice", lo[r]), ("Gnumeric", gn[r])):
            got_shown = shown(got) if engine == "LibreOffice" else got[1]
            if label.endswith("= blank") and matches(got, engine, blank_rule.get(label)):
                # The blank rule: Calc hands the add-in a lone blank cell as 0,
                # the native formula sees it blank and may follow the rule as
                # the function does for a blank range (the "empty range" case).
                continue
            if w[0] == "value":
                ok = got[0] == "value" and abs(got[1] - w[1]) <= 1e-9 * max(1.0, abs(w[1]))
                chk.check(ok, f"{engine}: {label}: {formula} natively gave {got_shown}, the function {w[1]}")
            else:
                chk.check(got[0] == "error", f"{engine}: {label}: {formula} natively gave {got_shown}, "
                                             f"the function {shown(w)}")
                if got[0] == "error" and got_shown != shown(w):
                    kinds[engine][(shown(w), got_shown)] += 1
                    conditions[(engine, shown(w), got_shown)].add(label.split(" = ")[-1])
    print(f"{len(calls)} calls: {n_valid} give a value, {n_error} an error with the extension; "
          f"{n_frozen} kept as values (value only)")
    for engine, counter in kinds.items():
        print(f"Error kinds that differ, extension -> native in {engine}:")
        for (ext, nat), n in sorted(counter.items()):
            print(f"  {ext} -> {nat}: {n} call(s) ({', '.join(sorted(conditions[(engine, ext, nat)]))})")
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
