"""Rewrites the KPI calls of a document open in LibreOffice with their native
equivalents (native.py), from Calc's own parse of each formula: the cell's
formula tokens (XFormulaTokens / XArrayFormulaTokens). In Calc 7.4 an add-in
call is the token OpCodeExternal (FormulaOpCodeMapper) whose Data is the
programmatic name "KPI.<method>", followed by "(" , the arguments separated by
";" tokens at its depth, and ")". Everything outside the KPI calls is printed
back by Calc's FormulaParser service, so other functions, references, names
and inline arrays come out as Calc writes them.

A formula holding a call that has no native equivalent ("value only", or a
case the native formula does not cover) is replaced by its current value, and
the cell gets a comment naming the original formula. Used by kpi-portable
(cli.py) and meant for the in-Calc menu command: convert_document(doc) works
on any open spreadsheet document and changes only the KPI formula cells.
"""
from . import native

FORMULA_CELLS = 16  # com.sun.star.sheet.CellFlags.FORMULA
SPACES = 16         # ocSpaces: whitespace kept in a formula (its OpCode in Calc 7.4)

# A frozen error cell gets a formula raising the same error in every engine.
RAISE_ERROR = {532: "=1/0", 503: "=POWER(-1;0.5)", 502: "=SQRT(-1)", 519: '="#VALUE!"+0', 32767: "=NA()"}
ERROR_TEXT = {532: "#DIV/0!", 503: "#NUM!", 519: "#VALUE!", 32767: "#N/A", 504: "Err:504", 502: "Err:502",
              525: "#NAME?"}


def _address(cell_or_range):
    """'$Sheet 1.$B$5' or '$S.$A$1:$B$2' -> 'Sheet 1.B5' / 'S.A1:B2'."""
    name = cell_or_range.AbsoluteName
    sheet, _, rest = name.rpartition(".")
    return f"{sheet.lstrip('$').strip(chr(39))}.{rest.replace('$', '')}"


def _is_reference(token):
    d = token.Data
    return hasattr(d, "Reference1") or hasattr(d, "RelativeColumn")


class _Rewriter:
    def __init__(self, doc):
        from com.sun.star.sheet.FormulaLanguage import API
        self.parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
        self.external = mapper.OpCodeExternal
        self.open, self.close, self.sep = (t.OpCode for t in mapper.getMappings(("(", ")", ";"), API))

    def method(self, token):
        """The KPI method a token calls, or None."""
        if token.OpCode == self.external and isinstance(token.Data, str) and token.Data.upper().startswith("KPI."):
            return token.Data.split(".", 1)[1].lower()
        return None

    def has_kpi(self, tokens):
        return any(self.method(t) for t in tokens)

    def print(self, tokens, pos):
        return self.parser.printFormula(tuple(tokens), pos)

    def render(self, tokens, a, b, pos, calls):
        """Text of tokens[a:b] with every KPI call expanded; raises ValueOnly."""
        out, run, i = [], a, a
        while i < b:
            m = self.method(tokens[i])
            if m is None:
                i += 1
                continue
            if run < i:
                out.append(self.print(tokens[run:i], pos))
            if i + 1 >= b or tokens[i + 1].OpCode != self.open:
                raise native.ValueOnly(f"KPI.{m.upper()} without its parentheses")
            args, depth, start, k = [], 0, i + 2, i + 1
            while True:
                k += 1
                if k >= b:
                    raise native.ValueOnly("unbalanced parentheses")
                op = tokens[k].OpCode
                if op == self.open:
                    depth += 1
                elif op == self.close:
                    if depth == 0:
                        args.append((start, k))
                        break
                    depth -= 1
                elif op == self.sep and depth == 0:
                    args.append((start, k))
                    start = k + 1
            texts, refs = [], []
            for s, e in args:
                core = [t for t in tokens[s:e] if t.OpCode != SPACES]
                text = self.render(tokens, s, e, pos, calls).strip() if core else ""
                texts.append(text or None)
                refs.append(len(core) == 1 and _is_reference(core[0]))
            if texts == [None]:
                texts, refs = [], []
            calls.append(m)
            out.append(native._wrap(native.expand(m, texts, is_ref=refs)))
            i = run = k + 1
        if run < b:
            out.append(self.print(tokens[run:b], pos))
        return "".join(out)

    def rewrite(self, tokens, pos):
        """(new tokens, new formula text, methods called) or raises ValueOnly."""
        calls = []
        text = "=" + self.render(tokens, 0, len(tokens), pos, calls)
        return self.parser.parseFormula(text, pos), text, calls


def _current(cell):
    """('error', code) | ('text', s) | ('value', x): what the cell shows now."""
    from com.sun.star.table.CellContentType import TEXT
    err = cell.getError()
    if err:
        return ("error", err)
    if cell.getType() == TEXT:
        return ("text", cell.getString())
    return ("value", cell.getValue())


def _freeze_cell(sheet, cell, result, note):
    kind, v = result
    if kind == "error":
        cell.setFormula(RAISE_ERROR.get(v, "=NA()"))
    elif kind == "text":
        cell.setString(v)
    else:
        cell.setValue(v)
    sheet.getAnnotations().insertNew(cell.getCellAddress(), note)


def _shown(result):
    kind, v = result
    if kind == "error":
        return ERROR_TEXT.get(v, f"Err:{v}")
    return v


def _plan_cell(rw, sheet, cell, in_array, seen_arrays, plan):
    """Adds what to do with one formula cell (or its whole array) to plan."""
    if in_array:
        cursor = sheet.createCursorByRange(cell)
        cursor.collapseToCurrentArray()
        key = _address(cursor)
        if key in seen_arrays:
            return
        seen_arrays.add(key)
        target, tokens, formula = cursor, cursor.getArrayTokens(), cursor.getArrayFormula()
        addr = cursor.getRangeAddress()
        pos = cell.getCellAddress()
        pos.Column, pos.Row = addr.StartColumn, addr.StartRow
    else:
        target, tokens, formula, pos = cell, cell.getTokens(), cell.getFormula(), cell.getCellAddress()
    if not rw.has_kpi(tokens):
        return
    try:
        new_tokens, text, calls = rw.rewrite(tokens, pos)
        plan.append((sheet, target, in_array, formula, "rewrite", (new_tokens, text, calls)))
    except native.ValueOnly as why:
        if in_array:
            a = target.getRangeAddress()
            values = [[_current(sheet.getCellByPosition(c, r)) for c in range(a.StartColumn, a.EndColumn + 1)]
                      for r in range(a.StartRow, a.EndRow + 1)]
        else:
            values = _current(target)
        plan.append((sheet, target, in_array, formula, "freeze", (values, str(why))))


def convert_document(doc, recalculate=True):
    """Rewrites every KPI formula of `doc` (an open Calc document) in place.
    Returns the summary: {"rewritten": [...], "frozen": [...]}, one entry per
    cell (an array formula: one entry for its range)."""
    if recalculate:
        doc.calculateAll()  # the values frozen are the extension's own
    rw = _Rewriter(doc)
    plan = []  # (sheet, target, is_array, formula, action, payload)
    seen_arrays = set()
    sheets = doc.Sheets
    for si in range(sheets.getCount()):
        sheet = sheets.getByIndex(si)
        used = sheet.createCursor()
        used.gotoEndOfUsedArea(False)
        end = used.getRangeAddress()
        # One call per sheet for every cell's formula text, only to skip the
        # cells that cannot call a KPI function; the rewriting works on tokens.
        texts = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getFormulaArray()
        for r, row in enumerate(texts):
            for c, text in enumerate(row):
                if "KPI." in text.upper():
                    _plan_cell(rw, sheet, sheet.getCellByPosition(c, r), text.startswith("{="), seen_arrays, plan)
    summary = {"rewritten": [], "frozen": []}
    for sheet, target, is_array, formula, action, payload in plan:
        where = _address(target)
        if action == "rewrite":
            new_tokens, text, calls = payload
            if is_array:
                target.setArrayTokens(new_tokens)
            else:
                target.setTokens(new_tokens)
            summary["rewritten"].append({"cell": where, "formula": formula, "native": text,
                                         "functions": sorted({"KPI." + c.upper() for c in calls}),
                                         "array": is_array})
            continue
        values, why = payload
        note = f"kpi-portable kept this value: the formula was {formula} ({why})."
        if is_array:
            target.setArrayFormula("")
            a = target.getRangeAddress()
            shown = []
            for r, row in enumerate(values):
                for c, result in enumerate(row):
                    cell = sheet.getCellByPosition(a.StartColumn + c, a.StartRow + r)
                    _freeze_cell(sheet, cell, result, note)
                    shown.append(_shown(result))
        else:
            _freeze_cell(sheet, target, values, note)
            shown = _shown(values)
        summary["frozen"].append({"cell": where, "formula": formula, "value": shown, "reason": why,
                                  "array": is_array})
    return summary
