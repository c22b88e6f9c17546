"""What every audit rule is: a stable ID (the `check` field of the reports,
docs/audit-json.md), a default severity, a docstring that shows the mistake
and its fix, and its own cases, run without LibreOffice by
tests/python/test_rules.py on a workbook model.

A case is (title, cells, expected findings):
  cells: {"A1": "CPL", "B2": 1000, "D2": ("=B2/C2", 50.0), "E2": ("=KPI.CPL(B2;C2)", 50.0)}
         on one sheet "Sheet1", or {"Sheet name": {...}, ...} for several;
         a formula cell is (formula, result[, stored]): its result as Calc
         computes it (a number, or an error text such as "#DIV/0!") and the
         value the file stores (default: the result; None: nothing stored);
         ("date", 45306) is a date cell.
  expected: [(cell, check ID, severity), ...], every finding of the case,
         in report order (checks of other rules included).
"""
import inspect

from kpitools.sheet.addresses import addr


class Rule:
    id = None          # stable: reports, --fail-on and users' scripts use it
    severity = None    # "info", "warning" or "error"
    cases = ()

    @classmethod
    def doc(cls):
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def report(cls, audit, sheet, r, c, message, fix, severity=None, **details):
        audit.find(severity or cls.severity, cls.id, sheet, r, c, message, fix, **details)


# -- helpers shared by the rules --------------------------------------------
def sum_values(xs, ys):
    """One result: the sum of two operands' values, or their first error."""
    total = 0.0
    for res in list(xs) + list(ys):
        if res[0] == "error":
            return [res]
        if res[0] == "value":
            total += res[1]
    return [("value", total)]


def span(nodes):
    """The smallest reference covering single-cell references in one column or row."""
    r1 = min(n.r1 for n in nodes)
    r2 = max(n.r2 for n in nodes)
    c1 = min(n.c1 for n in nodes)
    c2 = max(n.c2 for n in nodes)
    sheet = nodes[0].sheet
    prefix = f"${sheet}." if sheet else ""
    return f"{prefix}{addr(r1, c1)}:{addr(r2, c2)}"
