"""KPI cells that show an error, with the likely cause."""
from kpitools.audit.model import result_text
from kpitools.audit.rules.base import Rule

# Why a KPI function shows each error (docs/functions.md, "Errors").
ERROR_WHY = {
    "#DIV/0!": "the denominator is 0 or blank",
    "#NUM!": "an input is negative, or a part exceeds its whole",
    "#VALUE!": "an input is text",
    "#N/A": "a required input is blank (no data yet)",
    "Err:504": "an argument is missing, or a range contains an error cell",
    "#NAME?": "the extension is not installed or the name is misspelt",
}


class KpiError(Rule):
    """A KPI cell shows an error.

    Mistake: `=KPI.CPL(B2;C2)` with C2 = 0 shows `#DIV/0!`; with a negative
    cost, `#NUM!`; with text, `#VALUE!`.
    Fix: correct the input cells the message names (the error is the
    function telling the truth: do not hide it with IFERROR).
    """
    id, severity = "kpi-error", "warning"
    cases = [("zero leads", {"A1": "CPL", "A2": ("=KPI.CPL(100;0)", "#DIV/0!")}, [("A2", "kpi-error", "warning")])]


RULES = [KpiError]


def check_kpi_cell(audit, cell):
    if cell.now[0] == "error":
        shown = result_text(cell.now)
        KpiError.report(audit, cell.sheet, cell.r, cell.c,
                        f"{cell.name} shows {shown}: " + ERROR_WHY.get(shown, "see the function's errors"),
                        "check the input cells of this KPI", error=shown)
    return False
