"""A workbook model for the audit's rules without LibreOffice: builds the
SheetData that LibreOffice would (kpitools/audit/workbook.py) from a few
cells, and stands in for the extension with the documented definitions of
the functions the rule cases use (docs/functions.md), written here by hand.

Cells (see kpitools/audit/rules/base.py): a number, a text, ("date", serial),
or (formula, result[, stored]) where result is a number or an error text as
Calc shows it, and stored what the file holds (default: the result; None:
nothing stored)."""
import re

from kpitools.audit.engine import Audit
from kpitools.audit.model import SheetData
from kpitools.sheet.addresses import parse_addr
from kpitools.sheet.errors import ERRORS


def _amount(x):
    return sum(x) if isinstance(x, list) else x


def _ratio(scale=1.0):
    def f(a, b):
        a, b = _amount(a), _amount(b)
        return ("error", ERRORS["#DIV/0!"]) if b == 0 else ("value", scale * a / b)
    return f


def _gain(a, b):
    a, b = _amount(a), _amount(b)
    return ("error", ERRORS["#DIV/0!"]) if b == 0 else ("value", (a - b) / b)


# The KPI functions the rule cases call, by the documented definitions.
DEFINITIONS = {"CPL": _ratio(), "CPC": _ratio(), "CTR": _ratio(), "ROAS": _ratio(), "CPM": _ratio(1000.0),
               "ROI": _gain, "GROWTH": _gain}


def kpi_eval(formula):
    """'=KPI.CPL(1000.0;{10.0;40.0})' -> ('value', ...), as Calc would compute it."""
    m = re.fullmatch(r"=KPI\.([A-Z0-9.]+)\((.*)\)", formula)
    args = []
    for part in re.findall(r"\{[^}]*\}|[^;]+", m.group(2)):
        if part.startswith("{"):
            args.append([float(x) for x in part[1:-1].split(";") if x])
        else:
            args.append(float(part))
    return DEFINITIONS[m.group(1)](*args)


def _result(value):
    if isinstance(value, str):
        return ("error", value)
    return ("value", float(value))


def book_of(cells):
    """({sheet: SheetData}, stored, date cells) from a case's cells."""
    sheets = cells if all(isinstance(v, dict) for v in cells.values()) else {"Sheet1": cells}
    book, stored, dates = {}, {}, set()
    for index, (name, content) in enumerate(sheets.items()):
        where = {parse_addr(a)[::-1]: v for a, v in content.items()}
        rows = max(r for r, _c in where) + 1
        cols = max(c for _r, c in where) + 1
        data = [[""] * cols for _ in range(rows)]
        forms = [[None] * cols for _ in range(rows)]
        errors = {}
        for (r, c), v in where.items():
            if isinstance(v, tuple) and v[0] == "date":
                data[r][c] = float(v[1])
                dates.add((name, r, c))
            elif isinstance(v, tuple):
                forms[r][c] = v[0]
                if isinstance(v[1], str):
                    errors[(r, c)] = ERRORS.get(v[1], 0)
                    data[r][c] = 0.0
                else:
                    data[r][c] = float(v[1])
                kept = v[2] if len(v) > 2 else v[1]
                stored[(name, r, c)] = None if kept is None else _result(kept)
            else:
                data[r][c] = float(v) if isinstance(v, (int, float)) else v
        book[name] = SheetData(name, index, data, forms, errors)
    return book, stored, dates


def audit_cells(cells, catalogue, batched=False, keep_texts=False):
    """Runs the audit on the cells; returns the Audit (findings, inventory).
    batched: the KPI calls are handed over together (as kpi-audit computes
    them in Calc) rather than one at a time."""
    book, stored, dates = book_of(cells)
    batch = (lambda formulas: [kpi_eval(f) for f in formulas]) if batched else None
    audit = Audit(book, stored, catalogue, kpi_eval, is_date=lambda sheet, r, c: (sheet.name, r, c) in dates,
                  kpi_batch=batch)
    audit.keep_texts = keep_texts  # the texts.T of each finding, as the KPI menu asks
    return audit.run()
