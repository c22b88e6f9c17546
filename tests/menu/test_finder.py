"""The Insert dialog's search, texts and insertion plan, without LibreOffice
(extension/python/pythonpath/kpimenu/finder.py), on the built catalogue.
Expectations are read off the catalogue's own wording by hand: "lead" is in
the descriptions of KPI.CPL ("Cost per lead") and KPI.MQL2SQL ("…-qualified
leads"), "coût" in the French descriptions of the cost-per-result functions."""
import argparse
import os
import re
import sys

from harness import Checker
from kpimenu import finder  # extension/python/pythonpath, on PYTHONPATH (tests/menu/CMakeLists.txt)


def names(entries, q):
    return [e["name"] for e in finder.search(entries, q)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--catalogue", required=True)
    ap.add_argument("--reference-dir")
    opts = ap.parse_args()
    ck = Checker("menu.finder")
    entries = finder.load(opts.catalogue)
    by = {e["name"]: e for e in entries}

    ck.check(len(names(entries, "")) == len(entries), "an empty search lists every function")
    lead = names(entries, "lead")
    ck.check(lead[:1] == ["KPI.CPL"], f"'lead': KPI.CPL first ({lead})")
    ck.check("KPI.MQL2SQL" in lead and "KPI.SCOREAUC" in lead, f"'lead' finds MQL2SQL and SCOREAUC ({lead})")
    ck.check("KPI.ROAS" not in lead, "'lead' does not find ROAS")
    ck.check(names(entries, "coût par lead")[:1] == ["KPI.CPL"], "'coût par lead' (French phrase): KPI.CPL first")
    ck.check(names(entries, "cout par lead") == names(entries, "coût par lead"), "accents do not matter")
    ck.check({"KPI.CPL", "KPI.CPA", "KPI.CAC", "KPI.CPC", "KPI.CPM"} <= set(names(entries, "coût")),
             "'coût' finds the cost-per-result functions through their French texts")
    email = set(names(entries, "e-mail"))
    ck.check({"KPI.OPENRATE", "KPI.UNSUBRATE", "KPI.BOUNCERATE"} <= email, f"'e-mail' finds the e-mail rates {email}")
    ck.check(names(entries, "email") == names(entries, "e-mail"), "'email' and 'e-mail' are the same search")
    ck.check(names(entries, "churn")[:1] == ["KPI.CHURN"], "'churn': KPI.CHURN")
    ck.check(names(entries, "CPL") == ["KPI.CPL"], "a function name finds that function")
    ck.check(names(entries, "zzzz qqq") == [], "nonsense finds nothing")
    some = names(entries, "churn zzzz")
    ck.check(some[:1] == ["KPI.CHURN"] and not finder.exact(by["KPI.CHURN"], "churn zzzz"),
             f"no function has every word: those with some of them, not marked exact ({some})")
    ck.check(names(entries, "retour investissement")[:1] == ["KPI.ROI"], "French words: ROI")
    # The words of issue 12, through the catalogue's synonyms (core/catalogue/texts.toml).
    for q, fn in (("lead velocity", "KPI.GROWTH"), ("share of voice", "KPI.SHARE"), ("MER", "KPI.ROAS"),
                  ("désinscription", "KPI.UNSUBRATE"), ("churn", "KPI.CHURN")):
        ck.check(names(entries, q)[:1] == [fn], f"{q!r}: {fn} first ({names(entries, q)[:3]})")
    # Synonyms, where the catalogue has them (issue 15 adds them): each finds its function.
    for e in entries:
        for lang in ("en", "fr"):
            for s in finder.list_of(e.get("synonyms"), lang):
                ck.check(e["name"] in names(entries, s), f"synonym {s!r} finds {e['name']}")

    # Issue 23, item 8: real queries, each with its expected first result (tests/menu/search_queries.tsv).
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "search_queries.tsv"), encoding="utf-8") as f:
        queries = [ln.rstrip("\n").split("\t") for ln in f if ln.strip() and not ln.startswith("#")]
    ck.check(len(queries) >= 40 and {"taux de transformation", "open rate"} <= {q for q, _ in queries},
             f"{len(queries)} real queries in both languages")
    wrong = [(q, fn, names(entries, q)[:3]) for q, fn in queries if names(entries, q)[:1] != [fn]]
    ck.check(not wrong, f"every query's first result is the expected function (not: {wrong})")
    # The exact name of a function: the functions holding that phrase, not those with its words scattered.
    ck.check(not {"KPI.WINRATE", "KPI.PIPECOVERAGE"} & set(names(entries, "open rate")),
             f"'open rate' lists neither WINRATE nor PIPECOVERAGE ({names(entries, 'open rate')})")
    ck.check("KPI.CLV.PREDICT" not in names(entries, "return on ad spend"),
             f"'return on ad spend' does not list CLV.PREDICT ({names(entries, 'return on ad spend')})")
    ck.check("KPI.CONVRATE" in names(entries, "taux de transformation"), "'taux de transformation' finds CONVRATE")

    # Plain words: the dialog's text for KPI.CPL, in both languages.
    en, fr = finder.details(by["KPI.CPL"], "en"), finder.details(by["KPI.CPL"], "fr")
    ck.check("Syntax: KPI.CPL(cost; leads)" in en, "English syntax line")
    ck.check("Syntaxe : KPI.CPL(coût; leads)" in fr, "French syntax line with the French argument names")
    ck.check("#VALUE!" in en and "#NUM! for a negative amount or count" in en, "English: when it errs")
    ck.check("Coût par lead : coût divisé par le nombre de leads." in fr, "French description, as the wizard's")
    # Issue 23, item 9: the French examples with a decimal comma, as a French Calc shows them.
    rate_fr = finder.details(by["KPI.OPENRATE"], "fr")
    ck.check("→ 0,25" in rate_fr and "→ 0.25" in finder.details(by["KPI.OPENRATE"], "en"),
             "KPI.OPENRATE's example result: 0,25 in French, 0.25 in English")
    dotted = [e["name"] for e in entries if re.search(r"\d\.\d", finder.details(e, "fr").split("Exemple")[1]
                                                      .split("\n")[0] if "Exemple" in finder.details(e, "fr") else "")]
    ck.check(not dotted, f"no French example with a decimal point ({dotted})")
    ck.check("[gross_margin]" in finder.syntax(by["KPI.CLV"], "en"), "optional argument in brackets")
    # The definition in the dialog's language, over the argument names of its syntax line (texts.toml's
    # definition.fr, read there by hand).
    ck.check("Definition: cost / leads (result in currency per lead)" in en, "English definition line")
    ck.check("Définition : coût / leads (Résultat en montant par lead)" in fr, "French definition line, over coût")
    roas = finder.details(by["KPI.ROAS"], "fr")
    ck.check("Définition : ca / dépenses_pub" in roas, "KPI.ROAS: French definition, French names")
    ttc = finder.details(by["KPI.TIMETOCLOSE"], "fr")
    ck.check("de dates_conclusion − dates_premier_contact, ligne par ligne" in ttc and "gagnée = 1" in ttc,
             "KPI.TIMETOCLOSE: a worded French definition with the French argument names")
    # No French definition line shows an English argument name (one whose French name differs).
    english = []
    for e in entries:
        line = next(ln for ln in finder.details(e, "fr").splitlines() if ln.startswith("Définition : "))
        for a in e["args"]:
            if a["display"]["fr"] != a["name"] and a["name"] in re.findall(r"\w+", line):  # as written: âge is not age
                english.append(f"{e['name']}: {a['name']}")
    ck.check(not english, f"French definitions name no argument in English ({english[:5]})")
    # The search reads the French definitions too: "tranches" (of days) is only in KPI.COHORT's.
    ck.check(names(entries, "tranches") == ["KPI.COHORT"], f"'tranches': KPI.COHORT ({names(entries, 'tranches')})")
    ck.check(names(entries, "moyenne pondérée")[:1] == ["KPI.GG.SPEND"], "'moyenne pondérée': KPI.GG.SPEND")

    # The insertion plan: where the formula goes and which cells become which argument.
    cpl = by["KPI.CPL"]
    ck.check(finder.plan(cpl, [(1, 1, 2, 12)]) == (["B2:B13", "C2:C13"], (1, 13)),
             "B2:C13 selected: one argument per column, formula in B14")
    ck.check(finder.plan(cpl, [(1, 1, 1, 12), (3, 1, 3, 12)]) == (["B2:B13", "D2:D13"], (1, 13)),
             "two ranges (Ctrl+click): one argument each")
    ck.check(finder.plan(cpl, [(4, 6, 4, 6)]) == ([], None), "a single cell: the formula goes there, no argument")
    ck.check(finder.plan(by["KPI.NPS"], [(5, 1, 5, 240)]) == (["F2:F241"], (5, 241)), "NPS over one column")
    ck.check(finder.plan(cpl, [(1, 1, 4, 12)]) == (["B2:E13"], (1, 13)),
             "4 columns for 2 arguments: the whole range as the first argument")
    # Issue 23, item 4: one row of two cells (one month's cost and leads): one argument each, the result to its right.
    ck.check(finder.plan(cpl, [(0, 1, 1, 1)]) == (["A2", "B2"], (2, 1)), "A2:B2 selected: =KPI.CPL(A2;B2) in C2")
    # Issue 23, item 2: the header row says which column is which argument, in either language.
    rate = by["KPI.OPENRATE"]
    for heads in (["Envoyés", "Ouvertures"], ["Sent", "Opens"], ["Délivrés", "Ouvertures"]):
        ck.check(finder.arrange(rate, ["A2:A4", "B2:B4"], heads)[0] == ["B2:B4", "A2:A4"],
                 f"{heads}: the opens column goes first, as KPI.OPENRATE(opens; delivered) takes it")
    ck.check(finder.arrange(cpl, ["A2:A4", "B2:B4"], ["Leads", "Coût"])[0] == ["B2:B4", "A2:A4"],
             "Leads | Coût: the cost column first")
    ck.check(finder.arrange(cpl, ["A2:A4", "B2:B4"], ["Month 1", "Month 2"])[0] == ["A2:A4", "B2:B4"],
             "headers naming no argument: column order")
    ck.check(finder.mapping(rate, ["B2:B4", "A2:A4"], ["Ouvertures", "Envoyés"], "fr")
             == "ouvertures \u2190 B2:B4 (Ouvertures) ; délivrés \u2190 A2:A4 (Envoyés)", "the dialog's French line")
    ck.check(finder.above_one(rate, 4.054) and not finder.above_one(rate, 0.27)
             and not finder.above_one(by["KPI.ROAS"], 4.0), "a rate above 100 % where the domain forbids it")
    ck.check([finder.format_kind(by[n]) for n in ("KPI.OPENRATE", "KPI.CPL", "KPI.ROAS", "KPI.NPS")]
             == ["percent", "currency", "ratio", None], "each function's number format")
    ck.check(finder.formula(cpl, ["B2:B13", "C2:C13"]) == ("=KPI.CPL(B2:B13;C2:C13)", True), "complete formula")
    ck.check(finder.formula(cpl, ["B2:B13"]) == ("=KPI.CPL(B2:B13)", False), "one argument short: incomplete")
    ck.check(finder.formula(by["KPI.CLV"], ["A1", "B1", "C1"])[1], "optional gross_margin may be left out")
    ck.check(finder.a1(27, 0, 27, 0) == "AB1" and finder.a1(0, 0, 25, 9) == "A1:Z10", "A1 names")

    if opts.reference_dir:
        for lang, desc in (("en", "Cost per lead: cost divided by the number of leads."),
                           ("fr", "Coût par lead : coût divisé par le nombre de leads.")):
            with open(os.path.join(opts.reference_dir, f"functions-{lang}.html"), encoding="utf-8") as f:
                page = f.read()
            ck.check(all(f'id="{e["name"].lower().replace(".", "")}"' in page for e in entries),
                     f"reference ({lang}): a section for every function")
            ck.check(desc in page, f"reference ({lang}): the catalogue's description of KPI.CPL")
            definition = {"en": "Definition: cost / leads", "fr": "Définition : coût / leads"}[lang]
            ck.check(definition in re.sub(r"<[^>]+>", "", page), f"reference ({lang}): KPI.CPL's definition {definition!r}")
            # The page of each function (the About sheets' links open it) forwards to its entry.
            bad = []
            for e in entries:
                key = e["name"].lower().replace(".", "")
                entry = os.path.join(opts.reference_dir, lang, key + ".html")
                text = open(entry, encoding="utf-8").read() if os.path.isfile(entry) else ""
                if f'http-equiv="refresh" content="0; url=../functions-{lang}.html#{key}"' not in text:
                    bad.append(e["name"])
            ck.check(not bad, f"reference ({lang}): a page forwarding to each function's entry (not: {bad[:5]})")
    # The reference's command finds a function by the name a link gives: display or stored, any case.
    ck.check(finder.same_function(by["KPI.SBG.FIT"], "KPI.SBG.FIT") and finder.same_function(by["KPI.SBG.FIT"], "KPI.SBGFIT")
             and finder.same_function(cpl, "kpi.cpl") and finder.same_function(cpl, "CPL")
             and not finder.same_function(cpl, "KPI.CPA") and not finder.same_function(cpl, "KPI.CPLX"),
             "a function named by its display name, its stored name, in any case, with or without KPI.")
    # The audit report's inventory shows each KPI cell's definition in the report's language
    # (kpi-audit's JSON carries the English one).
    from kpimenu import report
    defs = report._entries(entries)
    item = {"function": "KPI.CPL", "definition": "cost / leads"}
    ck.check(report._definition(item, "fr", defs) == "coût / leads" and report._definition(item, "en", defs) == "cost / leads",
             f"audit report: KPI.CPL's definition in French and English ({report._definition(item, 'fr', defs)!r})")
    ck.check(report._definition({"function": "KPI.NOSUCH", "definition": None}, "fr", defs) == "",
             "audit report: an unknown function has no definition")
    return ck.finish()


if __name__ == "__main__":
    sys.exit(main())
