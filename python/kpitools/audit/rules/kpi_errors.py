"""KPI cells that show an error, with the likely cause."""
from kpitools.audit.model import result_text
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T

# Why a KPI function shows each error (docs/functions.md, "Errors").
ERROR_WHY = {
    "#DIV/0!": T("why_div0"),
    "#NUM!": T("why_num"),
    "#VALUE!": T("why_value"),
    "#N/A": T("why_na"),
    "Err:504": T("why_504"),
    "#NAME?": T("why_name"),
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
                        T("kpi_error", name=cell.name, shown=shown, why=ERROR_WHY.get(shown, T("why_other"))),
                        T("kpi_error_fix"), error=shown)
    return False
