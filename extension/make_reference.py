"""Writes the function reference shipped in the .oxt (KPI ▸ Function reference),
and the user guide's chapters a marketer needs beside it, in English and in
French, from the catalogue JSON the build writes and docs/guide/. Rendered
with Jinja2 (the pages' layout: extension/reference/*.j2) and Python-Markdown
(the chapters), both Debian's.

  make_reference.py CATALOGUE.json OUT_DIR [--docs DOCS_DIR]
     -> OUT_DIR/functions-en.html, functions-fr.html, reference.css,
        OUT_DIR/en/kpicpl.html, OUT_DIR/fr/kpicpl.html, ...        (one forwarder per function)
        OUT_DIR/guide/en/insert.html, ..., guide/fr/..., guide/img/  (with --docs)

The texts of each function are those of the "Insert a KPI" dialog
(kpimenu.finder): the dialog, the reference and Calc's function wizard all
show the catalogue's words. The catalogue's texts are plain text with two
marks of Markdown: *title* (a book or journal, in the sources) and `code`;
they are rendered as such, nothing else (a "*" inside a formula such as
m*r/(1+d-r) stays a "*").

The small page of each function forwards to its entry (functions-en.html#kpicpl):
the link of a template's About sheet (org.kpifunctions:reference?fn=KPI.CPL)
opens it, as the desktop's opener drops the "#..." of a file address (xdg-open
does), so the anchor has to be inside a page of its own.

A chapter's links to another shipped chapter or to the function reference
(docs/functions.md#kpicpl) become links inside the .oxt; a link to anything
else (the rest of the guide, the templates' PDFs) is left as plain text, and
its images are shipped beside it: tests/docs/check_links.py --oxt checks that
every link inside the .oxt resolves.
"""
import argparse
import os
import posixpath
import re
import shutil
import sys

import jinja2
import markdown
from markupsafe import Markup, escape

from kpimenu import finder  # extension/python/pythonpath, on PYTHONPATH (extension/CMakeLists.txt)

HERE = os.path.dirname(os.path.abspath(__file__))
LANGS = ("en", "fr")

TEXT = {
    "en": {"title": "KPI functions — reference", "functions": "Functions", "other_language": "Français",
           "intro": "Every function of the KPI extension: type it in a cell (=KPI.CPL(B2:B13; C2:C13)), or use "
                    "KPI ▸ Insert a KPI… in Calc's menu bar. Amounts and counts accept a number or a range "
                    "(summed, blanks skipped); rates are fractions (format the cell as %).",
           "contents": "Contents", "search_label": "Search", "search_placeholder": "cost per lead, open rate, churn…",
           "no_match": "No function matches these words.", "colon": ":",
           "footer": "KPI functions for LibreOffice Calc — this reference and these chapters are shipped in the "
                     "extension and read offline. The whole user guide (predictive CLV, PostgreSQL and Python, "
                     "limits, performance, conventions) is in the project's docs/guide/ folder."},
    "fr": {"title": "Fonctions KPI — référence", "functions": "Fonctions", "other_language": "English",
           "intro": "Toutes les fonctions de l'extension KPI : tapez-la dans une cellule (=KPI.CPL(B2:B13; C2:C13)), "
                    "ou utilisez KPI ▸ Insérer un KPI… dans la barre de menus de Calc. Les montants et nombres "
                    "acceptent un nombre ou une plage (additionnée, cellules vides ignorées) ; les taux sont des "
                    "fractions (format %).",
           "contents": "Sommaire", "search_label": "Rechercher", "search_placeholder": "coût par lead, taux d'ouverture, attrition…",
           "no_match": "Aucune fonction ne correspond à ces mots.", "colon": " :",
           "footer": "Fonctions KPI pour LibreOffice Calc — cette référence et ces chapitres sont livrés avec "
                     "l'extension et se lisent hors connexion. Le guide complet (CLV prédictive, PostgreSQL et "
                     "Python, limites, performances, conventions) est dans le dossier docs/guide/ du projet."},
}
# The words of an entry are the dialog's (finder.TEXTS): one translation for both.
for _lang in LANGS:
    for _key in ("syntax", "definition", "example", "errors", "source", "note", "optional", "unit", "synonyms"):
        TEXT[_lang][_key] = finder.TEXTS[_lang][_key]

# The guide's chapters shipped in the .oxt: docs/guide/<lang>/<name>.md, each in both languages.
CHAPTERS = [
    {"name": "insert", "title": {"en": "Insert a KPI", "fr": "Insérer un KPI"}},
    {"name": "templates", "title": {"en": "Templates and imports", "fr": "Modèles et imports"}},
    {"name": "sharing", "title": {"en": "Sharing", "fr": "Partager"}},
    {"name": "auditing", "title": {"en": "Auditing", "fr": "Auditer"}},
]

# Pages the chapters lead to, shipped too (source under docs/, place in the reference): the header
# names the templates' import sheets recognise (generated in English by kpitools.templates.import_headers).
EXTRA_PAGES = [("import-headers.md", "guide/import-headers.html")]

_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_CODE = re.compile(r"`([^`]+)`")
# English and French (LibreOffice's own French names: "#VALEUR !", "Err :504").
_ERROR_CODES = re.compile(r"(#DIV/0 ?!|#NUM ?!|#VALUE!|#VALEUR !|#N/[AD]|Err ?:\d{3})")


def inline(text):
    """A catalogue text as HTML: escaped, *title* in italics, `code` in monospace."""
    html = str(escape(text or ""))
    html = _CODE.sub(r"<code>\1</code>", html)
    return Markup(_EMPHASIS.sub(r"<em>\1</em>", html))


def errors(text):
    """A line of the errors list, its error codes in monospace."""
    return Markup(_ERROR_CODES.sub(r"<code>\1</code>", str(escape(text))))


def plain_name(entry, lang):
    """The function's name in words, from its description: "Cost per lead" for KPI.CPL. Descriptions read
    "<name>: <what it computes>"; a model's read "BG/NBD: <what>", and a fit's "Fits the ... by ..."."""
    desc = finder.text_of(entry.get("description"), lang).strip()
    head, sep, rest = desc.partition(":")
    head = head.strip()
    if sep and " " in head and len(head) <= 50:
        return head
    colon = " : " if lang == "fr" else ": "  # a model's name (BG/NBD, Gamma-Gamma, sBG), then what it gives
    text = f"{head}{colon}{rest.strip()}" if sep and " " not in head else head
    text = re.split(r",| \(| by | par maximum| given | sachant | of a customer| d'un client|\.$", text)[0].strip()
    return text[:1].upper() + text[1:] if text[1:2].islower() else text


_DECIMAL = re.compile(r"(?<![\w.])(\d+)\.(\d+)(?![\w.])")


def local_numbers(text, lang, braces=False):
    """Decimal commas on the French page (0.25 -> 0,25), as a French Calc shows and reads them; numbers inside
    an inline array {...} are left alone unless braces (their separators depend on Calc's settings)."""
    if lang != "fr":
        return text
    if braces:
        return _DECIMAL.sub(r"\1,\2", text)
    return re.sub(r"\{[^}]*\}|[^{]+", lambda m: m.group(0) if m.group(0).startswith("{")
                  else _DECIMAL.sub(r"\1,\2", m.group(0)), text)


def entry_view(e, lang):
    """What the template shows of one function, in one language."""
    args = [{"name": finder.text_of(a.get("display"), lang) or a["name"], "optional": a.get("optional"),
             "description": finder.text_of(a.get("description"), lang)} for a in e.get("args", [])]
    names = [e["name"], e.get("method", ""), plain_name(e, "en"), plain_name(e, "fr")]
    names += finder.list_of(e.get("synonyms"))
    for l in LANGS:
        names.append(finder.text_of(e.get("description"), l))
        names += [finder.text_of(a.get("display"), l) for a in e.get("args", [])]
    fam = e.get("family_name") or e.get("family")
    if fam:
        names += [finder.text_of(fam, l) for l in LANGS]
    return {"name": e["name"], "anchor": finder.anchor(e["name"]), "plain": plain_name(e, lang),
            "description": finder.text_of(e.get("description"), lang), "syntax": finder.syntax(e, lang),
            "args": args, "definition": finder.text_of(e.get("definition"), lang),
            "unit": finder.text_of(e.get("unit"), lang), "example": local_numbers(e.get("example", ""), lang),
            "example_result": local_numbers(e.get("example_result", ""), lang, braces=True), "errors": finder.errors(e, lang),
            "synonyms": finder.list_of(e.get("synonyms"), lang), "note": finder.text_of(e.get("note"), lang),
            "source": finder.text_of(e.get("source"), lang),
            "search": " ".join(sorted({w for n in names for w in finder.words(n)}))}


def families(entries, lang):
    out = []
    for e in entries:
        fid = e.get("family", "")
        if not out or out[-1]["id"] != fid:
            out.append({"id": fid, "name": finder.text_of(e.get("family_name"), lang) or fid, "functions": []})
        out[-1]["functions"].append(entry_view(e, lang))
    return out


def environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(HERE, "reference")),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["inline"] = inline
    env.filters["errors"] = errors
    return env


_LINK = re.compile(r'<a href="([^"]*)"([^>]*)>(.*?)</a>', re.S)
_IMG = re.compile(r'(<img [^>]*src=")([^"]*)(")')


def shipped_pages():
    """{source under docs/: its place in the reference}: the chapters in both languages, and the pages
    they lead to that a user of the .oxt needs (the import sheets' header names, English only)."""
    pages = {f"guide/{l}/{c['name']}.md": f"guide/{l}/{c['name']}.html" for l in LANGS for c in CHAPTERS}
    pages.update({src: out for src, out in EXTRA_PAGES})
    return pages


def page_html(docs, src, out, lang, images):
    """One page of the guide (src, under docs/) as HTML for its place in the reference (out), its links
    rewritten for the .oxt (see the module's docstring). images: {source path: shipped name}, filled
    with the page's pictures (shipped in guide/img/)."""
    with open(os.path.join(docs, src), encoding="utf-8") as f:
        text = f.read()
    body = markdown.markdown(text, extensions=["tables", "fenced_code", "toc"], output_format="html")
    shipped = shipped_pages()
    here = posixpath.dirname(out)

    def target(url):
        if re.match(r"^[a-z][a-z0-9+.-]*:", url) or url.startswith("#"):
            return url
        path, _, frag = url.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
        if resolved in shipped:
            dest = shipped[resolved]
        elif resolved == "functions.md":
            dest = f"functions-{lang}.html"
        else:
            return None
        return posixpath.relpath(dest, here or ".") + (f"#{frag}" if frag else "")

    def link(m):
        url = target(m.group(1).replace("&amp;", "&"))
        return m.group(3) if url is None else f'<a href="{escape(url)}"{m.group(2)}>{m.group(3)}</a>'

    def img(m):
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(src), m.group(2)))
        images[resolved] = posixpath.basename(resolved)
        return m.group(1) + posixpath.relpath("guide/img/" + images[resolved], here or ".") + m.group(3)

    body = _IMG.sub(img, _LINK.sub(link, body))
    title = re.search(r"<h1[^>]*>(.*?)</h1>", body, re.S)
    return body, re.sub(r"<[^>]+>", "", title.group(1)) if title else posixpath.basename(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("catalogue")
    ap.add_argument("out")
    ap.add_argument("--docs", help="the docs/ folder: ship the guide's chapters too")
    a = ap.parse_args(argv[1:])
    entries = finder.load(a.catalogue)
    env = environment()
    chapters = CHAPTERS if a.docs else []
    os.makedirs(a.out, exist_ok=True)
    shutil.copyfile(os.path.join(HERE, "reference", "reference.css"), os.path.join(a.out, "reference.css"))
    images = {}
    for lang in LANGS:
        other = "fr" if lang == "en" else "en"
        common = {"lang": lang, "other": other, "t": TEXT[lang], "chapters": chapters}
        write(os.path.join(a.out, f"functions-{lang}.html"),
              env.get_template("functions.html.j2").render(
                  common, root="", page="functions", title=TEXT[lang]["title"],
                  other_url=f"functions-{other}.html", families=families(entries, lang)))
        for e in entries:
            name = finder.anchor(e["name"])
            write(os.path.join(a.out, lang, name + ".html"),
                  env.get_template("entry.html.j2").render(lang=lang, name=e["name"],
                                                            target=f"../functions-{lang}.html#{name}"))
        for c in chapters:
            body, title = page_html(a.docs, f"guide/{lang}/{c['name']}.md", f"guide/{lang}/{c['name']}.html",
                                    lang, images)
            write(os.path.join(a.out, "guide", lang, c["name"] + ".html"),
                  env.get_template("chapter.html.j2").render(
                      common, root="../../", page=c["name"], title=title, body=Markup(body),
                      other_url=f"../{other}/{c['name']}.html"))
    for src, out in EXTRA_PAGES if a.docs else []:
        body, title = page_html(a.docs, src, out, "en", images)
        write(os.path.join(a.out, out), env.get_template("chapter.html.j2").render(
            lang="en", other="fr", t=TEXT["en"], chapters=chapters, root="../", page=out, title=title,
            body=Markup(body), other_url="../functions-fr.html"))
    for src, name in images.items():
        os.makedirs(os.path.join(a.out, "guide", "img"), exist_ok=True)
        shutil.copyfile(os.path.join(a.docs, src), os.path.join(a.out, "guide", "img", name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
