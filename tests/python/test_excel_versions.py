"""The oldest Excel each shipped template's portable copy needs (issue 25,
item 4): no template formula calls a function newer than Excel 2010, and the
About sheet says which Excel it needs. The versions are Microsoft's "Applies
to" lines (MINIFS/MAXIFS: Excel 2019; AGGREGATE: Excel 2010)."""
import glob
import html
import os
import re
import unittest

from kpitools.portable.excel_versions import excel_name, functions, oldest_excel

TEMPLATES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "templates")


def fods_formulas(path):
    with open(path, encoding="utf-8") as f:
        return [html.unescape(m) for m in re.findall(r'table:formula="of:=([^"]*)"', f.read())]


class ExcelVersions(unittest.TestCase):
    def test_functions_named_outside_strings(self):
        self.assertEqual(functions('IF(A1="MAXIFS(";SUM(B1:B3);_xlfn.MINIFS(C:C;D:D;1))'), {"IF", "SUM", "MINIFS"})
        self.assertEqual(functions("COM.MICROSOFT.MAXIFS(TxDate;TxCustomer;[.A22])"), {"MAXIFS"})

    def test_oldest(self):
        self.assertEqual(oldest_excel(["SUMIFS(A:A;B:B;1)+IFERROR(1/0;0)"]), (2007, []))
        self.assertEqual(oldest_excel(["AGGREGATE(14;6;A1:A9;1)", "MINIFS(A:A;B:B;1)+MAXIFS(A:A;B:B;1)"]),
                         (2019, ["MAXIFS", "MINIFS"]))
        self.assertEqual(excel_name(2010), "Excel 2010")

    def test_templates_need_at_most_excel_2010(self):
        books = sorted(glob.glob(os.path.join(TEMPLATES, "*.fods")))
        self.assertGreaterEqual(len(books), 12)
        for book in books:
            with self.subTest(book=os.path.basename(book)):
                year, fns = oldest_excel(fods_formulas(book))
                self.assertLessEqual(year, 2010, f"needs {excel_name(year)}: {fns}")
                # The About sheet names an Excel at least as old as the template's own formulas need
                # (its portable copy's native formulas may need a later one, never an earlier one).
                with open(book, encoding="utf-8") as f:
                    stated = re.findall(r"Excel (20\d\d)", f.read())
                self.assertTrue(stated, "the About sheet names the oldest Excel")
                self.assertGreaterEqual(int(stated[-1]), year)


if __name__ == "__main__":
    unittest.main()
