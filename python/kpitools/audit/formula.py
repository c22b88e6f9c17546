"""Calc formulas as getFormula() shows them, parsed into a small tree."""
import re

from kpitools.sheet.addresses import col_index

# A small parser for Calc formulas as getFormula() shows them (English
# function names, ';' between arguments). Enough for the patterns the audit
# recognises; anything else is left alone (no finding), never guessed.
# ---------------------------------------------------------------------------
_SHEET = r"(?:\$?(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)\.)"
_REF = re.compile(r"(?P<s1>" + _SHEET + r")?\$?(?P<c1>[A-Za-z]{1,3})\$?(?P<r1>\d+)"
                  r"(?::(?P<s2>" + _SHEET + r")?\$?(?P<c2>[A-Za-z]{1,3})\$?(?P<r2>\d+))?(?![\w(])")
_NUM = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_FUNC = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*(?=\()")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


class Node:
    def __init__(self, kind, start, end, **kw):
        self.kind, self.start, self.end = kind, start, end
        self.__dict__.update(kw)


# Deeper formulas are not judged (inventoried only): the parser and the
# rules recurse once per level, and kpi-audit raises Python's recursion limit
# to leave room for these depths (Calc itself gives Err:514 from 100 nested
# parentheses on).
MAX_NESTING = 200   # parentheses, calls and signs inside one another
MAX_DEPTH = 400     # levels of the parsed tree (a chain A1+A2+... is as deep as it is long)


class Parser:
    def __init__(self, text):
        self.t = text
        self.i = 0
        self.nesting = 0

    def nest(self, step):
        self.nesting += step
        if self.nesting > MAX_NESTING:
            raise ValueError("nested too deeply")

    def ws(self):
        while self.i < len(self.t) and self.t[self.i] in " \t\n":
            self.i += 1

    def peek(self, *ops):
        self.ws()
        for op in ops:
            if self.t.startswith(op, self.i):
                return op
        return None

    def parse(self):
        if not self.t.startswith("="):
            raise ValueError("not a formula")
        self.i = 1
        n = self.expr()
        self.ws()
        if self.i != len(self.t):
            raise ValueError("trailing text")
        return n

    def expr(self):
        return self.binary(0)

    LEVELS = [("<>", "<=", ">=", "=", "<", ">"), ("&",), ("+", "-"), ("*", "/"), ("^",)]

    def binary(self, level):
        if level == len(self.LEVELS):
            return self.unary()
        start = self.i
        left = self.binary(level + 1)
        while True:
            op = self.peek(*self.LEVELS[level])
            if not op:
                return left
            self.i += len(op)
            right = self.binary(level + 1)
            left = Node("bin", start, self.i, op=op, a=left, b=right)

    def unary(self):
        op = self.peek("-", "+")
        if op:
            start = self.i
            self.i += 1
            self.nest(1)
            inner = self.unary()
            self.nest(-1)
            return Node("neg" if op == "-" else "pos", start, self.i, a=inner)
        n = self.primary()
        if self.peek("%"):
            self.i += 1
            n = Node("pct", n.start, self.i, a=n)
        return n

    def primary(self):
        self.ws()
        t, i = self.t, self.i
        if i >= len(t):
            raise ValueError("unexpected end")
        if t[i] == "(":
            self.i += 1
            self.nest(1)
            n = self.expr()
            self.nest(-1)
            if not self.peek(")"):
                raise ValueError("missing )")
            self.i += 1
            return Node("paren", i, self.i, a=n)
        if t[i] == '"':
            j = i + 1
            while True:
                j = t.index('"', j)
                if t.startswith('""', j):
                    j += 2
                    continue
                break
            self.i = j + 1
            return Node("str", i, self.i, value=t[i + 1:j].replace('""', '"'))
        if t[i] == "{":
            j = t.index("}", i)
            self.i = j + 1
            return Node("other", i, self.i)
        m = _FUNC.match(t, i)
        if m:
            name = m.group(0).upper()
            self.i = m.end() + 1
            self.nest(1)
            args = []
            if not self.peek(")"):
                while True:
                    if self.peek(";", ")"):
                        args.append(Node("missing", self.i, self.i))
                    else:
                        args.append(self.expr())
                    if self.peek(";"):
                        self.i += 1
                        continue
                    break
            if not self.peek(")"):
                raise ValueError("missing ) after arguments")
            self.i += 1
            self.nest(-1)
            return Node("call", i, self.i, name=name, args=args)
        m = _REF.match(t, i)
        if m:
            self.i = m.end()
            return _ref(m, i)
        m = _NUM.match(t, i)
        if m:
            self.i = m.end()
            return Node("num", i, self.i, value=float(m.group(0)))
        m = _IDENT.match(t, i)
        if m:
            self.i = m.end()
            return Node("other", i, self.i)
        raise ValueError(f"unexpected {t[i]!r}")


def _ref(m, i):
    sheet = m.group("s1")
    if sheet:
        sheet = sheet.rstrip(".").lstrip("$")
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    r1, c1 = int(m.group("r1")) - 1, col_index(m.group("c1"))
    r2, c2 = (int(m.group("r2")) - 1, col_index(m.group("c2"))) if m.group("c2") else (r1, c1)
    # Where its row numbers are, for _copy (None: digits elsewhere, in a sheet name).
    rows = None if _DIGIT.search(m.group("s1") or "") or _DIGIT.search(m.group("s2") or "") else \
        (m.span("r1"), m.span("r2") if m.group("c2") else m.span("r1"))
    return Node("ref", i, m.end(), sheet=sheet, r1=min(r1, r2), c1=min(c1, c2), r2=max(r1, r2), c2=max(c1, c2),
                rows=rows)


# A column of formulas copied down differs only in its digits (=B2/C2,
# =B3/C3...), and digits never change how a formula parses, only the
# numbers in it: formulas equal but for their digits (same length each)
# share one parse, copied with the numbers read again. Bounded.
_DIGIT = re.compile(r"[0-9]")
_SHAPES = {}
MAX_SHAPES = 10_000


def parse_formula(text):
    shape = _DIGIT.sub("0", text)
    template = _SHAPES.get(shape, False)
    if template is False:
        try:
            template = Parser(text).parse()
        except (ValueError, IndexError):
            template = None
        if template is not None and depth(template) > MAX_DEPTH:
            template = None
        if len(_SHAPES) >= MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[shape] = template
    return None if template is None else _copy(template, text)


def _copy(n, text):
    """Node n of a formula of the same shape, for text: the same tree, its
    references, numbers and strings read from text."""
    k = n.kind
    if k == "ref":
        if n.rows is None:
            return _ref(_REF.match(text, n.start), n.start)
        (a, b), (c, d) = n.rows
        r1, r2 = int(text[a:b]) - 1, int(text[c:d]) - 1
        copy = Node.__new__(Node)
        copy.__dict__ = dict(n.__dict__, r1=min(r1, r2), r2=max(r1, r2))
        return copy
    if k == "num":
        return Node("num", n.start, n.end, value=float(text[n.start:n.end]))
    if k == "str":
        return Node("str", n.start, n.end, value=text[n.start + 1:n.end - 1].replace('""', '"'))
    attrs = n.__dict__.copy()
    if "a" in attrs:
        attrs["a"] = _copy(attrs["a"], text)
    if "b" in attrs:
        attrs["b"] = _copy(attrs["b"], text)
    if "args" in attrs:
        attrs["args"] = [_copy(x, text) for x in attrs["args"]]
    if k == "call":
        attrs["name"] = _FUNC.match(text, n.start).group(0).upper()
    copy = Node.__new__(Node)
    copy.__dict__ = attrs
    return copy


def strip_parens(n):
    while n is not None and n.kind == "paren":
        n = n.a
    return n


def children(n):
    return [getattr(n, k) for k in ("a", "b") if hasattr(n, k)] + list(getattr(n, "args", []))


def walk(n):
    """Every node, depth first, without recursion."""
    todo = [n]
    while todo:
        n = todo.pop()
        yield n
        todo.extend(reversed(children(n)))


def depth(n):
    best, todo = 0, [(n, 1)]
    while todo:
        n, d = todo.pop()
        best = max(best, d)
        todo.extend((c, d + 1) for c in children(n))
    return best
