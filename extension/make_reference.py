"""Writes the function reference shipped in the .oxt (KPI ▸ Function reference):
one self-contained HTML page per language, from the catalogue JSON the build
writes. The texts of each function are those of the "Insert a KPI" dialog
(kpimenu.finder.details): the dialog, the reference and Calc's function
wizard all show the catalogue's words.

  make_reference.py CATALOGUE.json OUT_DIR   -> OUT_DIR/functions-en.html, functions-fr.html,
                                                OUT_DIR/en/kpicpl.html, OUT_DIR/fr/kpicpl.html, ...

The small page of each function forwards to its entry (functions-en.html#kpicpl):
the link of a template's About sheet (org.kpifunctions:reference?fn=KPI.CPL)
opens it, as the desktop's opener drops the "#..." of a file address (xdg-open
does), so the anchor has to be inside a page of its own.
"""
import html
import os
import sys

from kpimenu import finder  # extension/python/pythonpath, on PYTHONPATH (extension/CMakeLists.txt)

PAGE = {
    "en": {"title": "KPI functions — reference", "intro":
           "Every function of the KPI extension: type it in a cell (=KPI.CPL(B2:B13; C2:C13)), or use "
           "KPI ▸ Insert a KPI… in Calc's menu bar. Amounts and counts accept a number or a range (summed, "
           "blanks skipped); rates are fractions (format the cell as %).", "contents": "Functions"},
    "fr": {"title": "Fonctions KPI — référence", "intro":
           "Toutes les fonctions de l'extension KPI : tapez-la dans une cellule (=KPI.CPL(B2:B13; C2:C13)), ou "
           "utilisez KPI ▸ Insérer un KPI… dans la barre de menus de Calc. Les montants et nombres acceptent "
           "un nombre ou une plage (additionnée, cellules vides ignorées) ; les taux sont des fractions "
           "(format %).", "contents": "Fonctions"},
}

STYLE = """body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45;color:#202124}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #dadce0;padding-bottom:.2em}
code,pre{background:#f1f3f4;border-radius:3px}pre{padding:.6em;white-space:pre-wrap}
nav a{margin-right:.8em;white-space:nowrap}"""


anchor = finder.anchor


def entry_page(entry, lang):
    """A page that forwards to the function's entry in the reference of its language."""
    target = f"../functions-{lang}.html#{anchor(entry['name'])}"
    name = html.escape(entry["name"])
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={target}"><title>{name}</title></head>'
            f'<body><p><a href="{target}">{name}</a></p></body></html>\n')


def page(entries, lang):
    t = PAGE[lang]
    other = "fr" if lang == "en" else "en"
    out = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
           f"<title>{html.escape(t['title'])}</title><style>{STYLE}</style></head><body>",
           f"<h1>{html.escape(t['title'])}</h1>",
           f'<p><a href="functions-{other}.html">{"Français" if other == "fr" else "English"}</a></p>',
           f"<p>{html.escape(t['intro'])}</p>", f"<h2>{t['contents']}</h2><nav>"]
    out += [f'<a href="#{anchor(e["name"])}">{html.escape(e["name"])}</a>' for e in entries]
    out.append("</nav>")
    for e in entries:
        out.append(f'<h2 id="{anchor(e["name"])}">{html.escape(e["name"])}</h2>')
        # The dialog's text, line for line: one source for both.
        out.append(f"<pre>{html.escape(finder.details(e, lang))}</pre>")
    out.append("</body></html>\n")
    return "\n".join(out)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    entries = finder.load(argv[1])
    os.makedirs(argv[2], exist_ok=True)
    for lang in ("en", "fr"):
        with open(os.path.join(argv[2], f"functions-{lang}.html"), "w", encoding="utf-8") as f:
            f.write(page(entries, lang))
        os.makedirs(os.path.join(argv[2], lang), exist_ok=True)
        for e in entries:
            with open(os.path.join(argv[2], lang, anchor(e["name"]) + ".html"), "w", encoding="utf-8") as f:
                f.write(entry_page(e, lang))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
