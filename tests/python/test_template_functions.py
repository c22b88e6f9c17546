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
