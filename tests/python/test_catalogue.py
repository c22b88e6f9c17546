"""The catalogue loader (kpitools.catalogue): both layouts of catalogue.json,
clear errors, and the real file the build writes."""
import json
import os
import tempfile
import unittest

from kpitools.catalogue import CatalogueError, load_catalogue, parse_catalogue

CPL = {"name": "KPI.CPL", "method": "cpl", "shape": "ratio", "args": [{"name": "cost"}, {"name": "leads"}]}
FIT = {"name": "KPI.BGNBD.FIT", "method": "bgnbdfit", "shape": "model", "args": []}


class Layouts(unittest.TestCase):
    def test_list(self):
        cat = parse_catalogue([CPL, FIT])
        self.assertEqual(len(cat), 2)
        self.assertEqual(cat.errors, [])
        self.assertIs(cat.get("cpl"), CPL)
        self.assertIs(cat.get("KPI.CPL"), CPL)

    def test_object_with_errors(self):
        errors = [{"name": "#DIV/0!", "code": 532}]
        cat = parse_catalogue({"functions": [CPL, FIT], "errors": errors, "version": "0.2.0"})
        self.assertEqual(cat.errors, errors)
        self.assertEqual(cat.extra, {"version": "0.2.0"})
        self.assertEqual(cat.with_shape("ratio"), {"CPL"})

    def test_both_formula_names(self):
        names = parse_catalogue([CPL, FIT]).by_formula_name()
        # Calc stores "KPI." + the UNO method; people type the display name.
        self.assertIs(names["KPI.BGNBD.FIT"], FIT)
        self.assertIs(names["KPI.BGNBDFIT"], FIT)

    def test_not_a_catalogue(self):
        for bad in ({"funcs": []}, 3, [{"name": "KPI.X"}]):
            with self.assertRaises(CatalogueError):
                parse_catalogue(bad)

    def test_unreadable(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaises(CatalogueError):
                load_catalogue(os.path.join(d, "none.json"))
            p = os.path.join(d, "broken.json")
            with open(p, "w") as f:
                f.write("[{")
            with self.assertRaises(CatalogueError):
                load_catalogue(p)


class BuiltCatalogue(unittest.TestCase):
    @unittest.skipUnless(os.environ.get("KPI_CATALOGUE_JSON"), "run by ctest with KPI_CATALOGUE_JSON")
    def test_real_file(self):
        cat = load_catalogue(os.environ["KPI_CATALOGUE_JSON"])
        self.assertEqual(cat.get("CPL")["args"][0]["name"], "cost")   # README: KPI.CPL(cost; leads)
        self.assertIn("KPI.SBG.SURVIVAL", cat.by_formula_name())
        with open(os.environ["KPI_CATALOGUE_JSON"]) as f:
            data = json.load(f)
        self.assertEqual(len(cat), len(data if isinstance(data, list) else data["functions"]))


if __name__ == "__main__":
    unittest.main()
