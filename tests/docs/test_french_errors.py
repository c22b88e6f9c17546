#!/usr/bin/env python3
"""Every French text names an error as a French LibreOffice shows it.

A French Calc does not show "#VALUE!" or "#NUM!" in a cell but "#VALEUR !"
and "#NUM !" (and "#DIV/0 !", "#N/D", "#NOM ?", "Err :504"); Excel's French
"#NOMBRE!" does not exist in LibreOffice. The names are read here from
LibreOffice's own French translation (for.mo, the formula compiler's symbol
table), not from a list kept by us, and every French text the user reads is
checked against them: the catalogue's .fr texts (the wizard, the reference,
the menu's dialog), the French chapters of the guide, the dialog's own words,
the audit's French messages and the templates' French strings.

usage: test_french_errors.py SOURCE_DIR
"""
import gettext
import glob
import os
import re
import sys
import tomllib

SRC = sys.argv[1]
sys.path[:0] = [os.path.join(SRC, "python"), os.path.join(SRC, "extension", "python", "pythonpath")]

MO = "/usr/lib/libreoffice/program/resource/fr/LC_MESSAGES/for.mo"
ENGLISH = ["#DIV/0!", "#VALUE!", "#NUM!", "#N/A", "#NAME?", "#REF!", "#NULL!"]
# Anything that looks like an error name, English, French or made up, with or without a space.
LOOKS_LIKE = re.compile(r"#(?:DIV/0|VALUE|VALEUR|NUM|NOMBRE|NAME|NOM|REF|NULL|NUL) ?[!?]|#N/[A-Z]|Err ?:\d{3}")
# The sharing chapter says what Excel shows: a French Excel's own name.
EXCEL_FRENCH = {"#NOM?"}

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


with open(MO, "rb") as f:
    catalog = gettext.GNUTranslations(f)._catalog
french = {e: catalog["RID_STRLIST_FUNCTION_NAMES\x04" + e] for e in ENGLISH}
# LibreOffice's "Err:504" is a message of its own (STR_ERROR_STR in sc.mo): "Err :" in French.
with open(MO.replace("for.mo", "sc.mo"), "rb") as f:
    sc = gettext.GNUTranslations(f)._catalog
err_prefix = next(v for k, v in sc.items() if isinstance(k, str) and k.endswith("\x04Err:"))
allowed = set(french.values()) | EXCEL_FRENCH
check(french["#VALUE!"] != "#VALUE!", f"LibreOffice's French names read from for.mo: {french}, {err_prefix!r}")


def bad_names(text):
    return sorted({m for m in LOOKS_LIKE.findall(text)
                   if m not in allowed and not (m.startswith("Err") and m.startswith(err_prefix))})


def scan(label, text):
    bad = bad_names(text)
    check(not bad, f"{label}: error names as a French LibreOffice shows them (not: {bad})")


def strings(x):
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for v in x.values():
            yield from strings(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from strings(v)


def french_fields(node):
    """The values of every `fr` key of the catalogue's texts, at any depth."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "fr":
                yield from strings(v)
            else:
                yield from french_fields(v)


with open(os.path.join(SRC, "core", "catalogue", "texts.toml"), "rb") as f:
    texts = tomllib.load(f)
scan("core/catalogue/texts.toml (.fr)", "\n".join(french_fields(texts)))
for page in sorted(glob.glob(os.path.join(SRC, "docs", "guide", "fr", "*.md"))):
    with open(page, encoding="utf-8") as f:
        scan(os.path.relpath(page, SRC), f.read())

from kpimenu import finder  # noqa: E402  (the Insert dialog's words)
scan("kpimenu.finder.TEXTS['fr']", "\n".join(strings(finder.TEXTS["fr"])))
from kpitools.audit import texts as audit_texts  # noqa: E402
scan("kpitools.audit.texts (fr)", "\n".join(v["fr"] for v in audit_texts.TEXTS.values() if "fr" in v))
from kpitools.templates import imports  # noqa: E402
scan("kpitools.templates.imports (fr)", "\n".join(strings(imports.TEXTS["fr"])))

# The check itself catches the names that were there before (so it can fail).
check(bad_names("#VALEUR! #NOMBRE! #VALUE! Err:504 #VALEUR ! #NUM ! Err :504")
      == ["#NOMBRE!", "#VALEUR!", "#VALUE!", "Err:504"], "the check refuses #VALEUR!, #NOMBRE!, #VALUE!, Err:504")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
