"""docs.reference: the HTML reference shipped in the .oxt (extension/make_reference.py),
read as a user reads it, in both languages (issue 23, item 10):

- the catalogue's texts rendered, not pasted: *Marketing Metrics* in italics,
  no asterisk left around a title, no <pre> block, the descriptions in plain
  text (not code), a formula's "*" (m*r/(1+d-r)) kept;
- each function's plain name beside its code, in the list at the top and on
  its entry (Cost per lead / Coût par lead beside KPI.CPL);
- a search box over both languages' words (searching "taux d'ouverture" or
  "open rate" keeps KPI.OPENRATE; the words are folded as the page's script
  folds the query);
- the French page in French: its labels, the source's glosses (no English
  source line: each function's French source differs from the English one
  where the English has words to translate), decimal commas in its examples.

  test_reference.py CATALOGUE.json REFERENCE_DIR
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata


class Doc(html.parser.HTMLParser):
    """Text per element id of interest, and a few structural facts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.tags = [], {}, []
        self.inputs, self.pre = [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "input":
            self.inputs.append(a)
        if tag == "pre":
            self.pre += 1
        key = a.get("id") or (("li:" + a["data-key"]) if tag == "li" and a.get("data-key") else None)
        if tag not in ("input", "meta", "link", "br", "img"):
            self.stack.append((tag, key))
            if key:
                self.text[key] = ""

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for _, key in self.stack:
            if key:
                self.text[key] += data


def fold(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    return s.replace("-", "").replace("\u2019", "'")


def main():
    catalogue, ref = sys.argv[1], sys.argv[2]
    entries = json.load(open(catalogue, encoding="utf-8"))
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    pages = {}
    for lang in ("en", "fr"):
        raw = open(f"{ref}/functions-{lang}.html", encoding="utf-8").read()
        d = Doc()
        d.feed(raw)
        pages[lang] = (raw, d)
        check(f'<html lang="{lang}"' in raw, f"{lang}: the page declares its language")
        check(d.pre == 0, f"{lang}: no preformatted (monospace) block ({d.pre})")
        text = re.sub(r"<[^>]+>", "", raw)
        stars = re.findall(r"(?<![\w*])\*[A-Z][^*\n]{2,60}\*", text)
        check(not stars, f"{lang}: no *asterisks* left around a title (found {stars[:3]})")
        check("<em>Marketing Metrics</em>" in raw, f"{lang}: *Marketing Metrics* in italics")
        check("m*r/(1+d-r)" in text, f"{lang}: a formula's * (KPI.CLVRET's m*r/(1+d-r)) is kept")
        searches = [a for a in d.inputs if a.get("type") == "search"]
        check(len(searches) == 1, f"{lang}: one search box")
        check("<script>" in raw and 'getElementById("q")' in raw, f"{lang}: the search box's script")
        missing = [e["name"] for e in entries if e["name"].lower().replace(".", "") not in d.text]
        check(not missing, f"{lang}: an entry for every function (missing {missing[:3]})")
        desc = re.search(r'id="kpicpl".*?<p class="desc">(.*?)</p>', raw, re.S)
        check(desc and "<code>" not in desc.group(1) and desc.group(1).startswith({"en": "Cost per lead", "fr": "Coût par lead"}[lang]),
              f"{lang}: KPI.CPL's description is plain text")
    en_raw, en = pages["en"]
    fr_raw, fr = pages["fr"]

    # Plain names beside the codes, in the list at the top and on the entries.
    for lang, d, name in (("en", en, "Cost per lead"), ("fr", fr, "Coût par lead")):
        li = d.text.get("li:kpicpl", "")
        check(name in li and "KPI.CPL" in li, f"{lang}: the list reads {li.strip()!r}")
        bad = []
        for e in entries:
            key = e["name"].lower().replace(".", "")
            item = d.text.get("li:" + key, "").strip()
            plain = item.replace(e["name"], "").strip()
            if not (3 <= len(plain) <= 70) or plain.upper() == e["name"].upper():
                bad.append((e["name"], plain))
        check(not bad, f"{lang}: every function's plain name beside its code, 3 to 70 characters (not: {bad[:3]})")
    check(fr.text.get("li:kpiopenrate", "").startswith("Taux d'ouverture") and en.text.get("li:kpiopenrate", "").startswith("E-mail open rate"),
          f"the open rate's plain names: {en.text.get('li:kpiopenrate')!r}, {fr.text.get('li:kpiopenrate')!r}")

    # The search's words: both languages on both pages.
    words = {lang: {m.group(1): m.group(2).split() for m in
                    re.finditer(r'<article class="fn" id="([a-z0-9]+)" data-search="([^"]*)"', raw)}
             for lang, (raw, _) in pages.items()}

    def hits(lang, query):
        q = re.findall(r"[a-z0-9]+", fold(query))
        return [k for k, ws in words[lang].items() if all(any(w.startswith(x) for w in ws) for x in q)]
    for lang in ("en", "fr"):
        for query, key in (("taux d'ouverture", "kpiopenrate"), ("open rate", "kpiopenrate"),
                           ("coût par lead", "kpicpl"), ("cout par lead", "kpicpl"), ("churn", "kpichurn"),
                           ("attrition", "kpichurn"), ("panier moyen", "kpiaov")):
            check(key in hits(lang, query), f"{lang}: searching {query!r} keeps {key} ({len(hits(lang, query))} shown)")
        check(not hits(lang, "zzzz"), f"{lang}: a word no function has hides them all")

    # The page's own script, run by node on a stand-in for the page (search_stub.js), where node is installed.
    node = shutil.which("node")
    if node:
        script = re.search(r"<script>(.*?)</script>", fr_raw, re.S).group(1)
        articles = [{"id": k, "search": " ".join(v)} for k, v in words["fr"].items()]
        queries = ["taux d'ouverture", "Taux d’Ouverture", "open rate", "coût par lead", "panier moyen", "zzzz", ""]
        run = subprocess.run([node, os.path.join(os.path.dirname(os.path.abspath(__file__)), "search_stub.js")],
                             input=json.dumps({"script": script, "articles": articles, "queries": queries}),
                             capture_output=True, text=True, timeout=60)
        shown = json.loads(run.stdout) if run.returncode == 0 else {}
        check(run.returncode == 0, f"fr: the search script runs ({run.stderr.strip()[:200]})")
        for query, key in (("taux d'ouverture", "kpiopenrate"), ("Taux d’Ouverture", "kpiopenrate"),
                           ("open rate", "kpiopenrate"), ("coût par lead", "kpicpl"), ("panier moyen", "kpiaov")):
            check(key in shown.get(query, []) and len(shown[query]) < len(articles),
                  f"fr: the search box, {query!r}: {key} shown, others hidden ({len(shown.get(query, []))} shown)")
        check(shown.get("zzzz") == [] and len(shown.get("", [])) == len(articles),
              "fr: the search box hides all for an unknown word, shows all when empty")
    else:
        print("skip the search script: node is not installed")

    # The French page in French.
    text_fr = re.sub(r"<[^>]+>", "", fr_raw)
    for label in ("Syntax:", "Definition:", "Example:", "When it gives an error", "Also known as", "Source:"):
        check(label not in text_fr, f"fr: no English label {label!r}")
    check("Définition :" in text_fr and "Source :" in text_fr, "fr: French labels")
    same = []
    for e in entries:
        src = e["source"]
        if isinstance(src, str) or not src.get("fr") or (src["fr"] == src["en"] and re.search(r"\(|ch\. |Help", src["en"])):
            same.append(e["name"])
    check(not same, f"fr: each source's glosses in French (English only: {same[:4]})")
    m = re.search(r'id="kpiclvret".*?<p class="source">(.*?)</p>', fr_raw, re.S)
    check(m and "multiple de marge" in m.group(1) and "the variants" not in m.group(1),
          "fr: KPI.CLVRET's source reads in French")
    m = re.search(r'id="kpiclvret".*?<p class="example">(.*?)</p>', fr_raw, re.S)
    check(m and "0,8" in m.group(1) and "266,666" in m.group(1), "fr: decimal commas in the examples (KPI.CLVRET)")
    m = re.search(r'id="kpiclvret".*?<p class="example">(.*?)</p>', en_raw, re.S)
    check(m and "0.8" in m.group(1) and "266.666" in m.group(1), "en: decimal points in the examples")
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
