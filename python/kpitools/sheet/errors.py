"""Calc's error numbers (FormulaError), as cell.getError() reports them, and
the texts Calc shows for them. The add-in returns the same numbers as NaN
payloads (addin/dispatch.cxx); this is the Python side's one copy."""

# Error text -> number, for the errors the KPI functions produce or meet.
ERRORS = {"#DIV/0!": 532, "#NUM!": 503, "#VALUE!": 519, "#N/A": 32767, "Err:504": 504, "#NAME?": 525}

# Number -> text as Calc displays it, including errors a workbook may show
# for reasons of its own (#REF!, circular references...).
ERROR_NAMES = {code: name for name, code in ERRORS.items()}
ERROR_NAMES.update({524: "#REF!", 522: "Err:522", 523: "Err:523", 502: "Err:502", 508: "Err:508"})

# Text -> number, also for the spellings without the final '!' / '?' that
# other tools write in .xlsx files.
ERROR_CODES = {name: code for code, name in ERROR_NAMES.items()}
ERROR_CODES.update({"#NAME": 525, "#DIV/0": 532})


def error_name(code):
    """532 -> '#DIV/0!'; an unknown number as Calc shows it, 'Err:NNN'."""
    return ERROR_NAMES.get(code, f"Err:{code}")
