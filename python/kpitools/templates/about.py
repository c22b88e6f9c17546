"""The "About" / "À propos" sheet every template carries: what it computes,
which cells to fill, the definitions it uses (the catalogue's texts, with a
link to each function's entry in the reference) and the version
(extension/description.xml).

The links are KPI menu commands, org.kpifunctions:reference?fn=KPI.CPL: Calc
hands a Ctrl+clicked cell link whose address belongs to a registered protocol
handler to the extension (measured with LibreOffice 7.4.7, tests gui.menu and
calc.menu_audit), which opens the reference shipped in the .oxt at that
function, in LibreOffice's language. There is no web address to link to; a
LibreOffice without the extension hands the address to the system, which opens
nothing: the sheet therefore writes each definition out and says where the
reference is (KPI ▸ Function reference).

Pure standard library (the catalogue JSON the build writes), so both
generators use it: make_templates.py writes the sheet into the flat ODF through
engine.py, make_predictive.py through UNO.
"""
import re

from kpitools.paths import source_path
from kpitools.templates.core_functions import built_catalogue

DESCRIPTION = source_path("extension", "description.xml")

LABELS = {
    "en": dict(sheet="About", computes="What it computes", fill="Cells to fill", definitions="Definitions used",
               function="Function", measures="What it measures", definition="Definition",
               reference="Reference", link="Open (Ctrl+click)", version="Version",
               where="Ctrl+click a link to open the function's entry in the reference of the KPI extension, in "
                     "LibreOffice's language; the whole reference is in the menu KPI ▸ Function reference. "
                     "Without the extension the links open nothing: the definitions are written out below.",
               version_text="KPI functions {v}: every figure is computed by the extension's functions (Insert ▸ "
                            "Function, category Add-in).",
               excel="A portable copy of this workbook (KPI ▸ Save a portable copy) keeps its formulas live in "
                     "{excel} and later{why}.", excel_why=" (it uses {fns})"),
    "fr": dict(sheet="À propos", computes="Ce qu'il calcule", fill="Cellules à remplir",
               definitions="Définitions utilisées", function="Fonction", measures="Ce qu'elle mesure",
               definition="Définition", reference="Référence", link="Ouvrir (Ctrl+clic)", version="Version",
               where="Ctrl+clic sur un lien ouvre la fiche de la fonction dans la référence de l'extension KPI, "
                     "dans la langue de LibreOffice ; la référence entière est dans le menu KPI ▸ Référence des "
                     "fonctions. Sans l'extension, les liens n'ouvrent rien : les définitions sont écrites "
                     "ci-dessous.",
               version_text="Fonctions KPI {v} : chaque chiffre est calculé par les fonctions de l'extension "
                            "(Insertion ▸ Fonction, catégorie Add-in).",
               excel="Une copie portable de ce classeur (KPI ▸ Enregistrer une copie portable) garde ses formules "
                     "vivantes dans {excel} et les versions suivantes{why}.", excel_why=" (elle utilise {fns})"),
}


def version():
    with open(DESCRIPTION, encoding="utf-8") as f:
        return re.search(r'<version value="([^"]+)"', f.read()).group(1)


def reference_url(function):
    """The KPI menu's command that opens the function's entry in the reference (kpimenu_handler.py)."""
    return f"org.kpifunctions:reference?fn={function}"


def functions_in(formulas):
    """The KPI functions (display names) named in formula texts, in order of first use. Calc shows a
    formula with the stored name (KPI.SBGFIT), the user types and the reference lists the display name
    (KPI.SBG.FIT)."""
    names = built_catalogue().by_formula_name()
    seen = []
    for f in formulas:
        for name in re.findall(r"KPI\.[A-Z0-9.]+(?=\()", f.upper()):
            name = names[name]["name"] if name in names else name
            if name not in seen:
                seen.append(name)
    return seen


def definitions(functions, lang):
    """[(name, what it measures, definition, url)] from the catalogue, in the sheet's language (the French
    definitions are written over the argument names the French wizard shows: coût / leads)."""
    cat = built_catalogue().by_formula_name()
    return [(name, cat[name.upper()]["description"][lang], cat[name.upper()]["definition"][lang],
             reference_url(name)) for name in functions]


def portable_formulas(formulas):
    """The formulas as a portable copy has them, for their function names: each KPI call's native
    formula (native.toml, none when it is kept as a value) and the rest as written."""
    from kpitools.portable import native  # the source tree's native.toml, or the build's copy
    cat = built_catalogue().by_formula_name()
    out = []
    for f in formulas:
        for name in set(re.findall(r"KPI\.[A-Z0-9.]+(?=\()", f.upper())):
            if "formula" in native.entry(entry_method(cat, name)):
                out.append("".join(native.template(entry_method(cat, name))[0][0::2]))
        out.append(re.sub(r"KPI\.[A-Za-z0-9.]+(?=\()", "KPI", f))
    return out


def entry_method(cat, name):
    """The stored method of a KPI function named in a formula (display or stored name)."""
    return cat[name]["method"] if name in cat else name[4:].lower()


def excel_line(lang, formulas):
    """The About sheet's line naming the oldest Excel a portable copy needs (issue 25, item 4)."""
    from kpitools.portable.excel_versions import excel_name, oldest_excel
    t = LABELS[lang]
    year, fns = oldest_excel(portable_formulas(formulas))
    return t["excel"].format(excel=excel_name(year), why=t["excel_why"].format(fns=", ".join(fns)) if fns else "")


def rows(lang, description, fill, functions, formulas=None):
    """The sheet as rows: ("section", text) | ("text", label, text) | ("table", header) |
    ("def", name, measures, definition, url, link text). formulas: the workbook's, for the line
    naming the oldest Excel its portable copy needs."""
    t = LABELS[lang]
    out = [("section", t["computes"]), ("text", "", description), ("section", t["fill"])]
    out += [("text", "", line) for line in fill]
    out += [("section", t["definitions"]), ("text", "", t["where"])]
    out.append(("table", (t["function"], t["measures"], t["definition"], t["reference"])))
    out += [("def",) + d + (t["link"],) for d in definitions(functions, lang)]
    out += [("section", t["version"]), ("text", "", t["version_text"].format(v=version()))]
    if formulas is not None:
        out.append(("text", "", excel_line(lang, formulas)))
    return out


def text_height(text):
    """Wrapped text in merged cells does not grow its row: its height in cm (about 110 characters a line)."""
    return round(0.5 * (1 + len(text) // 110), 2)


def write_about(book, fill):
    """Adds the About sheet, last, to an engine.Book: its functions are those its formulas use."""
    formulas = [c[1].odf(s.name) for s in book.sheets for c in s.cells.values() if c[0] == "formula"]
    s = book.sheet(LABELS[book.lang]["sheet"], [4.6, 7.5, 6.5, 4.2])
    s.text("A1", book.title, "title")
    s.row_height(1, 0.9)
    r = 3
    for row in rows(book.lang, book.description, fill, functions_in(formulas), formulas):
        if row[0] == "section":
            r += 1
            s.text(f"A{r}", row[1], "section")
        elif row[0] == "text":
            s.text(f"A{r}", row[2], "wrap")
            s.merge(f"A{r}", 4)
            s.row_height(r, text_height(row[2]))
        elif row[0] == "table":
            for i, h in enumerate(row[1]):
                s.text(f"{'ABCD'[i]}{r}", h, "head_l")
        else:
            name, measures, definition, url, link = row[1:]
            s.text(f"A{r}", name, "link")
            s.text(f"B{r}", measures, "wrap")
            s.text(f"C{r}", definition, "wrap")
            s.link(f"D{r}", link, url)
        r += 1
    return s
