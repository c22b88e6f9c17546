"""The function wizard's view of every function, read through Calc's own
FunctionDescriptions service: names, descriptions, argument names, optional
flags and category, in English (default UI) and in French (fr-FR UI, needs
libreoffice-l10n-fr), all compared with the catalogue. Also the add-in's
XAddIn / XCompatibilityNames answers, called directly."""
import json
import shutil
import os
import sys
import tempfile
import zipfile


def _load_our_types():
    # To receive the add-in object itself over the UNO bridge, this Python
    # process must know its interface type, which lives in the .oxt's kpi.rdb:
    # without it the bridge cannot unmarshal the reply and drops the
    # connection. URE_MORE_TYPES must be set before `uno` is imported.
    oxt = sys.argv[sys.argv.index("--oxt") + 1]
    rdb = os.path.join(tempfile.mkdtemp(prefix="kpi-types-"), "kpi.rdb")
    with zipfile.ZipFile(oxt) as z, open(rdb, "wb") as f:
        f.write(z.read("kpi.rdb"))
    # Replaces LibreOffice's default (every rdb in program/types/): keep those.
    os.environ["URE_MORE_TYPES"] = "<file:///usr/lib/libreoffice/program/types>* file://" + rdb
    return rdb


TYPES_RDB = _load_our_types()

import uno  # noqa: E402,F401
from com.sun.star.lang import Locale  # noqa: E402

from harness import args_from_argv, Checker
from kpitools.office.session import Office

ADDIN_CATEGORY = 11  # Calc's "Add-In" group (ID_FUNCTION_GRP_ADDINS)


def wizard_entries(office):
    fd = office.smgr.createInstanceWithContext("com.sun.star.sheet.FunctionDescriptions", office.ctx)
    out = {}
    for i in range(fd.getCount()):
        d = {p.Name: p.Value for p in fd.getByIndex(i)}
        out[d["Name"]] = d
    return out


def check_language(chk, office, catalogue, lang):
    entries = wizard_entries(office)
    for fn in catalogue:
        d = entries.get(fn["name"])
        chk.check(d is not None, f"[{lang}] {fn['name']} is in the function wizard")
        if d is None:
            continue
        chk.check(d["Category"] == ADDIN_CATEGORY, f"[{lang}] {fn['name']} category {d['Category']}")
        chk.check(d["Description"] == fn["description"][lang],
                  f"[{lang}] {fn['name']} description {d['Description']!r}")
        args = d["Arguments"]
        chk.check(len(args) == len(fn["args"]), f"[{lang}] {fn['name']} has {len(args)} arguments")
        for got, want in zip(args, fn["args"]):
            chk.check(got.Name == want["display"][lang], f"[{lang}] {fn['name']} argument {got.Name!r}")
            chk.check(got.Description == want["description"][lang],
                      f"[{lang}] {fn['name']}.{want['name']} description {got.Description!r}")
            chk.check(bool(got.IsOptional) == want["optional"],
                      f"[{lang}] {fn['name']}.{want['name']} optional={got.IsOptional}")


def main():
    a = args_from_argv()
    catalogue = json.load(open(a.catalogue))
    chk = Checker("calc.wizard")
    with Office(oxt=a.oxt, workdir=a.workdir) as office:
        check_language(chk, office, catalogue, "en")

        # The component itself, as Calc instantiates it.
        addin = office.smgr.createInstanceWithContext("KPI", office.ctx)
        chk.check(addin is not None, "service KPI can be created")
        chk.check(addin.getServiceName() == "KPI", "service name (half of every stored name)")
        for fn in catalogue:
            chk.check(addin.getProgrammaticFuntionName(fn["name"]) == fn["method"], f"{fn['name']} -> method")
            chk.check(addin.getDisplayFunctionName(fn["method"]) == fn["name"], f"{fn['method']} -> name")
            names = addin.getCompatibilityNames(fn["method"])
            chk.check(len(names) == 1 and names[0].Name == fn["name"] and names[0].Locale.Language == "en",
                      f"{fn['method']} compatibility name")
        addin.setLocale(Locale("fr", "FR", ""))
        chk.check(addin.getFunctionDescription("cpl") == catalogue[0]["description"]["fr"], "setLocale(fr)")
        chk.check(addin.getDisplayArgumentName("cpl", 0) == "coût", "French argument name")
        chk.check(addin.getDisplayArgumentName("cpl", 7) == "", "out-of-range argument index")
        chk.check(addin.getFunctionDescription("nope") == "", "unknown method")
        addin.setLocale(Locale("de", "DE", ""))
        chk.check(addin.getFunctionDescription("cpl") == catalogue[0]["description"]["en"], "other locales: English")

    with Office(oxt=a.oxt, workdir=a.workdir, ui_locale="fr-FR") as office:
        check_language(chk, office, catalogue, "fr")
    shutil.rmtree(os.path.dirname(TYPES_RDB), ignore_errors=True)
    return chk.finish()


if __name__ == "__main__":
    sys.exit(main())
