"""Addresses and error codes (kpitools.sheet): values worked out by hand from
Calc's own conventions (column 26 is AA; #DIV/0! is FormulaError 532, as
LibreOffice's formula/errorcodes.hxx numbers it)."""
import unittest

from kpitools.sheet.addresses import addr, col_index, col_name, parse_addr
from kpitools.sheet.errors import ERROR_CODES, ERROR_NAMES, ERRORS, error_name


class Addresses(unittest.TestCase):
    def test_columns(self):
        for c, name in [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA"),
                        (16383, "XFD")]:
            self.assertEqual(col_name(c), name)
            self.assertEqual(col_index(name), c)
            self.assertEqual(col_index(name.lower()), c)

    def test_cells(self):
        self.assertEqual(addr(4, 1), "B5")
        self.assertEqual(parse_addr("B5"), (1, 4))
        self.assertEqual(parse_addr("AA10"), (26, 9))


class Errors(unittest.TestCase):
    def test_codes(self):
        self.assertEqual(ERRORS["#DIV/0!"], 532)
        self.assertEqual(ERRORS["#NUM!"], 503)
        self.assertEqual(ERRORS["#VALUE!"], 519)
        self.assertEqual(ERRORS["#N/A"], 32767)
        self.assertEqual(ERRORS["#NAME?"], 525)
        self.assertEqual(ERROR_NAMES[524], "#REF!")

    def test_round_trip_and_spellings(self):
        for name, code in ERRORS.items():
            self.assertEqual(error_name(code), name)
            self.assertEqual(ERROR_CODES[name], code)
        self.assertEqual(ERROR_CODES["#DIV/0"], 532)   # as some tools write it in .xlsx
        self.assertEqual(error_name(511), "Err:511")  # one this table does not name


if __name__ == "__main__":
    unittest.main()
