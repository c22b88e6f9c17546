"""The "About" / "À propos" sheet every template carries: what it computes,
which cells to fill, the definitions it uses (from the catalogue's texts,
core/catalogue/texts.toml, with a link to each function's entry in the
reference) and the version (extension/description.xml).

Pure standard library (tomllib: Python 3.11, Debian 12's python3), so both
generators use it: make_templates.py writes the sheet into the flat ODF through
engine.py, make_predictive.py through UNO.
"""
import re
import tomllib

from kpitools.paths import source_path

TEXTS = source_path("core", "catalogue", "texts.toml")
DESCRIPTION = source_path("extension", "description.xml")

LABELS = {
    "en": dict(sheet="About", computes="What it computes", fill="Cells to fill", definitions="Definitions used",
               function="Function", measures="What it measures", definition="Definition",
               reference="Reference", version="Version", version_text="KPI functions {v}: every figure is "
               "computed by the extension's functions (Insert ▸ Function, category Add-in)."),
    "fr": dict(sheet="À propos", computes="Ce qu'il calcule", fill="Cellules à remplir",
               definitions="Définitions utilisées", function="Fonction", measures="Ce qu'elle mesure",
               definition="Définition", reference="Référence", version="Version",
               version_text="Fonctions KPI {v} : chaque chiffre est calculé par les fonctions de l'extension "
               "(Insertion ▸ Fonction, catégorie Add-in)."),
}


def _description_xml():
    with open(DESCRIPTION, encoding="utf-8") as f:
        return f.read()


def version():
    return re.search(r'<version value="([^"]+)"', _description_xml()).group(1)


def reference_url(function):
    """The function's entry in the reference (docs/functions.md, anchor as GitHub writes it), under the
    project's address as the extension declares it (publisher link of extension/description.xml)."""
    home = re.search(r'<name xlink:href="([^"]+)"', _description_xml()).group(1).rstrip("/")
    return f"{home}/docs/functions.md#{function.lower().replace('.', '')}"


def display_names():
    """{stored method: display name}, e.g. "sbgfit": "KPI.SBG.FIT", from the catalogue's entries
    (core/src/catalogue/*.cpp): Calc shows a formula with the stored name (KPI.SBGFIT), the user
    types and the reference lists the display name."""
    import glob
    out = {}
    for path in glob.glob(source_path("core", "src", "catalogue", "*.cpp")):
        with open(path, encoding="utf-8") as f:
            out.update(re.findall(r'\.method = "([a-z0-9]+)", \.name = "(KPI\.[A-Z0-9.]+)"', f.read()))
    return out


def functions_in(formulas):
    """The KPI functions (display names) named in formula texts, in order of first use."""
    names = display_names()
    seen = []
    for f in formulas:
        for name in re.findall(r"KPI\.[A-Z0-9.]+(?=\()", f.upper()):
            name = names.get(name[4:].lower().replace(".", ""), name)
            if name not in seen:
                seen.append(name)
    return seen


def definitions(functions, lang):
    """[(name, what it measures, definition, url)] from the catalogue's texts."""
    with open(TEXTS, "rb") as f:
        texts = tomllib.load(f)
    out = []
    for name in functions:
        entry = texts[name[4:].lower().replace(".", "")]
        out.append((name, entry["description"][lang], entry["definition"], reference_url(name)))
    return out


def rows(lang, description, fill, functions):
    """The sheet as rows: ("section", text) | ("text", label, text) | ("table", header) |
    ("def", name, measures, definition, url)."""
    t = LABELS[lang]
    out = [("section", t["computes"]), ("text", "", description), ("section", t["fill"])]
    out += [("text", "", line) for line in fill]
    out.append(("section", t["definitions"]))
    out.append(("table", (t["function"], t["measures"], t["definition"], t["reference"])))
    out += [("def",) + d for d in definitions(functions, lang)]
    out += [("section", t["version"]), ("text", "", t["version_text"].format(v=version()))]
    return out


def write_about(book, fill):
    """Adds the About sheet, last, to an engine.Book: its functions are those its formulas use."""
    formulas = [c[1].odf(s.name) for s in book.sheets for c in s.cells.values() if c[0] == "formula"]
    s = book.sheet(LABELS[book.lang]["sheet"], [4.6, 7.5, 6.5, 4.2])
    s.text("A1", book.title, "title")
    s.row_height(1, 0.9)
    r = 3
    for row in rows(book.lang, book.description, fill, functions_in(formulas)):
        if row[0] == "section":
            r += 1
            s.text(f"A{r}", row[1], "section")
        elif row[0] == "text":
            s.text(f"A{r}", row[2], "wrap")
            s.merge(f"A{r}", 4)
            # Wrapped text in merged cells does not grow its row: size it (about 110 characters a line).
            s.row_height(r, round(0.5 * (1 + len(row[2]) // 110), 2))
        elif row[0] == "table":
            for i, h in enumerate(row[1]):
                s.text(f"{'ABCD'[i]}{r}", h, "head_l")
        else:
            name, measures, definition, url = row[1:]
            s.text(f"A{r}", name, "link")
            s.text(f"B{r}", measures, "wrap")
            s.text(f"C{r}", definition, "wrap")
            s.link(f"D{r}", "functions.md#" + name.lower().replace(".", ""), url)
        r += 1
    return s
