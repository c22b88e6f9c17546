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


class Parser:
    def __init__(self, text):
        self.t = text
        self.i = 0

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
            inner = self.unary()
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
            n = self.expr()
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
            return Node("call", i, self.i, name=name, args=args)
        m = _REF.match(t, i)
        if m:
            self.i = m.end()
            sheet = m.group("s1")
            if sheet:
                sheet = sheet.rstrip(".").lstrip("$")
                if sheet.startswith("'"):
                    sheet = sheet[1:-1].replace("''", "'")
            r1, c1 = int(m.group("r1")) - 1, col_index(m.group("c1"))
            r2, c2 = (int(m.group("r2")) - 1, col_index(m.group("c2"))) if m.group("c2") else (r1, c1)
            return Node("ref", i, self.i, sheet=sheet, r1=min(r1, r2), c1=min(c1, c2), r2=max(r1, r2),
                        c2=max(c1, c2))
        m = _NUM.match(t, i)
        if m:
            self.i = m.end()
            return Node("num", i, self.i, value=float(m.group(0)))
        m = _IDENT.match(t, i)
        if m:
            self.i = m.end()
            return Node("other", i, self.i)
        raise ValueError(f"unexpected {t[i]!r}")


def parse_formula(text):
    try:
        return Parser(text).parse()
    except (ValueError, IndexError):
        return None


def strip_parens(n):
    while n is not None and n.kind == "paren":
        n = n.a
    return n


def walk(n):
    yield n
    for child in ("a", "b"):
        if hasattr(n, child):
            yield from walk(getattr(n, child))
    for arg in getattr(n, "args", []):
        yield from walk(arg)
