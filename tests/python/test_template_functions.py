"""The template evaluator's KPI functions come from the core (the `kpi`
module), with Calc's way of passing cells: expected values worked by hand."""
import math
import unittest

from kpitools.templates.core_functions import core_functions


class CoreFunctions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.f = core_functions()

    def test_amount_ranges_are_summed_blanks_skipped(self):
        # (100 + 200) / (2 + 3), the blank cell left out
        self.assertAlmostEqual(self.f["KPI.CPL"]([100.0, None, 200.0], [2.0, 3.0]), 60.0, places=12)
        self.assertAlmostEqual(self.f["KPI.CPM"](50.0, 20000.0), 2.5, places=12)

    def test_errors_raise(self):
        with self.assertRaisesRegex(ValueError, "#DIV/0!"):
            self.f["KPI.CPL"](1.0, 0.0)
        with self.assertRaisesRegex(ValueError, "text"):
            self.f["KPI.CPL"]([1.0, "12"], 3.0)
        with self.assertRaisesRegex(ValueError, "single value"):
            self.f["KPI.CLV"]([1.0, 2.0], 1.0, 1.0)

    def test_range_argument_read_whole(self):
        # promoters 10,9,10,9,10 (5), detractors 6,3,5 (3), 10 answers: 100 * (5 - 3) / 10
        scores = [10.0, 9.0, 8.0, 7.0, 6.0, None, 3.0, 10.0, 9.0, 5.0, 10.0]
        self.assertAlmostEqual(self.f["KPI.NPS"](scores), 20.0, places=12)

    def test_optional_and_multi_argument_functions(self):
        self.assertAlmostEqual(self.f["KPI.CLV"](50.0, 2.0, 3.0), 300.0, places=12)
        self.assertAlmostEqual(self.f["KPI.CLV"](50.0, 2.0, 3.0, 0.5), 150.0, places=12)
        pa, pb, n = 0.2, 0.25, 1000.0
        p = (200 + 250) / 2000
        z = (pa - pb) / math.sqrt(p * (1 - p) * (2 / n))
        self.assertAlmostEqual(self.f["KPI.ABPVALUE"](200.0, n, 250.0, n), math.erfc(abs(z) / math.sqrt(2)), places=14)
        self.assertAlmostEqual(self.f["KPI.LIFT"](30.0, 1000.0, 18.0, 1000.0), 0.03 / 0.018 - 1, places=14)

    def test_every_catalogue_function_under_both_names(self):
        from kpitools.catalogue import load_catalogue
        import os
        for e in load_catalogue(os.environ["KPI_CATALOGUE_JSON"]):
            if e["family"] == "meta":  # KPI.MAP
                continue
            self.assertIn(e["name"].upper(), self.f)
            self.assertIn("KPI." + e["method"].upper(), self.f)


if __name__ == "__main__":
    unittest.main()


class SpreadsheetFunctions(unittest.TestCase):
    """The ordinary functions of the evaluator (sheetfuncs.py), as Calc reads criteria with the
    templates' settings: wildcards, no regular expressions, case ignored."""

    def test_criteria(self):
        from kpitools.templates.sheetfuncs import FUNCTIONS
        countifs = FUNCTIONS["COUNTIFS"]
        col = ["2025-01-15", "2025-02-01 10:00", "1/15/2025", 45672.0, None, "Total: Account", "--", "COST"]
        self.assertEqual(countifs(col, "2025-01*"), 1)        # the text date of January only
        self.assertEqual(countifs(col, "1/*/2025*"), 1)
        self.assertEqual(countifs(col, ">=45658"), 1)         # numbers only
        self.assertEqual(countifs(col, "<>"), 7)              # everything but the blank cell
        self.assertEqual(countifs(col, "--"), 1)
        self.assertEqual(countifs(col, "cost"), 1)            # case ignored
        self.assertEqual(countifs(col, "?*"), 6)              # any non-empty text
        self.assertEqual(countifs(col, "Amount (*"), 0)       # brackets are no regular expression
        self.assertEqual(countifs(["Amount spent (EUR)"], "Amount spent (*)"), 1)
        self.assertEqual(countifs(col, "2025-01*", col, ">=0"), 0)
        self.assertEqual(FUNCTIONS["SUMIFS"]([1.0, 2.0, "x", 4.0], ["a", "b", "a", "A"], "a"), 5.0)  # text skipped

    def test_match_date_text(self):
        from kpitools.templates.sheetfuncs import CalcError, FUNCTIONS
        row = [None, "Week", "Impr.", "Amount spent (EUR)"]
        self.assertEqual(FUNCTIONS["MATCH"]("impr.", row, 0), 3)
        self.assertEqual(FUNCTIONS["MATCH"]("Amount spent (*)", row, 0), 4)
        with self.assertRaises(CalcError):
            FUNCTIONS["MATCH"]("Cost", row, 0)
        # 1 January 2025 is serial 45658 (days since 30 December 1899); month 13 is January of the next year
        self.assertEqual(FUNCTIONS["DATE"](2025, 1, 1), 45658)
        self.assertEqual(FUNCTIONS["DATE"](2025, 13, 1), 45658 + 365)
        self.assertEqual(FUNCTIONS["MID"]("ABCDEF", 2, 3), "BCD")
        self.assertEqual(FUNCTIONS["TRIM"]("  a  b "), "a b")
        self.assertEqual(FUNCTIONS["MOD"](27, 26), 1)
        self.assertEqual(FUNCTIONS["MIN"](["", 3.0, 1.0, None]), 1.0)
