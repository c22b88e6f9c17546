"""The oldest Excel a workbook's formulas open in with every formula live
(issue 25, item 4): the first Excel version of each function newer than
Excel 2007, the first with the .xlsx format (every other function a portable
copy writes — SUM, INDEX, MATCH, SUMPRODUCT, IFERROR, SUMIFS, COUNTIFS — is
there). An older Excel shows #NAME? in a cell calling a newer function.

Sources: Microsoft's "Excel functions (by category)" pages, each function's
"Applies to" line (an .xlsx from LibreOffice also marks these functions
`_xlfn.`). Pure standard library: the templates' About sheets and the tests
use it.
"""
import re

# Function -> the first Excel version that has it (the year of its name;
# 2021 also stands for Microsoft 365). Functions absent here: Excel 2007.
_BY_VERSION = {
    2010: """AGGREGATE BETA.DIST BETA.INV BINOM.DIST BINOM.INV CEILING.PRECISE CHISQ.DIST CHISQ.DIST.RT
             CHISQ.INV CHISQ.INV.RT CHISQ.TEST CONFIDENCE.NORM CONFIDENCE.T COVARIANCE.P COVARIANCE.S
             ERF.PRECISE ERFC.PRECISE EXPON.DIST F.DIST F.DIST.RT F.INV F.INV.RT F.TEST FLOOR.PRECISE
             GAMMA.DIST GAMMA.INV GAMMALN.PRECISE HYPGEOM.DIST LOGNORM.DIST LOGNORM.INV MODE.MULT MODE.SNGL
             NEGBINOM.DIST NETWORKDAYS.INTL NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV PERCENTILE.EXC
             PERCENTILE.INC PERCENTRANK.EXC PERCENTRANK.INC POISSON.DIST QUARTILE.EXC QUARTILE.INC RANK.AVG
             RANK.EQ STDEV.P STDEV.S T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T T.TEST VAR.P VAR.S
             WEIBULL.DIST WORKDAY.INTL Z.TEST""",
    2013: """ACOT ACOTH ARABIC BASE BINOM.DIST.RANGE BITAND BITLSHIFT BITOR BITRSHIFT BITXOR CEILING.MATH
             COMBINA COT COTH CSC CSCH DAYS DECIMAL ENCODEURL FILTERXML FLOOR.MATH FORMULATEXT GAMMA GAUSS
             IFNA IMCOSH IMCOT IMCSC IMCSCH IMSEC IMSECH IMSINH IMTAN ISFORMULA ISOWEEKNUM MUNIT NUMBERVALUE
             PDURATION PERMUTATIONA PHI RRI SEC SECH SHEET SHEETS SKEW.P UNICHAR UNICODE WEBSERVICE XOR""",
    2016: """FORECAST.ETS FORECAST.ETS.CONFINT FORECAST.ETS.SEASONALITY FORECAST.ETS.STAT FORECAST.LINEAR""",
    2019: """CONCAT IFS MAXIFS MINIFS SWITCH TEXTJOIN""",
    2021: """FILTER LET RANDARRAY SEQUENCE SORT SORTBY UNIQUE XLOOKUP XMATCH""",
}
FIRST_EXCEL = {name: year for year, names in _BY_VERSION.items() for name in names.split()}
BASE = 2007

_CALL = re.compile(r"(?<![A-Za-z0-9_.$'\"])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")
# How a file marks a function newer than its format: .xlsx (_xlfn.), ODF (COM.MICROSOFT.).
_PREFIX = re.compile(r"^(?:_XLFN\.|_XLWS\.|COM\.MICROSOFT\.|ORG\.OPENOFFICE\.)+")
_STRING = re.compile(r'"(?:[^"]|"")*"')


def functions(formula):
    """The function names a formula calls (upper case), quoted strings left out."""
    return {_PREFIX.sub("", m.group(1).upper()) for m in _CALL.finditer(_STRING.sub('""', formula))}


def oldest_excel(formulas):
    """(year, [the functions that need it]) for formula texts: the oldest
    Excel in which all of them compute (BASE when nothing newer is called)."""
    need = {}
    for f in formulas:
        for name in functions(f):
            year = FIRST_EXCEL.get(name, BASE)
            need.setdefault(year, set()).add(name)
    year = max(need, default=BASE)
    return year, sorted(need.get(year, ())) if year > BASE else []


def excel_name(year):
    return "Excel 2021 / Microsoft 365" if year >= 2021 else f"Excel {year}"
