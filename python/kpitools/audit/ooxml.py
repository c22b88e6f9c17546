"""OOXML (.xlsx): the stored values of the formula cells, the shared strings,
the workbook's sheets and relationships."""
import re

from kpitools.audit.xmlpass import ReadError, number

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
S_SI, S_T, S_C, S_F, S_V = (SML + " " + x for x in ("si", "t", "c", "f", "v"))


def _cell_ref(ref):
    m = re.match(r"([A-Z]{1,3})([0-9]{1,7})$", ref or "")
    if not m:
        return None
    c = 0
    for ch in m.group(1):
        c = c * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, c - 1


class SharedStrings:
    """xl/sharedStrings.xml: at most max_cells strings (each string stands
    for at least one cell), each kept to 10,000 characters."""

    def __init__(self, budget):
        self.budget = budget
        self.items = []
        self.cur = None
        self.n = 0

    def start(self, key, a):
        if key == S_SI:
            self.n += 1
            if self.n > self.budget.max_cells:
                self.budget.add_cells(self.n, "the shared strings")
            if not self.n & 0xFFF:
                self.budget.tick()
            self.cur = []
        elif key == S_T and self.cur is not None:
            self.cur.append("")

    def text(self, data):
        if self.cur and sum(map(len, self.cur)) < 10_000:
            self.cur[-1] += data

    def end(self, key):
        if key == S_SI and self.cur is not None:
            self.items.append("".join(self.cur))
            self.cur = None


class XlsxSheet:
    """One worksheet: the stored result of every formula cell and of the
    other cells of each array formula's area."""

    def __init__(self, budget, name, out, areas):
        self.budget, self.name, self.out, self.areas = budget, name, out, areas
        self.pos = None   # (row, col) of the <c> being read
        self.t = None     # its type
        self.f = None     # the attributes of its <f>, or None
        self.v = None     # the text of its <v>, or None
        self.in_v = False
        self.n = 0

    def start(self, key, a):
        if key == S_C:
            self.pos = _cell_ref(a.get("r"))
            self.t, self.f, self.v = a.get("t", "n"), None, None
            self.n += 1
            if not self.n & 0xFFF:
                self.budget.tick()
        elif key == S_F and self.pos is not None:
            self.f = a
        elif key == S_V and self.pos is not None:
            self.v, self.in_v = "", True

    def text(self, data):
        if self.in_v and len(self.v) < 10_000:
            self.v += data

    def end(self, key):
        if key == S_V:
            self.in_v = False
        elif key == S_C:
            pos, f, self.pos = self.pos, self.f, None
            if pos is None:
                return
            if f is not None and f.get("t") == "array" and f.get("ref"):
                m = re.match(r"([A-Z]+[0-9]+):([A-Z]+[0-9]+)$", f.get("ref"))
                a, b = (_cell_ref(m.group(1)), _cell_ref(m.group(2))) if m else (None, None)
                if a and b and b[0] >= a[0] and b[1] >= a[1]:
                    self.areas.add(self.name, a[0], a[1], b[0] - a[0] + 1, b[1] - a[1] + 1)
            if f is not None or self.areas.inside(self.name, *pos):
                self.budget.add_cells(1, "the formula cells")
                self.out[(self.name, pos[0], pos[1])] = self.value(self.t, self.v)

    def value(self, t, v):
        if v is None:
            return None
        if t == "e":
            return ("error", v)
        if t in ("str", "inlineStr"):
            return ("text", v)
        if t == "s":
            try:
                return ("sst", int(v))   # resolved once the shared strings are read
            except ValueError:
                return ("invalid", f"shared string #{v[:20]}, which the file does not have")
        return number(v)


class _Collect:
    """Keeps the elements a small reader asks for (workbook.xml, .rels)."""

    def __init__(self, key, budget, limit=100_000):
        self.key, self.items, self.budget, self.limit = key, [], budget, limit

    def start(self, key, a):
        if key == self.key:
            if len(self.items) >= self.limit:
                raise ReadError("limit", f"more than {self.limit:,} <{key.split()[-1]}> elements: not audited")
            self.items.append(a)

    def end(self, key):
        pass

    def text(self, data):
        pass


HYPERLINK = OFFICE_RELS + "/hyperlink"


def _external_rel(key, a):
    """A relationship to outside the package, but a hyperlink's (followed
    only when clicked: see xmlpass.NAVIGATION)."""
    return key == RELS + " Relationship" and (a.get("TargetMode") or "").lower() == "external" and \
        a.get("Type") != HYPERLINK


