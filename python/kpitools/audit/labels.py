"""Labels: which KPI a row or column header names, and what an input counts,
read from the catalogue (core/catalogue/texts.toml through the build's JSON):
each function's synonyms (EN and FR), shape and `above_one` severity, and the
input kinds with their header words and the kinds they are a part of. No
word list is kept here but the date headers', which name no KPI."""
import re
import unicodedata


def norm(text):
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " " + re.sub(r"[^a-z0-9%]+", " ", text).strip() + " "


# The shapes whose hand-written form the audit recomputes: a quotient, or a
# gain (new − old) / old.
RATIO_SHAPES = ("ratio", "rate", "part_of_whole")
GAIN_SHAPES = ("gain",)

START_WORDS = ["start", "start date", "debut", "date de debut", "date debut", "first contact", "premier contact"]
END_WORDS = ["end", "end date", "fin", "date de fin", "date fin", "close date", "closing date", "date de signature"]
# Short words that name a date column only when they are the whole header.
START_ONLY = ["from", "du", "begin"]
END_ONLY = ["to", "au", "close", "closed", "signature"]
DATE_SERIES_WORDS = ["date", "month", "mois", "week", "semaine", "day", "jour", "period", "periode"]


def has_words(label, words):
    n = norm(label)
    return any(f" {w} " in n for w in words)


def exact_words(label, words):
    return norm(label).strip() in words


def _words(table):
    table = table or {}
    return {norm(w).strip() for w in list(table.get("en", [])) + list(table.get("fr", []))} - {""}


def _longest(n, vocabulary):
    """The key whose word, found in the normalised label n, is longest."""
    best = None
    for key, words in vocabulary:
        for w in words:
            if f" {w} " in n and (best is None or len(w) > best[1]):
                best = (key, len(w))
    return best[0] if best else None


class Labels:
    """The audit's vocabulary, from the catalogue's functions and input kinds."""

    def __init__(self, functions, inputs):
        self.inputs = [(k["kind"], _words(k.get("words"))) for k in inputs]
        input_words = set().union(*(w for _, w in self.inputs)) if self.inputs else set()
        self.count_kinds = {k["kind"] for k in inputs if k.get("count", True)}
        # (part, whole, severity): in one row or column the part should not exceed the whole.
        self.part_of = [(k["kind"], whole, sev) for k in inputs for sev in ("error", "warning")
                        for whole in (k.get("within") or {}).get(sev, [])]
        self.ratio_kpis, self.gain_kpis, self.above_one, words = set(), set(), {}, []
        for e in functions:
            short = e["name"].upper()[4:]
            if e.get("above_one") in ("error", "warning"):
                self.above_one[short] = e["above_one"]
            if e.get("shape") in RATIO_SHAPES:
                self.ratio_kpis.add(short)
            elif e.get("shape") in GAIN_SHAPES:
                self.gain_kpis.add(short)
            elif short not in self.above_one:
                continue  # a header naming it has nothing the audit recomputes
            # A word that also names an input ("désinscriptions": the count) is the input's.
            words.append((short, _words(e.get("synonyms")) - input_words))
        self.kpi_words = [(k, w) for k, w in words if w]
        self._kpi_cache, self._input_cache = {}, {}

    @classmethod
    def of(cls, catalogue):
        """From a kpitools.catalogue.Catalogue (functions and the tables beside them)."""
        return cls(catalogue.functions, catalogue.inputs)

    def kpi_of_label(self, label):
        if label not in self._kpi_cache:
            self._kpi_cache[label] = _longest(norm(label), self.kpi_words)
        return self._kpi_cache[label]

    def input_kind(self, label):
        if label not in self._input_cache:
            # "Cost per lead" is a KPI, not a cost.
            self._input_cache[label] = None if self.kpi_of_label(label) else _longest(norm(label), self.inputs)
        return self._input_cache[label]
