"""The audit of one workbook model."""
import math
import re

from kpitools.audit.formula import parse_formula, strip_parens, walk
from kpitools.audit.labels import (COUNT_KINDS, DATE_SERIES_WORDS, END_ONLY, END_WORDS, GAIN_KPIS, PART_OF,
                                   PART_RATES, RATIO_KPIS, START_ONLY, START_WORDS, exact_words, has_words,
                                   input_kind, kpi_of_label)
from kpitools.audit.model import SEVERITIES, fmt_num, result_json, result_text, same_result
from kpitools.sheet.addresses import addr, col_index


class Audit:
    def __init__(self, book, stored, catalogue, kpi_eval):
        self.book = book            # {sheet name: SheetData}, in order
        self.stored = stored
        self.catalogue = catalogue  # {"KPI.CPL": entry}
        self.kpi_eval = kpi_eval    # formula text -> result, computed by the extension in Calc
        self.inventory = []
        self.findings = []
        self.no_stored = 0

    def find(self, severity, check, sheet, r, c, message, fix, **details):
        f = {"severity": severity, "check": check, "sheet": sheet.name, "cell": addr(r, c),
             "message": message, "fix": fix}
        if details:
            f["details"] = details
        self.findings.append(f)

    def run(self):
        for sheet in self.book.values():
            for r in range(sheet.rows):
                for c in range(sheet.cols):
                    f = sheet.formula(r, c)
                    if not f:
                        continue
                    node = parse_formula(f)
                    if re.search(r"\bKPI\.", f, re.I):
                        self.kpi_cell(sheet, r, c, f, node)
                    elif node is not None:
                        self.handwritten(sheet, r, c, f, node)
            self.domain(sheet)
        if self.no_stored:
            first = next(iter(self.book.values()))
            self.find("info", "no-stored-values", first, 0, 0,
                      f"{self.no_stored} KPI cell(s) have no value stored in the file (never calculated and "
                      "saved by Calc): their stale-value check was not possible",
                      "open the file in Calc with the extension, recalculate (Ctrl+Shift+F9) and save")
        order = {s: i for i, s in enumerate(self.book)}
        self.findings.sort(key=lambda f: (order.get(f["sheet"], 0), _cell_key(f["cell"]),
                                          -SEVERITIES.index(f["severity"])))
        return self

    # -- helpers -----------------------------------------------------------
    def sheet_of(self, sheet, node):
        return self.book.get(node.sheet, sheet) if node.sheet else sheet

    def cells(self, sheet, node):
        s = self.sheet_of(sheet, node)
        return [(s, r, c) for r in range(node.r1, node.r2 + 1) for c in range(node.c1, node.c2 + 1)]

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
        node = strip_parens(node)
        if node is not None and node.kind == "call" and node.args:
            node = strip_parens(node.args[0])
        if node is None or node.kind != "ref":
            return None
        s = self.sheet_of(sheet, node)
        for text, _d in s.labels(node.r1, node.c1):
            k = input_kind(text)
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
            cells = self.cells(sheet, node)
            if len(cells) != 1:
                return None
            s, r, c = cells[0]
            res = s.result(r, c)
            if res[0] == "blank":
                return ("value", 0.0)
            if res[0] == "text":
                return ("error", 519)
            return res
        if k == "neg":
            v = self.evaluate(sheet, node.a)
            return v if v is None or v[0] == "error" else ("value", -v[1])
        if k == "pct":
            v = self.evaluate(sheet, node.a)
            return v if v is None or v[0] == "error" else ("value", v[1] / 100)
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

    def kpi_call(self, name, *operands):
        """Calls the KPI function in Calc with the operands' values inlined."""
        parts = []
        for vals in operands:
            nums = []
            for res in vals:
                if res[0] == "error":
                    return res
                if res[0] == "value":
                    nums.append(repr(res[1]))
                elif res[0] == "text":
                    nums.append('"' + str(res[1]).replace('"', '""') + '"')
            parts.append("{" + ";".join(nums) + "}" if len(nums) != 1 else nums[0])
        return self.kpi_eval(f"={name}(" + ";".join(p if p != "{}" else "0" for p in parts) + ")")

    # -- 1 and 2: the KPI cells ---------------------------------------------
    def kpi_cell(self, sheet, r, c, formula, node):
        self.src = formula
        now = sheet.result(r, c)
        calls = [n for n in walk(node) if n.kind == "call" and n.name.startswith("KPI.")] if node else []
        name = calls[0].name if calls else re.search(r"KPI\.[A-Za-z0-9_]*", formula, re.I).group(0).upper()
        entry = self.catalogue.get(name)
        args = []
        for a in (calls[0].args if calls else []):
            item = {"text": formula[a.start:a.end].strip()}
            a0 = strip_parens(a)
            if a0.kind == "ref":
                vals = [s.result(rr, cc) for s, rr, cc in self.cells(sheet, a0)]
                item["values"] = [result_json(v) for v in vals[:20]]
                item["cells"] = len(vals)
            args.append(item)
        stored = self.stored.get((sheet.name, r, c), "missing")
        self.inventory.append({
            "sheet": sheet.name, "cell": addr(r, c), "formula": formula, "function": name, "arguments": args,
            "result": result_json(now), "stored": result_json(stored) if stored != "missing" else None,
            "definition": entry["definition"] if entry else None,
        })
        if entry is None:
            self.find("error", "unknown-function", sheet, r, c,
                      f"{name} is not a function of this version of the KPI extension",
                      "check the spelling; see docs/functions.md for the list")
            return
        if stored is None or stored == "missing":
            self.no_stored += 1
        elif stored[0] != "date" and not same_result(stored, now):
            self.find("warning", "stale-value", sheet, r, c,
                      f"the file stores {result_text(stored)} but {name} computes {result_text(now)} now "
                      "(saved by an older version, or never recalculated)",
                      "recalculate (Ctrl+Shift+F9) and save the file",
                      stored=result_json(stored), now=result_json(now))
        if now[0] == "error":
            self.find("warning", "kpi-error", sheet, r, c,
                      f"{name} shows {result_text(now)}: " + ERROR_WHY.get(result_text(now), "see the function's errors"),
                      "check the input cells of this KPI", error=result_text(now))
        elif now[0] == "value" and entry["method"].upper() in PART_RATES and now[1] > 1 + 1e-12:
            self.rate_above(sheet, r, c, name, now[1], calls[0].args if calls else [])

    def rate_above(self, sheet, r, c, kpi_name, value, arg_nodes):
        names = [a for a in self.catalogue.get(kpi_name, {}).get("args", [])]
        what = ""
        if len(names) >= 2:
            what = f": {names[0]['name']} > {names[1]['name']}"
        self.find("error", "rate-above-100", sheet, r, c,
                  f"{kpi_name.split('.')[-1]} of {value * 100:.4g} % cannot exceed 100 %{what}",
                  "check the inputs: the part is counted differently from the whole (e.g. total vs unique opens)",
                  value=value)

    # -- 3: hand-written KPIs -------------------------------------------------
    def handwritten(self, sheet, r, c, formula, node):
        kpi = None
        for text, _d in sheet.labels(r, c):
            kpi = kpi_of_label(text)
            if kpi:
                break
        if not kpi:
            return
        self.src = formula
        name = "KPI." + kpi
        now = sheet.result(r, c)
        body = strip_parens(node)
        if body.kind == "call" and body.name == "IFERROR" and body.args:
            inner = self.evaluate(sheet, body.args[0])
            body = strip_parens(body.args[0])
            fix = self.suggest(sheet, name, body)
            if inner is not None and inner[0] == "error":
                self.find("warning", "iferror-hides-error", sheet, r, c,
                          f"IFERROR hides {result_text(inner)}: the cell shows {result_text(now)} where the "
                          f"{kpi} is undefined", (fix or f"={name}(...)") + " (shows the error instead of hiding it)",
                          hidden=result_text(inner))
                return
            if inner is not None:
                now = inner
        if now[0] != "value":
            return
        hand = now[1]
        b = body
        # =A/B, =SUM(A)/SUM(B), =A/B*1000, =A*1000/B, =A/B*100
        scale, num, den = 1.0, None, None
        if b.kind == "bin" and b.op == "*" and strip_parens(b.b).kind == "num" and strip_parens(b.a).kind == "bin" \
                and strip_parens(b.a).op == "/":
            scale, inner = strip_parens(b.b).value, strip_parens(b.a)
            num, den = inner.a, inner.b
        elif b.kind == "bin" and b.op == "/" and strip_parens(b.a).kind == "bin" and strip_parens(b.a).op == "*" \
                and strip_parens(strip_parens(b.a).b).kind == "num":
            scale = strip_parens(strip_parens(b.a).b).value
            num, den = strip_parens(b.a).a, b.b
        elif b.kind == "bin" and b.op == "/":
            num, den = b.a, b.b
        if kpi in RATIO_KPIS and num is not None:
            self.hand_ratio(sheet, r, c, kpi, hand, num, den, scale)
        elif kpi in GAIN_KPIS:
            self.hand_gain(sheet, r, c, kpi, hand, b)
        elif kpi in RATIO_KPIS and b.kind == "call" and b.name == "AVERAGE" and len(b.args) == 1 \
                and b.args[0].kind == "ref":
            self.average_of_ratios(sheet, r, c, kpi, hand, b.args[0])

    def suggest(self, sheet, name, body):
        body = strip_parens(body)
        if body.kind == "bin" and body.op == "/":
            a, b = self.operand(sheet, body.a), self.operand(sheet, body.b)
            if a and b:
                return f"={name}({a[0]};{b[0]})"
        return None

    def compare(self, sheet, r, c, kpi, hand, expected, fix, formula_kind, named=None):
        name = "KPI." + kpi
        if expected is None:
            return
        if expected[0] == "value" and abs(expected[1] - hand) <= 1e-9 * max(1.0, abs(hand), abs(expected[1])):
            if named is None:
                self.find("info", "handwritten-kpi", sheet, r, c,
                          f"hand-written {kpi} agrees with {name} ({fmt_num(hand)})",
                          f"{fix} states the definition", kpi=name)
            return
        if named:
            check, msg = named
            self.find("error", check, sheet, r, c,
                      f"{msg}: the cell shows {fmt_num(hand)}, {name} gives {result_text(expected)}", fix,
                      kpi=name, hand=hand, expected=result_json(expected))
            return
        why = f" ({ERROR_WHY[result_text(expected)]})" if result_text(expected) in ERROR_WHY else ""
        self.find("warning", "handwritten-kpi-differs", sheet, r, c,
                  f"hand-written {kpi} ({formula_kind}) shows {fmt_num(hand)}, {name} gives "
                  f"{result_text(expected)}{why}",
                  fix, kpi=name, hand=hand, expected=result_json(expected))

    def hand_ratio(self, sheet, r, c, kpi, hand, num, den, scale):
        a, b = self.operand(sheet, num), self.operand(sheet, den)
        if not a or not b:
            return
        name = "KPI." + kpi
        entry = self.catalogue.get(name)
        fix = f"={name}({a[0]};{b[0]})"
        if kpi in PART_RATES and hand > 1 + 1e-12 and scale == 1.0:
            la, lb = self.label_kind(sheet, num), self.label_kind(sheet, den)
            why = f" ({la} > {lb})" if la and lb else ""
            self.find("error", "rate-above-100", sheet, r, c,
                      f"{kpi} of {hand * 100:.4g} % cannot exceed 100 %{why}",
                      "check the inputs: the part is counted differently from the whole", value=hand)
            return
        # Operands named in swapped order (leads ÷ cost under a CPL header).
        if entry and len(entry["args"]) >= 2:
            la, lb = self.label_kind(sheet, num), self.label_kind(sheet, den)
            want_a, want_b = ARG_KINDS.get(entry["args"][0]["name"]), ARG_KINDS.get(entry["args"][1]["name"])
            if la and lb and la in (want_b or ()) and lb in (want_a or ()):
                expected = self.kpi_call(name, b[1], a[1])
                self.compare(sheet, r, c, kpi, hand, expected, f"={name}({b[0]};{a[0]})", "a/b",
                             named=("inverted-ratio", f"{kpi} computed as {la} ÷ {lb}, upside down"))
                return
        expected = self.kpi_call(name, a[1], b[1])
        if scale == 100 and kpi != "CPM" and expected and expected[0] == "value" and \
                abs(expected[1] * 100 - hand) <= 1e-9 * max(1.0, abs(hand)):
            self.find("warning", "percent-scale", sheet, r, c,
                      f"{kpi} written ×100 ({fmt_num(hand)}): the KPI functions return a fraction "
                      f"({fmt_num(expected[1])}) to format as %, and sums or charts mixing both go wrong",
                      fix + " with the cell formatted as %", kpi=name)
            return
        if scale != 1.0 and not (kpi == "CPM" and scale == 1000):
            return
        self.compare(sheet, r, c, kpi, hand, expected, fix, "a/b")

    def hand_gain(self, sheet, r, c, kpi, hand, b):
        name = "KPI." + kpi
        # =(A-B)/B
        if b.kind == "bin" and b.op == "/":
            top, bottom = strip_parens(b.a), strip_parens(b.b)
            if top.kind == "bin" and top.op == "-" and self.same_ref(top.b, bottom):
                x, y = self.operand(sheet, top.a), self.operand(sheet, bottom)
                if x and y:
                    self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, x[1], y[1]),
                                 f"={name}({x[0]};{y[0]})", "(a−b)/b")
                return
            # =B/(A-B): investment ÷ profit
            if bottom.kind == "bin" and bottom.op == "-" and self.same_ref(bottom.b, top):
                x, y = self.operand(sheet, bottom.a), self.operand(sheet, top)
                if x and y:
                    self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, x[1], y[1]),
                                 f"={name}({x[0]};{y[0]})", "b/(a−b)",
                                 named=(f"{kpi.lower()}-inverted", f"{kpi} computed as investment ÷ profit"))
                return
            x, y = self.operand(sheet, top), self.operand(sheet, bottom)
            if not x or not y or kpi != "ROI":
                return
            lx, ly = self.label_kind(sheet, top), self.label_kind(sheet, bottom)
            if lx == "profit" and ly == "cost":      # profit ÷ investment: right
                ret = self.sum_values(x[1], y[1])
                self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, ret, y[1]),
                             f"={name}({x[0]}+{y[0]};{y[0]})", "profit/investment")
            elif lx == "cost" and ly == "profit":    # investment ÷ profit
                ret = self.sum_values(x[1], y[1])
                self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, ret, x[1]),
                             f"={name}({y[0]}+{x[0]};{x[0]})", "investment/profit",
                             named=("roi-inverted", "ROI computed as investment ÷ profit"))
            elif lx == "revenue" and ly == "cost":   # revenue ÷ investment is ROAS
                self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, x[1], y[1]),
                             f"={name}({x[0]};{y[0]}) (or =KPI.ROAS({x[0]};{y[0]}) if ROAS was meant)",
                             "revenue/investment",
                             named=("roi-is-roas", "ROI computed as revenue ÷ investment, which is ROAS (ROI + 1)"))
            elif lx == "cost" and ly == "revenue":
                self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, y[1], x[1]),
                             f"={name}({y[0]};{x[0]})", "investment/revenue",
                             named=("roi-inverted", "ROI computed as investment ÷ return"))
            return
        # =A/B-1
        if b.kind == "bin" and b.op == "-" and strip_parens(b.b).kind == "num" and strip_parens(b.b).value == 1:
            q_ = strip_parens(b.a)
            if q_.kind == "bin" and q_.op == "/":
                x, y = self.operand(sheet, q_.a), self.operand(sheet, q_.b)
                if x and y:
                    self.compare(sheet, r, c, kpi, hand, self.kpi_call(name, x[1], y[1]),
                                 f"={name}({x[0]};{y[0]})", "a/b−1")

    @staticmethod
    def sum_values(xs, ys):
        total = 0.0
        for res in list(xs) + list(ys):
            if res[0] == "error":
                return [res]
            if res[0] == "value":
                total += res[1]
        return [("value", total)]

    def same_ref(self, n1, n2):
        n1, n2 = strip_parens(n1), strip_parens(n2)
        return n1 is not None and n2 is not None and self.src[n1.start:n1.end].replace("$", "") == \
            self.src[n2.start:n2.end].replace("$", "")

    def average_of_ratios(self, sheet, r, c, kpi, hand, rng):
        """=AVERAGE(J4:J7) over cells that are each a ratio: the average of
        monthly ratios where the ratio of the sums was meant."""
        name = "KPI." + kpi
        nums, dens, num_cells, den_cells = [], [], [], []
        saved = self.src
        for s, rr, cc in self.cells(sheet, rng):
            f = s.formula(rr, cc)
            node = strip_parens(parse_formula(f)) if f else None
            if node is None:
                self.src = saved
                return
            self.src = f
            if node.kind == "call" and node.name == name and len(node.args) >= 2:
                a, b = node.args[0], node.args[1]
            elif node.kind == "bin" and node.op == "/":
                a, b = node.a, node.b
            else:
                self.src = saved
                return
            x, y = self.operand(s, a), self.operand(s, b)
            if not x or not y:
                self.src = saved
                return
            nums += x[1]
            dens += y[1]
            na, nb = strip_parens(a), strip_parens(b)
            num_cells.append(na if na.kind == "ref" else None)
            den_cells.append(nb if nb.kind == "ref" else None)
        self.src = saved
        expected = self.kpi_call(name, nums, dens)
        fix = f"={name}(numerators;denominators) over the whole period"
        if all(num_cells) and all(den_cells):
            fix = f"={name}({span(num_cells)};{span(den_cells)})"
        self.compare(sheet, r, c, kpi, hand, expected, fix, "average",
                     named=("average-of-ratios", f"average of {len(nums)} {kpi}s where a sum over a sum was meant"))

    # -- 4: domain checks on inputs -------------------------------------------
    def domain(self, sheet):
        by_row, by_col = {}, {}   # row -> {kind: (c, value)} from column headers; col -> ... from row labels
        date_cols = {}
        for r in range(sheet.rows):
            for c in range(sheet.cols):
                v = sheet.data[r][c]
                if not isinstance(v, float) or sheet.formula(r, c) or (r, c) in sheet.errors:
                    continue
                above, _ = sheet.label_above(r, c)
                left, _ = sheet.label_left(r, c)
                ka = input_kind(above) if above else None
                kl = input_kind(left) if left else None
                for k, label in ((ka, above), (kl, left)):
                    if k in COUNT_KINDS and v < 0:
                        self.find("error", "negative-input", sheet, r, c,
                                  f"negative {k} ({fmt_num(v)}) under '{label}': a count or amount cannot be negative",
                                  "enter the figure as a positive number (a refund or correction belongs elsewhere)",
                                  value=v)
                        break
                if ka:
                    by_row.setdefault(r, {}).setdefault(ka, (c, v))
                if kl:
                    by_col.setdefault(c, {}).setdefault(kl, (r, v))
                if above is not None:
                    if has_words(above, START_WORDS) or exact_words(above, START_ONLY):
                        date_cols.setdefault(("start", r), (c, v))
                    elif has_words(above, END_WORDS) or exact_words(above, END_ONLY):
                        date_cols.setdefault(("end", r), (c, v))
        for r, kinds in by_row.items():
            self.part_of(sheet, kinds, lambda pos: (r, pos))
        for c, kinds in by_col.items():
            self.part_of(sheet, kinds, lambda pos: (pos, c))
        for (which, r), (c, v) in date_cols.items():
            if which == "end" and ("start", r) in date_cols:
                sc, sv = date_cols[("start", r)]
                if v < sv:
                    self.find("error", "dates-out-of-order", sheet, r, c,
                              f"end date {addr(r, c)} is before start date {addr(r, sc)}",
                              "swap or correct the dates", start=sv, end=v)
        self.date_series(sheet)

    def part_of(self, sheet, kinds, where):
        for part, whole in PART_OF:
            if part in kinds and whole in kinds:
                (pp, pv), (wp, wv) = kinds[part], kinds[whole]
                if pv > wv:
                    r, c = where(pp)
                    wr, wc = where(wp)
                    self.find("error", "count-above-total", sheet, r, c,
                              f"{part} ({fmt_num(pv)}) above {whole} ({fmt_num(wv)} in {addr(wr, wc)})",
                              f"check both figures: {part} cannot exceed {whole}", part=pv, whole=wv)

    def date_series(self, sheet):
        """A 'Date' or 'Month' column whose dates are sorted but for one or
        two breaks: a row was pasted in the wrong place."""
        for c in range(sheet.cols):
            for r in range(sheet.rows):
                if not (sheet.is_text(r, c) and exact_words(sheet.data[r][c], DATE_SERIES_WORDS)):
                    continue
                vals = []
                rr = r + 1
                while rr < sheet.rows and isinstance(sheet.data[rr][c], float) and not sheet.formula(rr, c) \
                        and (rr, c) not in sheet.errors:
                    vals.append((rr, sheet.data[rr][c]))
                    rr += 1
                if len(vals) < 3 or not self.is_date(sheet, vals[0][0], c):
                    continue
                xs = [v for _r, v in vals]
                asc = all(a <= b for a, b in zip(xs, xs[1:]))
                desc = all(a >= b for a, b in zip(xs, xs[1:]))
                if asc or desc:
                    continue
                up = sum(1 for a, b in zip(xs, xs[1:]) if b > a) >= len(xs) / 2
                # A misplaced row breaks a sorted series once or twice; many
                # breaks mean the rows are sorted by something else (a
                # transaction log sorted by customer): not a finding.
                breaks = sum(1 for a, b in zip(xs, xs[1:]) if ((b < a) if up else (b > a)))
                if breaks > 2:
                    continue
                for (r1, a), (r2, b) in zip(vals, vals[1:]):
                    if (b < a) if up else (b > a):
                        self.find("warning", "dates-out-of-order", sheet, r2, c,
                                  f"date in {addr(r2, c)} comes {'before' if up else 'after'} the one above it in "
                                  f"a {'rising' if up else 'falling'} series under '{sheet.data[r][c]}'",
                                  "sort the rows by date, or correct the date")
                        break

    is_date = staticmethod(lambda sheet, r, c: True)


def span(nodes):
    """The smallest reference covering single-cell references in one column or row."""
    r1 = min(n.r1 for n in nodes)
    r2 = max(n.r2 for n in nodes)
    c1 = min(n.c1 for n in nodes)
    c2 = max(n.c2 for n in nodes)
    sheet = nodes[0].sheet
    prefix = f"${sheet}." if sheet else ""
    return f"{prefix}{addr(r1, c1)}:{addr(r2, c2)}"


def _cell_key(a):
    m = re.match(r"([A-Z]+)(\d+)", a)
    return (int(m.group(2)), col_index(m.group(1))) if m else (0, 0)


ERROR_WHY = {
    "#DIV/0!": "the denominator is 0 or blank",
    "#NUM!": "an input is negative, or a part exceeds its whole",
    "#VALUE!": "an input is text",
    "Err:504": "an argument is missing, or a range contains an error cell",
    "#NAME?": "the extension is not installed or the name is misspelt",
}

# Which input kinds match a catalogue argument name (for upside-down ratios).
ARG_KINDS = {
    "cost": ("cost",), "ad_spend": ("cost",), "leads": ("leads",), "acquisitions": ("conversions", "customers"),
    "new_customers": ("customers",), "clicks": ("clicks",), "impressions": ("impressions",),
    "conversions": ("conversions",), "visitors": ("visitors",), "opens": ("opens",), "delivered": ("delivered",),
    "unsubscribes": ("unsubscribes",), "bounces": ("bounces",), "sent": ("sent",), "sqls": ("sqls",),
    "mqls": ("mqls",), "revenue": ("revenue",), "orders": ("orders",),
}
