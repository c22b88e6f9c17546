"""Every function of the catalogue is classified for the audit, from the
catalogue's own data: its shape is one the audit knows; a ratio, rate, part
of a whole or gain has header words (its synonyms) to find it by; a rate or
part of a whole says how bad a value above 100 % is (`above_one`), and that
agrees with its inputs' part-of-whole pairs. A new KPI that is not classified
fails here, naming it and the texts.toml key to add."""
import os
import unittest

from kpitools.audit.labels import Labels
from kpitools.catalogue import load_catalogue

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SHAPES = {"ratio", "rate", "part_of_whole", "gain", "formula", "cells", "array", "model", "map"}


def catalogue():
    return load_catalogue(os.environ.get("KPI_CATALOGUE_JSON")
                          or os.path.join(SOURCE, "build", "generated", "catalogue.json"))


class Classified(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cat = catalogue()
        cls.labels = Labels.of(cls.cat)
        cls.words = dict(cls.labels.kpi_words)

    def test_every_function(self):
        for e in self.cat:
            short = e["name"].upper()[4:]
            with self.subTest(function=e["name"]):
                self.assertIn(e.get("shape"), SHAPES, "unknown shape: teach the audit (audit/labels.py, rules/)")
                if e["shape"] in ("ratio", "rate", "part_of_whole"):
                    self.assertIn(short, self.labels.ratio_kpis)
                if e["shape"] in ("rate", "part_of_whole"):
                    self.assertIn(e.get("above_one"), ("error", "warning", "none"),
                                  f"texts.toml [{e['method']}] needs above_one")
                if e["shape"] == "gain":
                    self.assertIn(short, self.labels.gain_kpis)
                if short in self.labels.ratio_kpis | self.labels.gain_kpis | set(self.labels.above_one):
                    self.assertTrue(self.words.get(short), f"texts.toml [{e['method']}] needs header synonyms")

    def test_inputs_are_consistent(self):
        kinds = {k["kind"] for k in self.cat.inputs}
        self.assertGreater(len(kinds), 10, "catalogue-tables.json's input kinds were not read")
        for part, whole, _severity in self.labels.part_of:
            self.assertIn(whole, kinds, f"[inputs.{part}] within names an unknown kind {whole}")
        # A rate of two inputs and the pair of those inputs are checked with the same severity.
        feeds = {a: k["kind"] for k in self.cat.inputs for a in k["args"]}
        pairs = {(p, w): s for p, w, s in self.labels.part_of}
        checked = 0
        for e in self.cat:
            if e.get("above_one") in ("error", "warning") and len(e["args"]) >= 2:
                p, w = (feeds.get(a["name"]) for a in e["args"][:2])
                if (p, w) in pairs:
                    checked += 1
                    self.assertEqual(pairs[(p, w)], e["above_one"], f"{e['name']}: {p} within {w}")
        self.assertGreaterEqual(checked, 6)

    def test_severities_of_round_two(self):
        """Issue 14 item 7: errors where it cannot happen, warnings where platforms allow it."""
        pairs = {(p, w): s for p, w, s in self.labels.part_of}
        self.assertEqual(pairs[("bounces", "sent")], "error")
        self.assertEqual(pairs[("unsubscribes", "delivered")], "error")
        self.assertEqual(pairs[("customers_lost", "customers_start")], "error")
        self.assertEqual(pairs[("sqls", "mqls")], "warning")
        self.assertEqual(pairs[("conversions", "clicks")], "warning")
        self.assertEqual(pairs[("opens", "delivered")], "warning")


if __name__ == "__main__":
    unittest.main()
