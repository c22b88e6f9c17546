"""KPI cells: unknown functions and stale values.

The inventory itself (every KPI cell, its arguments, result and stored value)
is written by the engine; these rules judge what it found."""
from kpitools.audit.model import result_json, result_text, same_result
from kpitools.audit.rules.base import Rule


class UnknownFunction(Rule):
    """A `KPI.` name this version of the extension does not have.

    Mistake: `=KPI.CPLL(B2;C2)` (misspelt), or a function of a newer version:
    Calc shows `#NAME?`.
    Fix: the name from docs/functions.md, e.g. `=KPI.CPL(B2;C2)`.
    """
    id, severity = "unknown-function", "error"
    cases = [("misspelt", {"A1": "CPL", "A2": ("=KPI.CPLL(1;2)", "#NAME?")}, [("A2", "unknown-function", "error")])]


class StaleValue(Rule):
    """The value stored in the file differs from what the extension computes now.

    Mistake: a workbook saved by an older version of the extension, or by a
    tool that wrote formulas with made-up values; readers without the
    extension see the stored value.
    Fix: recalculate (Ctrl+Shift+F9) and save.
    """
    id, severity = "stale-value", "warning"
    cases = [("stored 100, computes 50", {"A2": ("=KPI.CPL(100;2)", 50.0, 100.0)},
              [("A2", "stale-value", "warning")])]


class NoStoredValues(Rule):
    """KPI cells without a stored value: their stale-value check was not possible.

    Mistake: a file written by a tool and never calculated and saved by Calc.
    Fix: open it in Calc with the extension, recalculate and save. One
    finding per file, on its first sheet's A1.
    """
    id, severity = "no-stored-values", "info"
    cases = [("never calculated", {"A2": ("=KPI.CPL(100;2)", 50.0, None)}, [("A1", "no-stored-values", "info")])]


RULES = [UnknownFunction, StaleValue, NoStoredValues]


def check_kpi_cell(audit, cell):
    if cell.entry is None:
        UnknownFunction.report(audit, cell.sheet, cell.r, cell.c,
                               f"{cell.name} is not a function of this version of the KPI extension",
                               "check the spelling; see docs/functions.md for the list")
        return True
    stored, now = cell.stored, cell.now
    if stored is None or stored == "missing":
        audit.no_stored += 1
    elif stored[0] != "date" and not same_result(stored, now):
        StaleValue.report(audit, cell.sheet, cell.r, cell.c,
                          f"the file stores {result_text(stored)} but {cell.name} computes {result_text(now)} now "
                          "(saved by an older version, or never recalculated)",
                          "recalculate (Ctrl+Shift+F9) and save the file",
                          stored=result_json(stored), now=result_json(now))
    return False


def check_book(audit):
    if audit.no_stored:
        first = next(iter(audit.book.values()))
        NoStoredValues.report(audit, first, 0, 0,
                              f"{audit.no_stored} KPI cell(s) have no value stored in the file (never calculated "
                              "and saved by Calc): their stale-value check was not possible",
                              "open the file in Calc with the extension, recalculate (Ctrl+Shift+F9) and save")
