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
the cell gets a comment naming the original formula. In a cell that is not an
array formula, a range Calc reads at the cell's row (implicit intersection,
B2:B5*2) is written as that cell, or the cell keeps its value (intersect()). Used by kpi-portable
(cli.py) and meant for the in-Calc menu command: convert_document(doc) works
on any open spreadsheet document and changes only the KPI formula cells.
"""
from . import native
from .freeze import SUMMARY_VALUES, Shown, shown_text, write_block
from .runs import runs, shift

from ..sheet.addresses import col_name

FORMULA_CELLS = 16  # com.sun.star.sheet.CellFlags.FORMULA
MAX_FORMULA = 8192  # characters: Excel's limit on a cell's formula

# In a cell that is not an array formula, Calc reads an expression over a
# range (B2:B5*2) at the cell's own row or column (implicit intersection),
# while the native formula, entered as an array formula or given to
# SUMPRODUCT, would compute it over the whole range (issue 27). A one-column
# (one-row) range that is an operand of an operator is replaced by its cell
# at the cell's row (column): the intersection made explicit, the same in
# every engine. Any other case keeps its value rather than show another
# number: the cell outside the range (#VALUE!), a name, OFFSET or INDEX in
# the expression, a range given to a function inside it.
TOO_LONG = ("the formula has {n:,} characters, more than Excel's 8,192: Excel would refuse the whole file")
IMPLICIT_INTERSECTION = ("an argument is an expression over a range: Calc reads it at the cell's row (implicit "
                         "intersection), a native formula would read the whole range")


def _address(cell_or_range):
    """'$Sheet 1.$B$5' or '$S.$A$1:$B$2' -> 'Sheet 1.B5' / 'S.A1:B2'."""
    name = cell_or_range.AbsoluteName
    sheet, _, rest = name.rpartition(".")
    return f"{sheet.lstrip('$').strip(chr(39))}.{rest.replace('$', '')}"


def _is_range(token):
    """A range reference (Calc's DoubleReference, whose data has two
    corners; a single cell's has RelativeColumn). B2:B2 counts as a range:
    freezing it too is safe."""
    return hasattr(token.Data, "Reference1")


def _is_reference(token):
    d = token.Data
    return hasattr(d, "Reference1") or hasattr(d, "RelativeColumn")


class _Rewriter:
    """Rewrites one formula's tokens. The work is linear in the tokens (each
    bracket's match found once, each call's arguments split by jumping over
    the brackets inside them) and the text built is bounded: an expansion
    longer than the limit is abandoned before it is built (native.TooLong),
    so a call nested in calls, whose text grows 30-fold per level, costs no
    more than a flat one."""

    def __init__(self, doc):
        from com.sun.star.sheet.FormulaLanguage import API
        from com.sun.star.sheet.FormulaMapGroup import ALL_EXCEPT_SPECIAL, BINARY_OPERATORS, SPECIAL, UNARY_OPERATORS
        from com.sun.star.sheet.FormulaMapGroupSpecialOffset import SPACES, WHITESPACE
        from .fetch import Fetching
        self.parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
        mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
        # Printed in Calc's API grammar (";" separators, $Sheet.A1), the
        # grammar XCell.setFormula reads: the new formula is set as text.
        self.parser.OpCodeMap = mapper.getAvailableMappings(API, ALL_EXCEPT_SPECIAL)
        self.external = mapper.OpCodeExternal
        self.open, self.close, self.sep = (t.OpCode for t in mapper.getMappings(("(", ")", ";"), API))
        special = mapper.getAvailableMappings(API, SPECIAL)
        self.spaces = {special[SPACES].Token.OpCode, special[WHITESPACE].Token.OpCode}
        self.operators = {m.Token.OpCode for m in mapper.getAvailableMappings(API, UNARY_OPERATORS | BINARY_OPERATORS)}
        self.fetching = Fetching(doc, mapper)
        # What can stand for a range inside an expression: a name (a named
        # range), OFFSET or INDEX (they return references); a range
        # reference itself is told by its token's data (_is_range).
        self.range_ops = {self.fetching.name_op} | {t.OpCode for t in mapper.getMappings(("OFFSET", "INDEX"), API)
                                                    if t.OpCode >= 0}
        # The reference operators (range, intersection, union): a range next
        # to one of them is not read as a value.
        self.reference_ops = {t.OpCode for t in mapper.getMappings((":", "!", "~"), API) if t.OpCode >= 0}
        self.value_ops = self.operators - self.reference_ops
        self.limit = MAX_FORMULA - 1  # the text after "="

    def method(self, token):
        """The KPI method a token calls, or None."""
        if token.OpCode == self.external and isinstance(token.Data, str) and token.Data.upper().startswith("KPI."):
            return token.Data.split(".", 1)[1].lower()
        return None

    def has_kpi(self, tokens):
        return any(self.method(t) for t in tokens)

    def print(self, tokens, pos):
        return self.parser.printFormula(tuple(tokens), pos)

    def rewrite(self, tokens, pos, in_array=False):
        """(new formula text, methods called, whether it must be an array
        formula) or raises ValueOnly. in_array: the cell is an array formula."""
        why = self.fetching.why(tokens)
        if why:
            raise native.ValueOnly(why)
        # A list: intersect() replaces range tokens by single-cell ones.
        self.tokens, self.pos, self.in_array = list(tokens), pos, in_array
        self.ops = [t.OpCode for t in tokens]
        self.methods = [self.method(t) for t in tokens]
        # Where each "(" closes (len(tokens) if never), and how many KPI calls
        # come before each token: both in one pass.
        self.match = [len(tokens)] * len(tokens)
        self.kpi_before = [0] * (len(tokens) + 1)
        opened = []
        for i, op in enumerate(self.ops):
            if op == self.open:
                opened.append(i)
            elif op == self.close and opened:
                self.match[opened.pop()] = i
            self.kpi_before[i + 1] = self.kpi_before[i] + (self.methods[i] is not None)
        calls = []
        self.array = False
        if not in_array:
            self.intersect_outside(len(tokens))
        try:
            text = "=" + self.render(0, len(tokens), calls)
        except native.TooLong as e:  # said of the whole formula, "=" included
            raise native.TooLong(e.size + 1, MAX_FORMULA) from None
        if len(text) > MAX_FORMULA:
            # Long sheet names repeated in every expansion can pass Excel's limit:
            # Excel would refuse the whole file, so the cell keeps its value.
            raise native.TooLong(len(text), MAX_FORMULA, exact=True)
        return text, calls, self.array

    def render(self, a, b, calls):
        """Text of tokens[a:b] with every KPI call expanded; raises ValueOnly."""
        ops, methods = self.ops, self.methods
        out, size, run, i = [], 0, a, a
        while i < b:
            m = methods[i]
            if m is None:
                i += 1
                continue
            if run < i:
                out.append(self.print(self.tokens[run:i], self.pos))
                size += len(out[-1])
            if i + 1 >= b or ops[i + 1] != self.open:
                raise native.ValueOnly(f"KPI.{m.upper()} without its parentheses")
            end = self.match[i + 1]
            if end >= b:
                raise native.ValueOnly("unbalanced parentheses")
            texts, refs, atoms = [], [], []
            for s, e in self.arguments(i + 2, end):
                text, is_ref, atom = self.argument(s, e, calls)
                texts.append(text)
                refs.append(is_ref)
                atoms.append(atom)
            if texts == [None]:
                texts, refs, atoms = [], [], []
            calls.append(m)
            body = native.expand(m, texts, is_ref=refs, sep=";", atomic_args=atoms, limit=self.limit)
            out.append(native.wrap_expansion(m, body, sep=";"))
            size += len(out[-1])
            if native.needs_array(m, texts, refs):
                self.array = True
            i = run = end + 1
            # Abandoned as soon as it passes the limit (spaces at its ends
            # are stripped by the caller: they do not count).
            if size > self.limit and len("".join(out).strip()) > self.limit:
                raise native.TooLong(size, self.limit)
        if run < b:
            out.append(self.print(self.tokens[run:b], self.pos))
        return "".join(out)

    def arguments(self, start, end):
        """The (start, end) of each argument of the call whose "(" is at
        start - 1 and ")" at end: its ";" at depth 0, brackets jumped over."""
        ops, args, k = self.ops, [], start
        while k < end:
            if ops[k] == self.open:
                k = self.match[k] + 1
                continue
            if ops[k] == self.sep:
                args.append((start, k))
                start = k + 1
            k += 1
        args.append((start, end))
        return args

    def argument(self, s, e, calls):
        """(text or None, is a plain reference, stands as an operand as it
        is: True, or None when unknown) of one argument."""
        ops, spaces = self.ops, self.spaces
        while s < e and ops[s] in spaces:
            s += 1
        while e > s and ops[e - 1] in spaces:
            e -= 1
        if s >= e:
            return None, False, None
        if not self.in_array and e - s > 1:
            self.intersect(s, e)
        if self.kpi_before[e] == self.kpi_before[s]:
            # No KPI call inside: Calc's own print, as short as the input.
            text = self.print(self.tokens[s:e], self.pos).strip()
            return text or None, e - s == 1 and _is_reference(self.tokens[s]), None
        text = self.render(s, e, calls).strip()
        # Built text is never scanned: whether it stands as an operand is
        # read on the tokens, one call f(...) or one (...) spanning it all.
        whole = (ops[s] == self.open and self.match[s] == e - 1) or (
            e - s > 2 and ops[s] not in self.operators and ops[s + 1] == self.open and self.match[s + 1] == e - 1)
        return text or None, False, whole

    def intersect(self, s, e):
        """Makes the implicit intersection of the ranges in tokens[s:e] (an
        expression, outside the KPI calls nested in it: their own arguments
        are dealt with when they are expanded) explicit, or raises ValueOnly.
        What only builds a reference (INDEX(…):INDEX(…), a name beside ":")
        is passed whole, as a plain range is: left as it is."""
        k = s
        while k < e:
            if self.methods[k] is not None and k + 1 < e and self.ops[k + 1] == self.open:
                k = self.match[k + 1] + 1
                continue
            if self.ops[k] in self.range_ops:
                last = self.match[k + 1] if k + 1 < e and self.ops[k + 1] == self.open else k
                if last >= e or not self.beside(k, last, s, e, self.reference_ops) or \
                        any(_is_range(self.tokens[i]) and self.beside(i, i, k + 2, last, self.value_ops)
                            for i in range(k + 2, last)):
                    raise native.ValueOnly(IMPLICIT_INTERSECTION)
                k = last + 1
                continue
            if _is_range(self.tokens[k]) and not self.beside(k, k, s, e, self.reference_ops):
                cell = _intersection(self.tokens[k], self.pos) if self.beside(k, k, s, e, self.value_ops) else None
                if cell is None:
                    raise native.ValueOnly(IMPLICIT_INTERSECTION)
                self.tokens[k] = cell
            k += 1

    def intersect_outside(self, n):
        """The same for a range outside every bracket of the formula, beside
        an operator (=KPI.CPL(B2:B5;C2:C5)*D2:D5): the copy may become an
        array formula, where D2:D5 would give its first cell, not the one at
        the cell's row. Ranges inside functions are left as they were (a
        function may read the whole range in both kinds of formula: COUNT,
        SUMPRODUCT)."""
        k = 0
        while k < n:
            if self.ops[k] == self.open:
                k = self.match[k] + 1
                continue
            if _is_range(self.tokens[k]) and self.beside(k, k, 0, n, self.value_ops):
                cell = _intersection(self.tokens[k], self.pos)
                if cell is None:
                    raise native.ValueOnly(IMPLICIT_INTERSECTION)
                self.tokens[k] = cell
            k += 1

    def beside(self, first, last, s, e, allowed):
        """Whether tokens[first:last + 1] has, on each side within
        tokens[s:e], an operator of `allowed` or the end of the span."""
        ops = self.ops
        before, after = first - 1, last + 1
        while before >= s and ops[before] in self.spaces:
            before -= 1
        while after < e and ops[after] in self.spaces:
            after += 1
        return all(i < s or i >= e or ops[i] in allowed for i in (before, after))


def _intersection(token, pos):
    """The single-cell reference token where a one-column (one-row) range
    meets the row (column) of the cell at pos, or None: outside the range
    (Calc gives #VALUE!), several rows and columns, one cell, several sheets
    or a deleted part."""
    import uno
    from com.sun.star.sheet.ReferenceFlags import (COLUMN_DELETED, COLUMN_RELATIVE, ROW_DELETED, ROW_RELATIVE,
                                                   SHEET_DELETED, SHEET_RELATIVE)
    r1, r2 = token.Data.Reference1, token.Data.Reference2

    def where(r):
        if r.Flags & (COLUMN_DELETED | ROW_DELETED | SHEET_DELETED):
            return None
        return (pos.Sheet + r.RelativeSheet if r.Flags & SHEET_RELATIVE else r.Sheet,
                pos.Column + r.RelativeColumn if r.Flags & COLUMN_RELATIVE else r.Column,
                pos.Row + r.RelativeRow if r.Flags & ROW_RELATIVE else r.Row)
    a, b = where(r1), where(r2)
    if a is None or b is None or a[0] != b[0] or (a[1] == b[1]) == (a[2] == b[2]):
        return None
    ref = uno.createUnoStruct("com.sun.star.sheet.SingleReference")
    for field in ("Column", "RelativeColumn", "Row", "RelativeRow", "Sheet", "RelativeSheet", "Flags"):
        setattr(ref, field, getattr(r1, field))
    if a[1] == b[1]:  # one column: the cell at pos's row
        if not min(a[2], b[2]) <= pos.Row <= max(a[2], b[2]):
            return None
        ref.Row, ref.RelativeRow = pos.Row, 0
    else:  # one row: the cell at pos's column
        if not min(a[1], b[1]) <= pos.Column <= max(a[1], b[1]):
            return None
        ref.Column, ref.RelativeColumn = pos.Column, 0
    new = uno.createUnoStruct("com.sun.star.sheet.FormulaToken")
    new.OpCode = token.OpCode
    new.Data = ref
    return new


def _inside(blocks, si, r, c):
    """Whether the cell is in one of the blocks (the last one first: the
    cells of an array come one after the other, row by row)."""
    return any(b[0] == si and b[1] <= r <= b[3] and b[2] <= c <= b[4] for b in reversed(blocks))


def _plan_cell(rw, sheet, si, r, c, text, seen_arrays, plan, where, shown, keep=None):
    """Adds what to do with one formula cell (or its whole array) to plan.
    keep: a reason to keep the cell's value whatever it calls."""
    import uno
    cell = sheet.getCellByPosition(c, r)
    item = {"sheet": sheet, "si": si, "where": where, "array": text.startswith("{="), "row": r, "col": c}
    if item["array"]:
        cursor = sheet.createCursorByRange(cell)
        cursor.collapseToCurrentArray()
        key = _address(cursor)
        a = cursor.getRangeAddress()
        seen_arrays.append((si, a.StartRow, a.StartColumn, a.EndRow, a.EndColumn))
        item.update(where=key, target=cursor, formula=text, row=a.StartRow, col=a.StartColumn)
        tokens = cursor.getArrayTokens()
    else:
        item.update(target=cell, formula=text)
        tokens = cell.getTokens()
    if keep is None and not rw.has_kpi(tokens):
        return
    pos = uno.createUnoStruct("com.sun.star.table.CellAddress", si, item["col"], item["row"])
    try:
        if keep:
            raise native.ValueOnly(keep)
        item["native"], item["calls"], item["as_array"] = rw.rewrite(tokens, pos, item["array"])
    except native.ValueOnly as why:
        item["reason"] = str(why)
        item["tokens"] = tokens  # a run of frozen cells is one formula filled down: the same tokens (_runs)
        if item["array"]:
            a = item["target"].getRangeAddress()
            item["values"] = [[shown(y, x) for x in range(a.StartColumn, a.EndColumn + 1)]
                              for y in range(a.StartRow, a.EndRow + 1)]
        else:
            item["values"] = shown(r, c)
    plan.append(item)


def _plan_run(rw, sheet, si, c, r0, r1, texts, plan, name):
    """Plans a run of one formula filled down (rows r0..r1 of column c,
    found on the texts: runs.py) as one item, or returns False and the
    cells are planned one by one. Checked on what Calc holds: the first and
    last cells have the same tokens (relative references are offsets) and
    their native formulas differ only by the rows, so every cell between
    gets what it would get on its own; a rewrite that depends on the row
    (an implicit intersection made explicit, a cell kept as a value) fails
    the check."""
    import uno
    ends = []
    for r in (r0, r1):
        tokens = sheet.getCellByPosition(c, r).getTokens()
        if not rw.has_kpi(tokens):
            return False
        pos = uno.createUnoStruct("com.sun.star.table.CellAddress", si, c, r)
        try:
            ends.append((tokens,) + rw.rewrite(tokens, pos, False))
        except native.ValueOnly:
            return False
    (t0, n0, calls, arr0), (t1, n1, _calls, arr1) = ends
    if t0 != t1 or arr0 != arr1 or shift(n0, r1 - r0) != n1:
        return False
    plan.append({"sheet": sheet, "si": si, "row": r0, "col": c, "run": r1 - r0 + 1, "array": False,
                 "native": n0, "calls": calls, "as_array": arr0, "where": f"{name}.{col_name(c)}{r0 + 1}",
                 "formulas": [texts[r][c] for r in range(r0, r1 + 1)]})
    return True


def _fill(item):
    """Writes a run: the native formula in its first cell, filled down by
    Calc (fillAuto: linear, where setting each cell is quadratic in Calc
    7.4). A fill also copies the first cell's format, so the run is filled
    in parts of one format each (getCellFormatRanges): every cell keeps its
    own. Returns the native formulas as Calc now holds them."""
    from com.sun.star.sheet.FillDirection import TO_BOTTOM
    sheet, c, r0, n = item["sheet"], item["col"], item["row"], item["run"]
    whole = sheet.getCellRangeByPosition(c, r0, c, r0 + n - 1)
    parts = whole.getCellFormatRanges()
    for k in range(parts.getCount()):
        a = parts.getByIndex(k).getRangeAddress()
        first = sheet.getCellRangeByPosition(c, a.StartRow, c, a.StartRow)
        text = shift(item["native"], a.StartRow - r0)
        if item["as_array"]:
            first.setArrayFormula(text)
        else:
            first.getCellByPosition(0, 0).setFormula(text)
        if a.EndRow > a.StartRow:
            sheet.getCellRangeByPosition(c, a.StartRow, c, a.EndRow).fillAuto(TO_BOTTOM, 1)
    # An array formula reads back as {=…}: the summary gives it as =….
    return [row[0][1:-1] if row[0].startswith("{") else row[0] for row in whole.getFormulaArray()]


def _set_formulas(items, tick):
    """Sets the native formulas of single cells, one call per run of cells
    below each other (a column of 500 KPI cells is one call, not 500)."""
    run = []
    for i, item in enumerate(items + [None]):
        tick("write", i, len(items))
        if run and (item is None or item["sheet"] is not run[-1]["sheet"] or item["col"] != run[-1]["col"]
                    or item["row"] != run[-1]["row"] + 1):
            first = run[0]
            rng = first["sheet"].getCellRangeByPosition(first["col"], first["row"], first["col"], run[-1]["row"])
            rng.setFormulaArray(tuple((x["native"],) for x in run))
            run = []
        if item is not None:
            run.append(item)


def _runs(items):
    """The frozen single cells in runs: below each other on one sheet and
    column, one formula filled down (the same tokens: relative references
    are stored as offsets), kept for the same reason. Different formulas
    keep a comment each, naming their own."""
    run = []
    for item in sorted(items, key=lambda x: (x["si"], x["col"], x["row"])) + [None]:
        if run and (item is None or item["si"] != run[-1]["si"] or item["col"] != run[-1]["col"]
                    or item["row"] != run[-1]["row"] + 1 or item["reason"] != run[-1]["reason"]
                    or item["tokens"] != run[-1]["tokens"]):
            yield run
            run = []
        if item is not None:
            run.append(item)


def _freeze(summary, frozen):
    """Writes the values of the frozen cells: each array formula, and each
    run of single cells, as one block with one comment naming it (freeze.py).
    Returns the blocks (sheet, first row, first column, rows, columns,
    where, formula, reason) for the listing (_list_frozen)."""
    annotations = {}
    blocks = []

    def notes(sheet):
        if sheet.Name not in annotations:
            annotations[sheet.Name] = sheet.getAnnotations()
        return annotations[sheet.Name]
    for x in frozen:
        if not x["array"]:
            continue
        x["target"].setArrayFormula("")
        note = (f"kpi-portable kept the values of {x['where']}: its array formula was {x['formula']} "
                f"({x['reason']}).")
        write_block(x["sheet"], notes(x["sheet"]), x["si"], x["row"], x["col"], x["values"], note)
        blocks.append((x["sheet"], x["row"], x["col"], len(x["values"]), len(x["values"][0]), x["where"],
                       x["formula"], x["reason"]))
        flat = [v for row in x["values"] for v in row]
        summary["frozen"].append({"cell": x["where"], "formula": x["formula"], "cells": len(flat),
                                  "value": [shown_text(v) for v in flat[:SUMMARY_VALUES]],
                                  "reason": x["reason"], "array": True})
    for run in _runs([x for x in frozen if not x["array"]]):
        first, last = run[0], run[-1]
        if len(run) == 1:
            note = f"kpi-portable kept this value: the formula was {first['formula']} ({first['reason']})."
        else:
            block = f"{first['where']}:{last['where'].rpartition('.')[2]}"
            note = (f"kpi-portable kept the values of {block}: the formulas were {first['formula']} "
                    f"to {last['formula']} ({first['reason']}).")
        write_block(first["sheet"], notes(first["sheet"]), first["si"], first["row"], first["col"],
                    [[x["values"]] for x in run], note)
        where = first["where"] if len(run) == 1 else f"{first['where']}:{last['where'].rpartition('.')[2]}"
        formula = first["formula"] if len(run) == 1 else f"{first['formula']} … {last['formula']}"
        blocks.append((first["sheet"], first["row"], first["col"], len(run), 1, where, formula, first["reason"]))
        for x in run:
            summary["frozen"].append({"cell": x["where"], "formula": x["formula"], "value": shown_text(x["values"]),
                                      "reason": x["reason"], "array": False})
    return blocks


# Frozen cells must be seen as such in the copy (issue 25, item 6): a
# colleague who changes the data sees no update, so each block kept as
# values gets this background, and a sheet lists them all with the formula
# each had. The comment on each block stays.
FROZEN_BACKGROUND = 0xFFE4B5  # moccasin: visible, and dark text stays readable on it
LIST_ROWS = 10000  # rows of the listing at most; the last says how many more
LIST_TEXT = {
    "en": {"sheet": "Not recalculated",
           "intro": "These cells of the copy hold values, not formulas: they do not change when the data "
                    "changes. They are shaded in the sheets; each has a comment with its formula.",
           "head": ("Cells", "Formula with the extension", "Why it is kept as a value"),
           "more": "… and {n} more block(s) kept as values"},
    "fr": {"sheet": "Non recalculé",
           "intro": "Ces cellules de la copie contiennent des valeurs, pas des formules : elles ne changent "
                    "pas quand les données changent. Elles sont ombrées dans les feuilles ; chacune porte un "
                    "commentaire avec sa formule.",
           "head": ("Cellules", "Formule avec l'extension", "Pourquoi elle est gardée en valeur"),
           "more": "… et {n} autre(s) bloc(s) gardé(s) en valeur"},
}


def _list_frozen(doc, blocks, lang):
    """Shades every frozen block and lists the blocks on a sheet of their
    own, at the end (one setDataArray). Returns the sheet's name, or None
    when nothing was frozen."""
    if not blocks:
        return None
    for sheet, row, col, rows, cols, *_rest in blocks:
        sheet.getCellRangeByPosition(col, row, col + cols - 1, row + rows - 1).CellBackColor = FROZEN_BACKGROUND
    text = LIST_TEXT.get(lang, LIST_TEXT["en"])
    names = doc.Sheets
    name, k = text["sheet"], 2
    while names.hasByName(name):
        name, k = f"{text['sheet']} {k}", k + 1
    names.insertNewByName(name, names.getCount())
    listing = names.getByName(name)
    # Text from the workbook is written as text (setDataArray strings): a
    # formula shown here is never evaluated.
    lines = [(text["intro"], "", ""), ("", "", ""), text["head"]]
    lines += [(b[5], b[6], b[7]) for b in blocks[:LIST_ROWS]]
    if len(blocks) > LIST_ROWS:
        lines.append((text["more"].format(n=len(blocks) - LIST_ROWS), "", ""))
    listing.getCellRangeByPosition(0, 0, 2, len(lines) - 1).setDataArray(tuple(lines))
    listing.getCellRangeByPosition(0, 2, 2, 2).CharWeight = 150.0  # bold header
    columns = listing.getColumns()
    for i, width in enumerate((6000, 12000, 12000)):  # 1/100 mm
        columns.getByIndex(i).Width = width
    return name


def convert_document(doc, recalculate=True, lang="en", progress=None):
    """Rewrites every KPI formula of `doc` (an open Calc document) in place.
    Returns the summary: {"rewritten": [...], "frozen": [...], "listing":
    the name of the sheet listing the frozen cells or None}, one entry per
    cell (an array formula: one entry for its range). lang: the listing's
    language ("en", "fr"). progress(stage, done, total), if given, is called
    every few cells ("plan", then "write"): the menu's progress window,
    which may raise to stop the conversion (the document is then half
    converted: the menu converts a copy and discards it)."""
    tick = progress or (lambda stage, done=0, total=0: None)
    if recalculate:
        doc.calculateAll()  # the values frozen are the extension's own
    rw = _Rewriter(doc)
    plan = []
    # (sheet, row0, col0, row1, col1) of the array formulas planned: their
    # other cells are skipped before any UNO call (a 1000 x 1000 array is
    # one formula, not a million cursors: issue 27, item 4).
    seen_arrays = []
    sheets = doc.Sheets
    n_sheets = sheets.getCount()  # once: the progress ticks below run per cell
    for si in range(n_sheets):
        sheet = sheets.getByIndex(si)
        name = sheet.Name
        used = sheet.createCursor()
        used.gotoEndOfUsedArea(False)
        end = used.getRangeAddress()
        # One call per sheet for every cell's formula text, only to skip the
        # cells that cannot call a KPI function; the rewriting works on tokens.
        texts = sheet.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow).getFormulaArray()
        shown = None

        def kpi_cell(text):
            return "KPI." in text.upper() and not text.startswith("{=")
        # Single cells first, column by column: a formula filled down is
        # planned once for its whole run (runs.py); the other cells, and any
        # run the check refuses, one by one.
        for c in range(end.EndColumn + 1):
            tick("plan", si * (end.EndColumn + 1) + c, n_sheets * (end.EndColumn + 1))
            for r0, r1 in runs(texts, c, kpi_cell):
                if r1 > r0 and _plan_run(rw, sheet, si, c, r0, r1, texts, plan, name):
                    continue
                for r in range(r0, r1 + 1):
                    tick("plan", si * (end.EndColumn + 1) + c, n_sheets * (end.EndColumn + 1))
                    shown = shown or Shown(doc, sheet, end.EndRow + 1, end.EndColumn + 1)
                    _plan_cell(rw, sheet, si, r, c, texts[r][c], seen_arrays, plan, f"{name}.{col_name(c)}{r + 1}",
                               shown)
        for r, row in enumerate(texts):
            tick("plan", si, n_sheets)
            for c, text in enumerate(row):
                kpi = "KPI." in text.upper()
                # Any formula, not only a KPI call, must fit Excel's limit: a
                # longer one (a template's own import formula) keeps its value.
                long = not kpi and len(text) - text.startswith("{=") - text.endswith("}") > MAX_FORMULA
                if (long or (kpi and text.startswith("{="))) and not _inside(seen_arrays, si, r, c):
                    shown = shown or Shown(doc, sheet, end.EndRow + 1, end.EndColumn + 1)
                    _plan_cell(rw, sheet, si, r, c, text, seen_arrays, plan, f"{name}.{col_name(c)}{r + 1}", shown,
                               keep=TOO_LONG.format(n=len(text)) if long else None)
    # The summary lists the cells sheet by sheet, row by row.
    plan.sort(key=lambda x: (x["si"], x["row"], x["col"]))
    # Setting a thousand formulas one by one recalculates after each: off
    # while they are set, then one recalculation (the copy must hold the
    # native formulas' own values).
    auto = doc.isAutomaticCalculationEnabled()
    doc.enableAutomaticCalculation(False)
    doc.lockControllers()
    doc.addActionLock()  # no repaint or drawing-layer update per comment
    summary = {"rewritten": [], "frozen": []}
    try:
        rewritten = [x for x in plan if "native" in x and "run" not in x]
        _set_formulas(sorted((x for x in rewritten if not x["array"] and not x["as_array"]),
                             key=lambda x: (x["sheet"].Name, x["col"], x["row"])), tick)
        runs_planned = [x for x in plan if "run" in x]
        for i, x in enumerate(runs_planned):
            tick("write", i, len(runs_planned))
            x["natives"] = _fill(x)
        for x in plan:
            if "run" in x:
                name = x["sheet"].Name
                for i, (formula, text) in enumerate(zip(x["formulas"], x["natives"])):
                    summary["rewritten"].append({"cell": f"{name}.{col_name(x['col'])}{x['row'] + i + 1}",
                                                 "formula": formula, "native": text,
                                                 "functions": sorted({"KPI." + c.upper() for c in x["calls"]}),
                                                 "array": x["as_array"]})
                continue
            if "native" not in x:
                continue
            tick("write", len(summary["rewritten"]), len(plan))
            # A range summed cell by cell (ISTEXT, IF over it) is evaluated
            # as an array only in an array formula (Gnumeric, older Excel):
            # such a cell becomes a one-cell array formula.
            if x["array"] or x["as_array"]:
                x["target"].setArrayFormula(x["native"])
            summary["rewritten"].append({"cell": x["where"], "formula": x["formula"], "native": x["native"],
                                         "functions": sorted({"KPI." + c.upper() for c in x["calls"]}),
                                         "array": x["array"] or x["as_array"]})
        summary["listing"] = _list_frozen(doc, _freeze(summary, [x for x in plan if "native" not in x]), lang)
    finally:
        doc.removeActionLock()
        doc.unlockControllers()
        doc.enableAutomaticCalculation(auto)
    doc.calculateAll()
    return summary
