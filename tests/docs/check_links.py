"""Every internal link and anchor of a set of HTML pages resolves.

    check_links.py --site DIR          after `mkdocs build`: every page of the site
    check_links.py --oxt FILE.oxt      the reference and the guide's chapters inside the .oxt

Internal means relative (no scheme, no host): the target file must exist in
the same tree (the folder, or the .oxt's ZIP members) and, when the link has
a fragment (#kpicpl), the target page must hold an element with that id. A
missing file or anchor is listed with the page that links to it.
"""
import argparse
import html.parser
import os
import posixpath
import sys
import urllib.parse
import zipfile


class Page(html.parser.HTMLParser):
    """The ids a page defines and the internal links it holds (attribute, value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) is not None and not (tag == "link" and a.get("rel") in ("canonical",)):
                self.links.append(a[key])


def parse(text):
    p = Page()
    p.feed(text)
    return p


def internal(url):
    u = urllib.parse.urlsplit(url)
    return not (u.scheme or u.netloc or url.startswith("//"))


def check(read, names):
    """read(name) -> text of an HTML page; names: every file of the tree (POSIX paths).
    Returns (problems, pages checked, links checked)."""
    names = set(names)
    pages = {n: parse(read(n)) for n in sorted(names) if n.endswith(".html")}
    problems, n_links = [], 0
    for name, page in pages.items():
        for url in page.links:
            if not internal(url):
                continue
            n_links += 1
            u = urllib.parse.urlsplit(url)
            path = urllib.parse.unquote(u.path)
            # "/x" is the tree's root (MkDocs writes 404.html so, for a server).
            base = "" if path.startswith("/") else posixpath.dirname(name)
            target = posixpath.normpath(posixpath.join(base, path.lstrip("/"))) if path else name
            if target == ".":
                target = "index.html"
            if path.endswith("/") or (path and target + "/index.html" in names and target not in names):
                target = posixpath.join(target, "index.html")
            if target.startswith("../") or target not in names:
                problems.append(f"{name}: link {url!r}: no file {target}")
                continue
            if u.fragment and target.endswith(".html") and urllib.parse.unquote(u.fragment) not in pages[target].ids:
                problems.append(f"{name}: link {url!r}: no anchor #{u.fragment} in {target}")
    return problems, len(pages), n_links


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--site")
    g.add_argument("--oxt")
    ap.add_argument("--expect", action="append", default=[],
                    help="a file that must be in the tree (repeatable)")
    a = ap.parse_args()
    if a.site:
        names = [os.path.relpath(os.path.join(d, f), a.site).replace(os.sep, "/")
                 for d, _, fs in os.walk(a.site) for f in fs]

        def read(n):
            with open(os.path.join(a.site, n), encoding="utf-8") as f:
                return f.read()
        problems, n_pages, n_links = check(read, names)
    else:
        with zipfile.ZipFile(a.oxt) as z:
            names = [n for n in z.namelist() if not n.endswith("/")]
            problems, n_pages, n_links = check(lambda n: z.read(n).decode("utf-8"), names)
    problems += [f"missing: {e}" for e in a.expect if e not in names]
    for p in problems:
        print("FAIL", p)
    print(f"{n_pages} pages, {n_links} internal links checked; {len(problems)} problem(s)")
    return 1 if problems or not n_pages else 0


if __name__ == "__main__":
    sys.exit(main())
