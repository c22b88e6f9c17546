"""IFERROR around a hand-written KPI, hiding the error the KPI should show."""
from kpitools.audit.formula import strip_parens
from kpitools.audit.model import result_text
from kpitools.audit.rules.base import Rule
from kpitools.audit.texts import T


class IferrorHidesError(Rule):
    """IFERROR hides an error of the KPI.

    Mistake: `=IFERROR(B2/C2;0)` under "CPL" with no leads shows 0: a cost per
    lead of 0 where it is undefined.
    Fix: `=KPI.CPL(B2;C2)`, which shows #DIV/0! for what it is.
    """
    id, severity = "iferror-hides-error", "warning"
    cases = [("no leads", {"B1": "Cost", "C1": "Leads", "D1": "CPL", "B2": 1000, "C2": 0,
                           "D2": ("=IFERROR(B2/C2;0)", 0.0)}, [("D2", "iferror-hides-error", "warning")])]


RULES = [IferrorHidesError]


def unwrap(audit, sheet, r, c, kpi, now, body):
    """(result, body) of the KPI inside IFERROR(...; ...), or of body itself;
    result None when the hidden error was reported (nothing more to check)."""
    if not (body.kind == "call" and body.name == "IFERROR" and body.args):
        return now, body
    name = "KPI." + kpi
    inner = audit.evaluate(sheet, body.args[0])
    body = strip_parens(body.args[0])
    fix = audit.suggest(sheet, name, body)
    if inner is not None and inner[0] == "error":
        IferrorHidesError.report(audit, sheet, r, c,
                                 T("iferror_hides", inner=tuple(inner), now=tuple(now), kpi=kpi),
                                 T("iferror_fix", fix=fix or f"={name}(...)"), hidden=result_text(inner))
        return None, body
    return (inner if inner is not None else now), body
