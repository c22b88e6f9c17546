"""The audit of one workbook model: walks the cells, recognises KPI cells and
hand-written KPIs, and hands them to the rules (audit/rules/, one module per
family of checks). The rules report through Audit.find; the helpers here read
operands, evaluate the simple formulas the rules recognise, and call the KPI
functions themselves (kpi_eval: in Calc, with the extension).

The workbook model is audit/model.py's SheetData: LibreOffice fills it
(audit/workbook.py), and so can a test (tests/python/workbook.py)."""
import contextlib
import gc
import math
import re
import time

from kpitools.audit import rules
from kpitools.audit.formula import parse_formula, strip_parens, walk
from kpitools.audit.grouping import MAX_INVENTORY, Grouper, Listed
from kpitools.audit.labels import Labels
from kpitools.audit.model import SEVERITIES, AuditTimeout, fmt_num, result_json
from kpitools.sheet.addresses import addr, col_index


class KpiCell:
    """A cell whose formula calls a KPI function, as the rules see it."""

    def __init__(self, sheet, r, c, formula, name, entry, now, stored, args):
        self.sheet, self.r, self.c, self.formula = sheet, r, c, formula
        self.name, self.entry = name, entry    # "KPI.CPL"; its catalogue entry or None
        self.now, self.stored = now, stored    # results; stored is "missing" when the file has none
        self.args = args                       # the call's argument nodes


class HandKpi:
    """A formula under a KPI label (=B5/C5 under "CPL"), as the rules see it."""

    def __init__(self, sheet, r, c, kpi, hand, body):
        self.sheet, self.r, self.c = sheet, r, c
        self.kpi, self.name = kpi, "KPI." + kpi
        self.hand = hand        # the value the cell shows
        self.body = body        # the formula tree, outer parentheses and IFERROR removed
        # =A/B, =SUM(A)/SUM(B), =A/B*1000, =A*1000/B, =A/B*100
        self.scale, self.num, self.den = 1.0, None, None
        b = body
        if b.kind == "bin" and b.op == "*" and strip_parens(b.b).kind == "num" and \
                strip_parens(b.a).kind == "bin" and strip_parens(b.a).op == "/":
            inner = strip_parens(b.a)
            self.scale, self.num, self.den = strip_parens(b.b).value, inner.a, inner.b
        elif b.kind == "bin" and b.op == "/" and strip_parens(b.a).kind == "bin" and strip_parens(b.a).op == "*" \
                and strip_parens(strip_parens(b.a).b).kind == "num":
            self.scale = strip_parens(strip_parens(b.a).b).value
            self.num, self.den = strip_parens(b.a).a, b.b
        elif b.kind == "bin" and b.op == "/":
            self.num, self.den = b.a, b.b


# Hand-written KPIs whose check waits for its KPI call, at most: then the
# calls are computed together (kpi_batch) and the checks completed. Each
# waiting check holds its parsed formula and its findings: 2,000 rather
# than 5,000 (with FLUSH) took kpi-audit's peak on the 1.1M-cell workbook
# from about 90 MB to 82 (issue 26, item 6); 50 batches instead of 20 cost
# well under a second.
BATCH = 2_000
# Findings the walk holds at most before those made so far go to the
# report's bounded list (grouping.Listed): a sheet of 100,000 distinct
# findings no longer sits whole in memory (issue 26, item 6).
FLUSH = 2_000
_KPI = re.compile(r"\bKPI\.", re.I)


@contextlib.contextmanager
def without_cycle_collector():
    """Python's cycle collector off while a large workbook model is built or
    walked: each of its collections would traverse the whole model (a
    third of the audit's time on a million cells), and the model has no
    reference cycles to collect; reference counting frees it as before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Later(list):
    """The place, among the findings, of those of a check waiting for its KPI call."""


class Audit:
    def __init__(self, book, stored, catalogue, kpi_eval, is_date=None, kpi_batch=None):
        self.book = book            # {sheet name: SheetData}, in order
        self.stored = stored        # {(sheet, row, col): stored result} read from the file
        self.catalogue = catalogue.by_formula_name()  # {"KPI.CPL": entry}, from a kpitools.catalogue.Catalogue
        self.labels = Labels.of(catalogue)  # header words, shapes, parts and wholes: the catalogue's
        self.kpi_eval = kpi_eval    # formula text -> result, computed by the extension in Calc
        # [formula texts] -> [results], computed together (one recalculation
        # in Calc for many cells); None: kpi_eval one at a time.
        self.kpi_batch = kpi_batch
        self.is_date = is_date or (lambda sheet, r, c: True)  # has the cell a date format?
        self.inventory = []         # the first MAX_INVENTORY KPI cells (grouping.py)
        self.kpi_cells = 0          # all of them
        self.findings = []          # the findings being made; after run(), those the report lists
        self.unlisted = {}          # after run(): {"findings_unlisted": counts} of those it does not list
        self._listed = Listed()
        self._order = {s: i for i, s in enumerate(book)}
        self._group = Grouper()     # identical findings of adjacent cells merge as they come
        self.stop = None            # () -> True: stop now (kpi-audit's own memory cap, selfguard.py)
        self.no_stored = 0
        self.keep_texts = False     # True: each finding keeps its texts.T messages under "texts"
        self.live = False           # True: run inside Calc on the open document (the KPI menu)
        self.src = ""               # the formula being read (operands are quoted from it)
        self._out = self.findings   # where find() writes: a _Later while a waiting check completes
        self._waiting = []          # (formula, then, its _Later)

    def find(self, severity, check, sheet, r, c, message, fix, **details):
        f = {"severity": severity, "check": check, "sheet": sheet.name, "cell": addr(r, c),
             "message": str(message), "fix": str(fix)}
        if self.keep_texts:  # the menu renders them again in the UI language (texts.py)
            f["texts"] = (message, fix)
        if details:
            f["details"] = details
        self._group.add(self._out, f, r, c)

    def run(self, deadline=None):
        """deadline (time.monotonic()): past it, AuditTimeout."""
        with without_cycle_collector():
            return self._run(deadline)

    def _run(self, deadline):
        for sheet in self.book.values():
            last = -1
            for r, c, f in sheet.formula_cells():
                if r != last:
                    if deadline is not None and time.monotonic() > deadline or self.stop is not None and self.stop():
                        raise AuditTimeout()  # for stop(), the caller says why
                    if len(self.findings) >= FLUSH:  # a new row: the findings so far are final
                        self.complete()
                        self._flush(sheet, r)
                last = r
                node = parse_formula(f)
                if _KPI.search(f):
                    self.kpi_cell(sheet, r, c, f, node)
                elif node is not None:
                    self.handwritten(sheet, r, c, f, node)
                    if len(self._waiting) >= BATCH:
                        self.complete()
                        self._flush(sheet, r)
            self.complete()
            for family in rules.SHEET_FAMILIES:
                family.check_sheet(self, sheet)
        for family in rules.BOOK_FAMILIES:
            family.check_book(self)
        self._group.close()
        self._flush()
        # Those the report lists, in its order (the one a check at a time
        # would give: the waiting checks' findings in their places), and
        # the others counted.
        self.findings, self.unlisted = self._listed.result()
        return self

    def _flush(self, sheet=None, row=None):
        """Hands the findings made so far to the report's bounded list; the
        walk goes on at this sheet's row (the grouping forgets the blocks
        that can no longer grow) or is over (row None)."""
        if row is not None:
            self._group.forget(self.findings, row)
        order = self._order
        for f in self.findings:
            for x in (f if isinstance(f, _Later) else (f,)):
                self._listed.add((order.get(x["sheet"], 0),) + _cell_key(x["cell"])
                                 + (-SEVERITIES.index(x["severity"]),), x)
        self.findings.clear()  # the same list: the grouping's blocks still name it

    def complete(self):
        """Computes the waiting KPI calls together and completes their checks."""
        waiting, self._waiting = self._waiting, []
        if not waiting:
            return
        results = self.kpi_batch([w[0] for w in waiting])
        try:
            for (_formula, then, place), res in zip(waiting, results):
                self._out = place
                then(res)
        finally:
            self._group.close()
            self._out = self.findings

    # -- the two kinds of formula cells the rules read ----------------------
    def kpi_cell(self, sheet, r, c, formula, node):
        self.src = formula
        now = sheet.result(r, c)
        calls = [n for n in walk(node) if n.kind == "call" and n.name.startswith("KPI.")] if node else []
        name = calls[0].name if calls else re.search(r"KPI\.[A-Za-z0-9_]*", formula, re.I).group(0).upper()
        entry = self.catalogue.get(name)
        self.kpi_cells += 1
        if len(self.inventory) < MAX_INVENTORY:  # past it only counted: the report lists no more (grouping.py)
            self._inventory(sheet, r, c, formula, name, entry, now, calls)
        stored = self.stored.get((sheet.name, r, c), "missing")
        cell = KpiCell(sheet, r, c, formula, name, entry, now, stored, calls[0].args if calls else [])
        for family in rules.KPI_CELL_FAMILIES:
            if family.check_kpi_cell(self, cell):
                break   # e.g. an unknown function: nothing more to say about it

    def _inventory(self, sheet, r, c, formula, name, entry, now, calls):
        args = []
        for a in (calls[0].args if calls else []):
            item = {"text": formula[a.start:a.end].strip()}
            a0 = strip_parens(a)
            if a0.kind == "ref":
                vals = [s.result(rr, cc) for s, rr, cc in self.cells(sheet, a0)[:20]]
                item["values"] = [result_json(v) for v in vals]
                item["cells"] = (a0.r2 - a0.r1 + 1) * (a0.c2 - a0.c1 + 1)
            args.append(item)
        stored = self.stored.get((sheet.name, r, c), "missing")
        self.inventory.append({
            "sheet": sheet.name, "cell": addr(r, c), "formula": formula, "function": name, "arguments": args,
            "result": result_json(now), "stored": result_json(stored) if stored != "missing" else None,
            "definition": entry["definition"]["en"] if entry else None,   # the report is in English
        })

    def result(self, book):
        """One file's entry of the report (docs/audit-json.md): at most
        MAX_FINDINGS findings and MAX_INVENTORY KPI cells listed, the rest counted."""
        findings, more = self.findings, self.unlisted
        out = {"sheets": len(book), "cells": sum(s.rows * s.cols for s in book.values()),
               "kpi_cells": self.kpi_cells, "inventory": self.inventory, "findings": findings}
        if self.kpi_cells > len(self.inventory):
            out["inventory_unlisted"] = self.kpi_cells - len(self.inventory)
        out.update(more)
        return out

    def handwritten(self, sheet, r, c, formula, node):
        kpi = None
        for text, _d in sheet.labels(r, c):
            kpi = self.labels.kpi_of_label(text)
            if kpi:
                break
        if not kpi:
            return
        self.src = formula
        now, body = rules.iferror.unwrap(self, sheet, r, c, kpi, sheet.result(r, c), strip_parens(node))
        if now is None or now[0] != "value":
            return
        h = HandKpi(sheet, r, c, kpi, now[1], body)
        b = h.body
        if kpi in self.labels.ratio_kpis and h.num is not None:
            rules.handwritten.check_ratio(self, h)
        elif kpi in self.labels.gain_kpis:
            rules.gains.check_gain(self, h)
        elif kpi in self.labels.ratio_kpis and b.kind == "call" and b.name == "AVERAGE" and len(b.args) == 1 \
                and b.args[0].kind == "ref":
            rules.averages.check_average(self, h, b.args[0])

    # -- helpers for the rules -----------------------------------------------
    def sheet_of(self, sheet, node):
        return self.book.get(node.sheet, sheet) if node.sheet else sheet

    def cells(self, sheet, node):
        """The cells of a reference that lie in its sheet's used area: the
        cells beyond it are blank, and =SUM(B3:XFD1048576) must not become
        17 billion Python tuples."""
        s = self.sheet_of(sheet, node)
        if node.r1 == node.r2 and node.c1 == node.c2:  # one cell, the usual case
            return [(s, node.r1, node.c1)] if node.r1 < s.rows and node.c1 < s.cols else []
        return [(s, r, c) for r in range(node.r1, min(node.r2, s.rows - 1) + 1)
                for c in range(node.c1, min(node.c2, s.cols - 1) + 1)]

    def operand(self, sheet, node):
        """A count or amount operand: a reference, SUM(reference) or a number.
        Returns (source text for a KPI call, [results]) or None."""
        node = strip_parens(node)
        if node is None:
            return None
        if node.kind == "num":
            return fmt_num(node.value), [("value", node.value)]
        if node.kind == "ref":
            return self.src[node.start:node.end], [s.result(r, c) for s, r, c in self.cells(sheet, node)]
        if node.kind == "call" and node.name == "SUM" and len(node.args) == 1 and node.args[0].kind == "ref":
            a = node.args[0]
            return self.src[a.start:a.end], [s.result(r, c) for s, r, c in self.cells(sheet, a)]
        return None

    def label_kind(self, sheet, node):
        """What the operand counts, from its cell's labels ("clicks", "cost"...)."""
        node = strip_parens(node)
        if node is not None and node.kind == "call" and node.args:
            node = strip_parens(node.args[0])
        if node is None or node.kind != "ref":
            return None
        s = self.sheet_of(sheet, node)
        for text, _d in s.labels(node.r1, node.c1):
            k = self.labels.input_kind(text)
            if k:
                return k
        return None

    def evaluate(self, sheet, node):
        """Evaluates the simple subset the audit recognises; None otherwise."""
        node = strip_parens(node)
        k = node.kind
        if k == "num":
            return ("value", node.value)
        if k == "ref":
            if node.r1 != node.r2 or node.c1 != node.c2:
                return None
            s, r, c = self.sheet_of(sheet, node), node.r1, node.c1
            res = s.result(r, c)
            if res[0] == "blank":
                return ("value", 0.0)
            if res[0] == "text":
                return ("error", 519)
            return res
        if k in ("neg", "pct"):
            v = self.evaluate(sheet, node.a)
            return v if v is None or v[0] == "error" else ("value", -v[1] if k == "neg" else v[1] / 100)
        if k == "call" and node.name in ("SUM", "AVERAGE") and len(node.args) == 1 and node.args[0].kind == "ref":
            vals = []
            for s, r, c in self.cells(sheet, node.args[0]):
                res = s.result(r, c)
                if res[0] == "error":
                    return res
                if res[0] == "value":
                    vals.append(res[1])
            if node.name == "SUM":
                return ("value", math.fsum(vals))
            return ("value", math.fsum(vals) / len(vals)) if vals else ("error", 532)
        if k == "bin" and node.op in "+-*/":
            a, b = self.evaluate(sheet, node.a), self.evaluate(sheet, node.b)
            if a is None or b is None:
                return None
            for v in (a, b):
                if v[0] == "error":
                    return v
            x, y = a[1], b[1]
            if node.op == "/":
                return ("error", 532) if y == 0 else ("value", x / y)
            return ("value", x + y if node.op == "+" else x - y if node.op == "-" else x * y)
        return None

    def kpi_call(self, name, *operands, then):
        """Calls the KPI function in Calc with the operands' values inlined
        and hands its result to then(result): at once, or with a batch of
        others (kpi_batch), its findings kept in this place of the report."""
        parts = []
        for vals in operands:
            nums = []
            for res in vals:
                if res[0] == "error":
                    then(res)
                    return
                if res[0] == "value":
                    nums.append(repr(res[1]))
                elif res[0] == "text":
                    nums.append('"' + str(res[1]).replace('"', '""') + '"')
            parts.append("{" + ";".join(nums) + "}" if len(nums) != 1 else nums[0])
        formula = f"={name}(" + ";".join(p if p != "{}" else "0" for p in parts) + ")"
        if self.kpi_batch is None:
            then(self.kpi_eval(formula))
            return
        place = _Later()
        self._out.append(place)
        self._waiting.append((formula, then, place))

    def suggest(self, sheet, name, body):
        """=KPI.X(a;b) for a hand-written a/b, or None."""
        body = strip_parens(body)
        if body.kind == "bin" and body.op == "/":
            a, b = self.operand(sheet, body.a), self.operand(sheet, body.b)
            if a and b:
                return f"={name}({a[0]};{b[0]})"
        return None

    def same_ref(self, n1, n2):
        n1, n2 = strip_parens(n1), strip_parens(n2)
        return n1 is not None and n2 is not None and self.src[n1.start:n1.end].replace("$", "") == \
            self.src[n2.start:n2.end].replace("$", "")


def _cell_key(a):
    m = re.match(r"([A-Z]+)(\d+)", a)
    return (int(m.group(2)), col_index(m.group(1))) if m else (0, 0)
