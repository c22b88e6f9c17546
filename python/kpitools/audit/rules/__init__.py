"""The audit's rules, one module per family of checks. Each rule is a class
(base.Rule) with a stable ID, a severity, a docstring showing the mistake and
its fix, and its own cases (tests/python/test_rules.py runs them on a
workbook model, without LibreOffice).

The engine (audit/engine.py) calls the families at three points, in the
order below (the order of a cell's findings in the report follows it):
  - each KPI cell:              check_kpi_cell(audit, cell) -> True stops the chain
  - each hand-written KPI:      by its shape (handwritten.check_ratio,
                                gains.check_gain, averages.check_average)
  - each sheet, then the book:  check_sheet(audit, sheet), check_book(audit)

Adding a rule: a class in the family's module (or a new module listed here),
with its cases; docs/audit-json.md lists the IDs.
"""
from kpitools.audit.rules import (averages, calls, dates, gains, handwritten, iferror, inputs, inventory,
                                  kpi_errors, percent_scale, rates)

KPI_CELL_FAMILIES = [inventory, kpi_errors, rates, calls]
SHEET_FAMILIES = [inputs, dates]
BOOK_FAMILIES = [inventory]
FAMILIES = [inventory, kpi_errors, rates, calls, iferror, handwritten, percent_scale, gains, averages, inputs, dates]

# Every rule by its ID.
RULES = {rule.id: rule for family in FAMILIES for rule in family.RULES}

__all__ = ["FAMILIES", "RULES", "averages", "calls", "dates", "gains", "handwritten", "iferror", "inputs", "inventory",
           "kpi_errors", "percent_scale", "rates"]
