"""KPI cells: unknown functions and stale values.

The inventory itself (every KPI cell, its arguments, result and stored value)
is written by the engine; these rules judge what it found."""
import math

from kpitools.audit.model import result_json, same_result
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T


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


class InvalidStoredValue(Rule):
    """A KPI cell's stored value is one Calc never writes.

    Mistake: a damaged file, or one edited by another tool: `1e999`, `NaN`,
    or a shared string the `.xlsx` does not have, as the cell's value;
    viewers that do not recalculate show it as the KPI.
    Fix: recalculate (Ctrl+Shift+F9) and save.
    """
    id, severity = "invalid-stored-value", "error"
    cases = [("stored infinity", {"A2": ("=KPI.CPL(100;2)", 50.0, float("inf"))},
              [("A2", "invalid-stored-value", "error")])]


class NoStoredValues(Rule):
    """KPI cells without a stored value: their stale-value check was not possible.

    Mistake: a file written by a tool and never calculated and saved by Calc.
    Fix: open it in Calc with the extension, recalculate and save. One
    finding per file, on its first sheet's A1.
    """
    id, severity = "no-stored-values", "info"
    cases = [("never calculated", {"A2": ("=KPI.CPL(100;2)", 50.0, None)}, [("A1", "no-stored-values", "info")])]


RULES = [UnknownFunction, StaleValue, InvalidStoredValue, NoStoredValues]


def check_kpi_cell(audit, cell):
    if cell.entry is None:
        UnknownFunction.report(audit, cell.sheet, cell.r, cell.c,
                               T("unknown_function", name=cell.name), T("unknown_function_fix"))
        return True
    stored, now = cell.stored, cell.now
    if stored is None or stored == "missing":
        audit.no_stored += 1
    elif stored[0] == "invalid" or stored[0] == "value" and not math.isfinite(stored[1]):
        InvalidStoredValue.report(audit, cell.sheet, cell.r, cell.c,
                                  T("invalid_stored", stored=tuple(stored), name=cell.name, now=tuple(now)),
                                  T("recalculate_fix"),
                                  stored=result_json(stored), now=result_json(now))
    elif stored[0] != "date" and not same_result(stored, now):
        StaleValue.report(audit, cell.sheet, cell.r, cell.c,
                          T("stale", stored=tuple(stored), name=cell.name, now=tuple(now)),
                          T("recalculate_fix"),
                          stored=result_json(stored), now=result_json(now))
    return False


def check_book(audit):
    # Inside Calc (the KPI menu) the values are live, computed as the report
    # is written: a file without stored values is no finding there.
    if audit.no_stored and not audit.live:
        first = next(iter(audit.book.values()))
        NoStoredValues.report(audit, first, 0, 0,
                              T("no_stored", n=audit.no_stored), T("no_stored_fix"))
