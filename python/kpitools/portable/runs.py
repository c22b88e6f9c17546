"""Runs of one formula filled down a column, found on the formula texts
alone (issue 26, item 1).

kpi-portable used to read, rewrite and write every KPI cell on its own: three
UNO calls per cell, and Calc 7.4's XCellRangeFormula.setFormulaArray is
quadratic in the length of a column of similar formulas (each new cell joins
the formula group above it and the group listens again: 23 s for 8,000 rows
here, 0.02 s with setFormula on the first cell and fillAuto). A column of
20,000 `=KPI.CPL(A2;B2)` is one formula filled down: it is read, rewritten
and written once, and Calc fills it.

Whether row r + 1 holds row r's formula filled down is decided on the texts
Calc prints in its API grammar (`getFormulaArray`, one call per sheet): the
text of r + 1 must be the text of r with every relative row number one
higher (`shift`). The texts are only a guide: convert.py then compares the
tokens of the run's first and last cells (Calc stores relative references
as offsets, so a formula filled down has the same tokens in every cell) and
the native formulas rewritten at both ends, and falls back to cell by cell
whenever anything differs.
"""
import re

# Left as they are: a string literal ("…" with "" inside), a sheet name
# ('…' with '', or a plain name, before "."; also the "KPI." of a call), a
# function's name (before "("). Shifted: a cell reference $?COLUMN$?ROW that
# is not part of a longer name or number.
_TOKEN = re.compile(r"""
    (?P<string>"(?:[^"]|"")*")
  | (?P<quoted>\$?'(?:[^']|'')*'\.)
  | (?P<sheet>\$?[A-Za-z_][A-Za-z0-9_]*\.)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?=\())
  | (?<![A-Za-z0-9_$])(?P<col>\$?[A-Z]{1,3})(?P<dollar>\$?)(?P<row>[0-9]{1,7})(?![A-Za-z0-9_(.])
""", re.VERBOSE)

MAX_ROW = 1_048_576


def shift(text, rows):
    """The formula text with every relative row number `rows` higher, or
    None when a row would leave the sheet (the fill would give #REF!)."""
    bad = []

    def move(m):
        if m.group("row") is None or m.group("dollar"):
            return m.group(0)
        row = int(m.group("row")) + rows
        if not 1 <= row <= MAX_ROW:
            bad.append(row)
        return f"{m.group('col')}{row}"
    out = _TOKEN.sub(move, text)
    return None if bad else out


def runs(texts, col, wanted):
    """The runs (first row, last row) of rows of column `col` whose text
    `wanted(text)` accepts and where each row holds the row above filled
    down. Single rows are runs of one."""
    out, start, prev = [], None, None
    for r, row in enumerate(texts):
        text = row[col] if col < len(row) else ""
        ok = wanted(text)
        if ok and start is not None and shift(prev, 1) == text:
            prev = text
            continue
        if start is not None:
            out.append((start, r - 1))
            start = None
        if ok:
            start, prev = r, text
    if start is not None:
        out.append((start, len(texts) - 1))
    return out
