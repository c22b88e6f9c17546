"""MkDocs hook (mkdocs.yml). The site is built from docs/, but:
- docs/pending/ holds other engineers' notes waiting to be merged into the
  guide, and this file is the hook itself: neither is part of the site;
- MkDocs leaves out a top-level templates/ folder (it takes it for theme
  templates), which here holds the templates' PDFs, portable .xlsx and the
  dashboard picture the guide links to: they are added back."""
import os

from mkdocs.structure.files import File


def on_files(files, config):
    for f in list(files):
        if f.src_uri.startswith("pending/") or f.src_uri == "guide/hooks.py":
            files.remove(f)
    folder = os.path.join(config["docs_dir"], "templates")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        if not name.startswith("."):
            files.append(File("templates/" + name, config["docs_dir"], config["site_dir"],
                              config["use_directory_urls"]))
    return files


def on_post_build(config):
    """The site's home is the guide (guide/index.md); MkDocs links its site
    name to the site's root, which has no page of its own: one forwards."""
    with open(os.path.join(config["site_dir"], "index.html"), "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
                '<meta http-equiv="refresh" content="0; url=guide/index.html"><title>KPI functions</title></head>'
                '<body><p><a href="guide/index.html">The user guide</a></p></body></html>\n')


def on_post_page(output, page, config):
    """The French chapters declare their language (the theme writes the site's, English)."""
    if page.file.src_uri.startswith("guide/fr/"):
        output = output.replace('<html lang="en">', '<html lang="fr">', 1)
    return output
