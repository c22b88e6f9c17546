"""Every function of the catalogue is classified for the audit: its shape is
one the audit knows, and a ratio, rate, part of a whole or gain is in the
audit's matching list (kpitools/audit/labels.py) with header words to find it
by. A new KPI that is not classified fails here, naming it."""
import os
import unittest

from kpitools.audit.labels import GAIN_KPIS, KPI_WORDS, PART_RATES, RATIO_KPIS
from kpitools.catalogue import load_catalogue

SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SHAPES = {"ratio", "rate", "part_of_whole", "gain", "formula", "cells", "array", "model", "map"}


def functions():
    path = os.environ.get("KPI_CATALOGUE_JSON") or os.path.join(SOURCE, "build", "generated", "catalogue.json")
    return load_catalogue(path).functions


class Classified(unittest.TestCase):
    def test_every_function(self):
        for e in functions():
            short = e["name"].upper()[4:]
            with self.subTest(function=e["name"]):
                self.assertIn(e.get("shape"), SHAPES, "unknown shape: teach the audit (audit/labels.py, rules/)")
                if e["shape"] in ("ratio", "rate", "part_of_whole"):
                    self.assertIn(short, RATIO_KPIS, "a ratio the audit does not recompute: add it to RATIO_KPIS")
                if e["shape"] in ("rate", "part_of_whole") and short != "ENGAGEMENT":
                    # ENGAGEMENT counts engagements (several per impression): it may exceed 100 %.
                    self.assertIn(short, PART_RATES, "a part-of-whole rate: add it to PART_RATES")
                if e["shape"] == "gain":
                    self.assertIn(short, GAIN_KPIS, "a gain the audit does not recompute: add it to GAIN_KPIS")
                if short in RATIO_KPIS | GAIN_KPIS and short != "SHARE":
                    # SHARE is too generic a header to recognise ("share" of what?).
                    self.assertIn(short, KPI_WORDS, "no header words: add them to KPI_WORDS")

    def test_lists_name_catalogue_functions(self):
        names = {e["name"].upper()[4:] for e in functions()}
        for listed in (RATIO_KPIS, GAIN_KPIS, PART_RATES, set(KPI_WORDS)):
            self.assertEqual(listed - names, set())


if __name__ == "__main__":
    unittest.main()
