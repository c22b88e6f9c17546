"""The functions of the catalogue in plain words, and the search of the
"Insert a KPI" dialog. Pure Python (no UNO): unit-tested without LibreOffice.

The catalogue is the JSON the build writes (build/generated/catalogue.json),
shipped inside the .oxt next to this module: the dialog and Calc's function
wizard show the same texts. Fields added to the catalogue later (family, unit,
div0, domain, note, synonyms) are used when present.
"""
import json
import os
import re
import unicodedata

from kpitools.sheet.addresses import col_name  # the package is shipped beside kpimenu in the .oxt

HERE = os.path.dirname(os.path.abspath(__file__))
CATALOGUE = os.path.join(HERE, "catalogue.json")


def load(path=CATALOGUE):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # Tolerate a catalogue wrapped in an object ({"functions": [...]}).
    entries = data["functions"] if isinstance(data, dict) else data
    # The families' names (catalogue-tables.json, beside it) are searched too: "e-mail", "pipeline".
    tables = os.path.join(os.path.dirname(path), "catalogue-tables.json")
    if os.path.isfile(tables):
        with open(tables, encoding="utf-8") as f:
            data = json.load(f)
        names = {x["family"]: x["name"] for x in data.get("families", [])}
        # The input kinds' header words: which column header names which argument (arrange()).
        _INPUT_WORDS.update({k["kind"]: list_of(k.get("words")) for k in data.get("inputs", [])})
        for e in entries:
            if e.get("family") in names:
                e["family_name"] = names[e["family"]]
    return entries


def anchor(name):
    """The id of a function's entry in the reference: KPI.BGNBD.FIT -> kpibgnbdfit."""
    return name.lower().replace(".", "")


def same_function(entry, name):
    """True when name (KPI.CPL, kpi.cpl, CPL, or the stored KPI.BGNBDFIT) is this entry's function."""
    key = anchor(name if name.upper().startswith("KPI.") else "KPI." + name)
    return key in (anchor(entry["name"]), "kpi" + entry["method"].lower())


def fold(text):
    """Lower case without accents, so that "cout" finds "coût" and "e-mail" finds "email"."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return text.replace("-", "").replace("\u2019", "'")


def words(text):
    return re.findall(r"[a-z0-9]+", fold(text))


def text_of(value, lang):
    """A catalogue text: a plain string, or {"en": ..., "fr": ...} (French falls back to English)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or ""
    return value or ""


def list_of(value, lang=None):
    """Synonyms: a list, or {"en": [...], "fr": [...]} (both when lang is None)."""
    if isinstance(value, dict):
        if lang:
            return list(value.get(lang) or [])
        return list(value.get("en") or []) + list(value.get("fr") or [])
    return list(value or [])


def syntax(entry, lang):
    parts = []
    for a in entry.get("args", []):
        name = text_of(a.get("display"), lang) or a["name"]
        parts.append(f"[{name}]" if a.get("optional") else name)
    return f"{entry['name']}({'; '.join(parts)})"


TEXTS = {
    "en": {"syntax": "Syntax", "definition": "Definition", "example": "Example", "errors": "When it gives an error",
           "source": "Source", "note": "Note", "args": "Arguments", "optional": "optional", "unit": "result in",
           "div0": "#DIV/0! when {}.", "num_amount": "#NUM! for a negative amount or count",
           "num": "#NUM! for {}.", "value": "#VALUE! for text where a number belongs",
           "value_single": ", or a range of several values for a single-number argument",
           "err504": "Err:504 when a required argument is missing or a range holds an error cell.",
           "synonyms": "Also known as"},
    "fr": {"syntax": "Syntaxe", "definition": "Définition", "example": "Exemple", "errors": "Quand elle donne une erreur",
           "source": "Source", "note": "Remarque", "args": "Arguments", "optional": "facultatif", "unit": "Résultat en",
           "div0": "#DIV/0 ! quand {}.", "num_amount": "#NUM ! pour un montant ou un nombre négatif",
           "num": "#NUM ! pour {}.", "value": "#VALEUR ! pour du texte à la place d'un nombre",
           "value_single": ", ou une plage de plusieurs valeurs pour un argument à valeur unique",
           "err504": "Err :504 quand un argument obligatoire manque ou qu'une plage contient une cellule en erreur.",
           "synonyms": "Autres noms"},
}


def label(entry, lang):
    """The list's line: the name and the description's first words ("KPI.CPL — Cost per lead")."""
    desc = text_of(entry.get("description"), lang)
    head = desc.split(":")[0].strip()
    if len(head) < 12:  # "BG/NBD: expected number of purchases…": the words after the model's name
        head = desc
    if len(head) > 38:
        head = head[:37].rstrip() + "…"
    return f"{entry['name']} — {head}" if head else entry["name"]


def errors(entry, lang):
    """When the function gives an error, in plain words (the reference's rules)."""
    t = TEXTS[lang]
    kinds = {a.get("kind") for a in entry.get("args", [])}
    out = []
    div0 = text_of(entry.get("div0"), lang)
    if div0:
        out.append(t["div0"].format(div0))
    domain = text_of(entry.get("domain"), lang)
    if "amount" in kinds:
        out.append(t["num_amount"] + (f"; {domain}." if domain else "."))
    elif domain:
        out.append(t["num"].format(domain))
    out.append(t["value"] + (t["value_single"] if "number" in kinds else "") + ".")
    out.append(t["err504"])
    return out


def details(entry, lang):
    """The dialog's text for one function (plain text, one fact per line)."""
    t = TEXTS[lang]
    sep = " : " if lang == "fr" else ": "  # French typography: a space before the colon
    lines = [entry["name"], text_of(entry.get("description"), lang), "",
             f"{t['syntax']}{sep}{syntax(entry, lang)}"]
    for a in entry.get("args", []):
        name = text_of(a.get("display"), lang) or a["name"]
        opt = f" ({t['optional']})" if a.get("optional") else ""
        lines.append(f"  • {name}{opt}{sep}{text_of(a.get('description'), lang)}")
    unit = text_of(entry.get("unit"), lang)
    definition = text_of(entry.get("definition"), lang)  # over the argument names of the syntax line above
    lines += ["", f"{t['definition']}{sep}{definition}" + (f" ({t['unit']} {unit})" if unit else "")]
    if entry.get("example"):
        example, result = entry["example"], str(entry.get("example_result", ""))
        if lang == "fr":  # as a French Calc writes numbers: 0,25 (the function names keep their dots)
            example, result = decimal_comma(example), decimal_comma(result)
        lines.append(f"{t['example']}{sep}{example} → {result}")
    lines += ["", t["errors"] + sep.rstrip()] + [f"  • {e}" for e in errors(entry, lang)]
    syn = list_of(entry.get("synonyms"), lang)
    if syn:
        lines += ["", f"{t['synonyms']}{sep}{', '.join(syn)}"]
    note = text_of(entry.get("note"), lang)
    if note:
        lines += ["", f"{t['note']}{sep}{note}"]
    source = text_of(entry.get("source"), lang)  # {"en", "fr"}: the citation with its glosses translated
    if source:
        lines += ["", f"{t['source']}{sep}{source}"]
    return "\n".join(lines)


def decimal_comma(text):
    """2.5 → 2,5 in numbers only: KPI.CPL and KPI.BGNBD.FIT keep their dots."""
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)


def _fields(entry):
    """(weight, text) pairs the search looks in, both languages whatever the UI:
    a French analyst types "lead" and an English one "churn" alike."""
    name = entry["name"]
    out = [(100, name), (100, name[4:] if name.upper().startswith("KPI.") else name), (100, entry.get("method", ""))]
    out += [(80, s) for s in list_of(entry.get("synonyms"))]
    for lang in ("en", "fr"):
        out.append((50, text_of(entry.get("description"), lang)))
        out.append((30, text_of(entry.get("definition"), lang)))
        for key in ("unit", "note", "div0", "domain"):
            out.append((10, text_of(entry.get(key), lang)))
    for a in entry.get("args", []):
        out.append((20, a.get("name", "")))
        for lang in ("en", "fr"):
            out.append((20, text_of(a.get("display"), lang)))
            out.append((10, text_of(a.get("description"), lang)))
    fam = entry.get("family_name") or entry.get("family")
    if fam:
        out += [(15, text_of(fam, "en")), (15, text_of(fam, "fr"))]
    return [(w, fold(s), set(words(s))) for w, s in out if s]


def score(entry, query, require_all=True, _cache={}):
    """0 when the function does not match; higher is better. Every word of the
    query must start a word of the function's texts (with require_all False:
    any word), and the whole query found as a phrase ranks first ("cout par
    lead", "share of voice")."""
    q_words = words(query)
    if not q_words:
        return 1
    key = (entry["name"], id(entry))
    fields = _cache.get(key)
    if fields is None:
        fields = _cache[key] = _fields(entry)
    phrase = " ".join(q_words)
    total = 0
    for qw in q_words:
        best = 0
        for w, _text, ws in fields:
            if qw in ws:
                best = max(best, w * 2)
            elif w > best and any(x.startswith(qw) for x in ws):
                best = max(best, w)
        if not best and require_all:
            return 0
        total += best
    # A phrase found as written ranks first: "cost per lead" before functions
    # that merely mention "cost" and "lead" in different places; the phrase
    # that is the function's name or one of its synonyms before anything else
    # ("retour sur investissement publicitaire" is ROAS's, not ROI's).
    if len(q_words) > 1:
        for w, text, _ws in fields:
            if phrase in " ".join(words(text)):
                total += w * 3
                break
    if any(w >= 80 and " ".join(words(text)) == phrase for w, text, _ws in fields):
        total += NAMED
    return total


NAMED = 10_000  # score() of a query that is the function's name or a synonym, as typed


def has_phrase(entry, query):
    """True when the words of the query stand together in one of the function's texts."""
    phrase = " ".join(words(query))
    return any(phrase in " ".join(words(text)) for _w, text, _ws in _fields(entry))


def search(entries, query):
    """The matching functions, best first (catalogue order among equals).
    When no function has every word ("lead velocity" before such a function
    exists), those with some of the words, so the list is never empty for
    nothing: the dialog says which case it is (see exact())."""
    for require_all in (True, False):
        scored = [(score(e, query, require_all), i, e) for i, e in enumerate(entries)]
        ranked = sorted((x for x in scored if x[0] > 0), key=lambda x: (-x[0], x[1]))
        if ranked and ranked[0][0] >= NAMED and len(words(query)) > 1:
            # A function's own name for it ("open rate", "return on ad spend"): the functions
            # whose texts hold that phrase, not those with its words scattered (WINRATE, CLV.PREDICT).
            ranked = [x for x in ranked if x[0] >= NAMED or has_phrase(x[2], query)]
        found = [e for _s, _i, e in ranked]
        if found:
            return found
    return []


def exact(entry, query):
    """True when the function has every word of the query."""
    return score(entry, query) > 0


# ---------------------------------------------------------------------------
# Inserting: which selected cells become which arguments, and where it goes
# ---------------------------------------------------------------------------
def a1(c1, r1, c2, r2):
    first = f"{col_name(c1)}{r1 + 1}"
    return first if (c1, r1) == (c2, r2) else f"{first}:{col_name(c2)}{r2 + 1}"


def single_row(ranges):
    """True for one range of one row and several cells (A2:B2: one month's cost and leads)."""
    return len(ranges) == 1 and ranges[0][1] == ranges[0][3] and ranges[0][2] > ranges[0][0]


def plan(entry, ranges):
    """ranges: the selection as (c1, r1, c2, r2) tuples (0-based, one sheet).

    Returns (references for the first arguments, target (col, row) or None).
    Several ranges (Ctrl+click) give one argument each, in selection order;
    one range of several columns gives one argument per column when the
    function takes that many (cost | leads → KPI.CPL(cost; leads)); any other
    range is the first argument. A range goes to the cell below it, in its
    first column, as AutoSum does; a single cell (the cursor) takes the
    formula itself, with no argument. None means: the cursor cell."""
    n_args = len(entry.get("args", []))
    ranges = [r for r in ranges if r]
    if not ranges or (len(ranges) == 1 and ranges[0][:2] == ranges[0][2:]):
        return [], None
    if len(ranges) > 1:
        refs = [a1(*r) for r in ranges[:n_args]]
    elif single_row(ranges) and ranges[0][2] - ranges[0][0] + 1 <= n_args:
        # One row of several cells: each cell is one argument, the result to
        # the right of the row (insert() goes below when that cell is filled).
        c1, r1, c2, _r2 = ranges[0]
        return [a1(c, r1, c, r1) for c in range(c1, c2 + 1)], (c2 + 1, r1)
    else:
        c1, r1, c2, r2 = ranges[0]
        k = c2 - c1 + 1
        if 2 <= k <= n_args and r2 > r1:
            refs = [a1(c, r1, c, r2) for c in range(c1, c2 + 1)]
        else:
            refs = [a1(c1, r1, c2, r2)]
    bottom = max(r[3] for r in ranges)
    return refs, (ranges[0][0], bottom + 1)


def formula(entry, refs):
    """(formula text, complete?) — incomplete when a required argument has no
    reference: the function wizard then asks for the rest."""
    args = entry.get("args", [])
    required = sum(1 for a in args if not a.get("optional"))
    if not refs:
        return f"={entry['name']}()", required == 0
    return f"={entry['name']}({';'.join(refs)})", len(refs) >= required


def format_kind(entry):
    """"percent", "currency" or "ratio" when the function's unit says its
    result is one (a fraction to show as %, an amount of money, a ratio such
    as a ROAS of 4.25), else None."""
    unit = text_of(entry.get("unit"), "en").lower() if entry else ""
    if unit.startswith("fraction") or "format as %" in unit:
        return "percent"
    if unit.startswith("currency"):
        return "currency"
    if unit.startswith("ratio"):
        return "ratio"
    return None


def number_format(entry, formats, locale):
    """The key of the function's number format in the document's formats
    (XNumberFormats), in the document's locale: 0.00 % or its currency."""
    kind = format_kind(entry)
    if kind == "percent":
        return formats.getFormatIndex(9, locale)  # com.sun.star.i18n.NumberFormatIndex.PERCENT_DEC2
    if kind == "currency":
        return formats.getStandardFormat(8, locale)  # NumberFormat.CURRENCY
    if kind == "ratio":
        return formats.getFormatIndex(2, locale)  # NumberFormatIndex.NUMBER_DEC2: 4.25
    return None


def arg_words(entry, i):
    """The header words that name argument i: its name, its wizard names in
    both languages, and the header words of the input kind it takes (the
    audit's table: "Envoyés", "Sent", "Ouvertures"…)."""
    a = entry["args"][i]
    out = {a["name"].replace("_", " "), text_of(a.get("display"), "en"), text_of(a.get("display"), "fr")}
    for kind in _ARG_KINDS.get(a["name"], (a["name"],)):
        out |= set(_INPUT_WORDS.get(kind, ()))
    return {" ".join(words(w)) for w in out if w}


def arg_of_header(entry, header):
    """The index of the argument a column header names, or None."""
    h = " ".join(words(header or ""))
    if not h:
        return None
    for i in range(len(entry.get("args", []))):
        if h in arg_words(entry, i):
            return i
    return None


def arrange(entry, refs, headers):
    """refs: one reference per selected column, headers: their header texts
    (or None). A column whose header names an argument goes to that argument,
    whatever its place; the others fill the remaining arguments in column
    order. Returns (refs in argument order, headers in the same order)."""
    n = len(refs)
    if not headers or n < 2:
        return list(refs), list(headers or [None] * n)
    slots = [None] * max(n, len(entry.get("args", [])))
    rest = []
    for ref, head in zip(refs, headers):
        i = arg_of_header(entry, head)
        if i is not None and i < len(slots) and slots[i] is None:
            slots[i] = (ref, head)
        else:
            rest.append((ref, head))
    for k, slot in enumerate(slots):
        if slot is None and rest:
            slots[k] = rest.pop(0)
    placed = [s for s in slots if s is not None]
    if len(placed) != n or any(s is None for s in slots[:n]):  # a gap: keep the column order
        return list(refs), list(headers)
    return [s[0] for s in placed], [s[1] for s in placed]


def mapping(entry, refs, headers, lang):
    """The dialog's line: which reference becomes which argument."""
    out = []
    for i, ref in enumerate(refs):
        args = entry.get("args", [])
        name = text_of(args[i].get("display"), lang) or args[i]["name"] if i < len(args) else "?"
        head = headers[i] if headers and i < len(headers) and headers[i] else ""
        out.append(f"{name} \u2190 {ref}" + (f" ({head})" if head else ""))
    return ("; " if lang == "en" else " ; ").join(out)


def above_one(entry, value):
    """True when a result above 100 % is outside the function's domain (the
    catalogue's above_one: a part over its whole)."""
    return bool(entry) and entry.get("above_one") in ("error", "warning") and value > 1 + 1e-12


try:
    from kpitools.audit.rules.handwritten import ARG_KINDS as _ARG_KINDS  # the audit's arguments → kinds
except ImportError:
    _ARG_KINDS = {}
_INPUT_WORDS = {}  # filled by load()
