"""The one pass kpi-audit makes over a workbook before LibreOffice sees it.

prepare(path, kind, copy, budget) streams the file once and
  - writes the copy LibreOffice will load, with every link to the outside
    removed (xlink:href to a URL or a path outside the package in ODF,
    relationships with TargetMode="External" in OOXML): LibreOffice fetches
    linked images and linked OLE objects on load whatever UpdateDocMode says,
    so the copy must not have them;
  - returns the values stored in the formula cells, read before any
    recalculation ({(sheet, row, col): stored}, see odf_value/xlsx_value).
Everything is bounded by the Budget: bytes unpacked in total (counted as they
come out of the decompressor, not as the ZIP headers claim), cells (formula
cells, the areas array formulas claim, shared strings) and the file's
deadline. XML is parsed with expat, streaming, and refused if it declares
entities (a DOCTYPE with an internal subset: billion laughs, XXE).
"""
import math
import os
import re
import shutil
import time
import zipfile
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

CHUNK = 1 << 16
XLINK = "http://www.w3.org/1999/xlink"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ARRAY_ROWS_CAP = 1_048_576
# Element and attribute keys as expat gives them: "namespace-uri local-name".
T_TABLE, T_ROW, T_NAME = TABLE + " table", TABLE + " table-row", TABLE + " name"
T_CELLS = (TABLE + " table-cell", TABLE + " covered-table-cell")
T_ROWS_REPEATED, T_COLS_REPEATED = TABLE + " number-rows-repeated", TABLE + " number-columns-repeated"
T_MATRIX_ROWS, T_MATRIX_COLS = TABLE + " number-matrix-rows-spanned", TABLE + " number-matrix-columns-spanned"
T_FORMULA, O_VALUE_TYPE = TABLE + " formula", OFFICE + " value-type"
S_SI, S_T, S_C, S_F, S_V = (SML + " " + x for x in ("si", "t", "c", "f", "v"))


class ReadError(Exception):
    """kind: "limit" (too large), "timeout" or "damaged"; the message is shown as is."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


class Budget:
    def __init__(self, max_bytes, max_cells, deadline):
        self.max_bytes, self.max_cells, self.deadline = max_bytes, max_cells, deadline
        self.bytes = 0
        self.cells = 0
        self.cancelled = False  # set by another thread: the reading stops at its next tick

    def tick(self):
        if self.cancelled:
            raise ReadError("cancelled", "reading cancelled")
        if time.monotonic() > self.deadline:
            raise ReadError("timeout", "timed out while reading the file")

    def add_bytes(self, n):
        self.bytes += n
        if self.bytes > self.max_bytes:
            raise ReadError("limit", f"the workbook unpacks to more than {self.max_bytes / 1024 ** 2:,.0f} MB in "
                            "total, above the limit (raise it with --max-bytes): not audited")

    def add_cells(self, n, what):
        self.cells += n
        if self.cells > self.max_cells:
            raise ReadError("limit", f"{what} exceed the {self.max_cells:,}-cell limit "
                            "(raise it with --max-cells): not audited")


def _external(href):
    """A link leaving the package: a URL, an absolute path, or ../ out of it."""
    h = href.strip().replace("\\", "/")
    return bool(re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", h)) or h.startswith("/") or h.startswith("../") or \
        "/../" in h or h == ".."


class XmlPass:
    """Streams one XML document through expat. With `out` (a binary file) it
    re-serialises the document minus the elements drop(key, attrs) rejects and
    minus external xlink:href attributes; `reader` gets start(key, attrs),
    end(key) and text(data), where key and attribute names are
    "namespace-uri local-name" (or the bare local name)."""

    def __init__(self, out, budget, reader=None, drop=None):
        self.out, self.budget, self.reader, self.drop = out, budget, reader, drop
        self.buf = []
        self.pending = []   # namespace declarations for the next start tag
        self.skip = 0       # depth inside a dropped element
        p = expat.ParserCreate(namespace_separator=" ")
        p.buffer_text = True
        p.buffer_size = CHUNK
        if out is None:
            # Reading only: the reader's own methods are the handlers (fast).
            if reader:
                p.StartElementHandler, p.EndElementHandler = reader.start, reader.end
                if hasattr(reader, "parser"):
                    reader.parser = p   # it turns its text handler on where it needs the text
                else:
                    p.CharacterDataHandler = reader.text
        else:
            p.namespace_prefixes = True
            p.StartElementHandler = self._start
            p.EndElementHandler = self._end
            p.CharacterDataHandler = self._text
            p.StartNamespaceDeclHandler = lambda prefix, uri: self.pending.append((prefix, uri))
            self.buf.append('<?xml version="1.0" encoding="UTF-8"?>\n')
        p.EntityDeclHandler = self._refuse
        p.ExternalEntityRefHandler = lambda *a: 0
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.p = p

    @staticmethod
    def _refuse(*args):
        raise ReadError("damaged", "the XML declares entities (a DOCTYPE): refused")

    @staticmethod
    def _key(name):
        # "uri local prefix" -> "uri local"
        return name.rsplit(" ", 1)[0] if name.count(" ") == 2 else name

    def _start(self, name, attrs):
        decls, self.pending = self.pending, []
        key = self._key(name)
        plain = {self._key(k): v for k, v in attrs.items()} if (self.reader or self.drop) else None
        if self.skip or (self.drop and self.drop(key, plain)):
            self.skip += 1
            return
        if self.reader:
            self.reader.start(key, plain)
        parts = [_qname(name)]
        for prefix, uri in decls:
            parts.append(f"xmlns:{prefix}={quoteattr(uri)}" if prefix else f"xmlns={quoteattr(uri or '')}")
        for k, v in attrs.items():
            if k.startswith(XLINK_HREF) and _external(v):
                continue
            parts.append(f"{_qname(k)}={quoteattr(v)}")
        self.buf.append("<" + " ".join(parts) + ">")

    def _end(self, name):
        if self.skip:
            self.skip -= 1
            return
        if self.reader:
            self.reader.end(self._key(name))
        self.buf.append(f"</{_qname(name)}>")

    def _text(self, data):
        if self.skip:
            return
        if self.reader:
            self.reader.text(data)
        self.buf.append(escape(data))

    def feed(self, data, final=False):
        self.budget.tick()
        try:
            self.p.Parse(data, final)
        except expat.ExpatError as e:
            raise ReadError("damaged", f"malformed XML inside the workbook: {e}")
        if self.out is not None and (final or len(self.buf) > 4096):
            self.out.write("".join(self.buf).encode("utf-8", "surrogatepass"))
            self.buf = []

    def run(self, src, count=True):
        """src: a binary file object; every chunk counts towards the byte budget."""
        while True:
            data = src.read(CHUNK)
            if count:
                self.budget.add_bytes(len(data))
            if not data:
                break
            self.feed(data)
        self.feed(b"", True)


XLINK_HREF = XLINK + " href"


def _qname(name):
    """expat's "uri local prefix" / "uri local" / "local" -> the name as written."""
    parts = name.split(" ")
    if len(parts) == 3:
        return f"{parts[2]}:{parts[1]}"
    return parts[-1]


# ---------------------------------------------------------------------------
# Stored values
# ---------------------------------------------------------------------------
def _number(text):
    """('value', x), or ('invalid', why) for what Calc never writes."""
    try:
        x = float(text)
    except (TypeError, ValueError):
        return ("invalid", f"'{str(text)[:40]}' (not a number)")
    if not math.isfinite(x):
        return ("invalid", f"{str(text)[:40]} (not a finite number)")
    return ("value", x)


class Areas:
    """The cells array formulas cover, as column intervals per row: memory in
    rows, not cells; the areas' cells count towards the budget."""

    def __init__(self, budget):
        self.budget = budget
        self.rows = {}

    def add(self, sheet, row, col, rows, cols):
        if rows * cols <= 1:
            return
        self.budget.add_cells(rows * cols, "the areas array formulas claim")
        for r in range(row, min(row + rows, ARRAY_ROWS_CAP)):
            self.rows.setdefault((sheet, r), []).append((col, col + cols))

    def inside(self, sheet, row, col):
        return any(c1 <= col < c2 for c1, c2 in self.rows.get((sheet, row), ()))


class OdfReader:
    """content.xml (or a flat .fods): the stored result of every formula cell
    and of every other cell of an array formula's area; `links` tells
    whether the document has an external xlink:href (then the copy must be
    rewritten without them, else it can be the same bytes)."""

    def __init__(self, budget):
        self.budget = budget
        self.out = {}
        self.areas = Areas(budget)
        self.depth = 0
        self.sheet, self.row, self.col = None, 0, 0
        self.cell = None    # (attrs, [text] or None when its text is not needed) of the cell being read
        self.links = False
        self.parser = None  # when reading only (XmlPass): the text handler is on only inside the cells read

    # The deadline is checked by XmlPass.feed, at every chunk of 64 KB.
    def start(self, key, a):
        if XLINK_HREF in a and _external(a[XLINK_HREF]):
            self.links = True
        if key in T_CELLS:
            if self.depth == 1:
                # Only formula cells and the cells of array areas are kept
                # (with their text); the others are counted and passed.
                if T_FORMULA in a or (self.areas.rows and self.areas.inside(self.sheet, self.row, self.col)):
                    self.cell = (a, [])
                    if self.parser is not None:
                        self.parser.CharacterDataHandler = self.text
                else:
                    self.cell = (a, None)
        elif key == T_TABLE:
            self.depth += 1
            if self.depth == 1:
                self.sheet, self.row = a.get(T_NAME), 0
        elif self.depth == 1 and key == T_ROW:
            self.col = 0
            self.row_repeat = _count(a.get(T_ROWS_REPEATED))

    def text(self, data):
        if self.cell is not None and self.cell[1] is not None and sum(map(len, self.cell[1])) < 1000:
            self.cell[1].append(data)

    def end(self, key):
        if key in T_CELLS:
            if self.depth != 1 or self.cell is None:
                return
            a, text = self.cell
            self.cell = None
            repeat = a.get(T_COLS_REPEATED)
            repeat = 1 if repeat is None else _count(repeat)
            if text is None:
                self.col += repeat
                return
            if self.parser is not None:
                self.parser.CharacterDataHandler = None
            if a.get(T_FORMULA) is not None:
                stored = odf_value(a, "".join(text))
                self.budget.add_cells(repeat, "the formula cells")
                for i in range(min(repeat, 1024)):
                    self.out[(self.sheet, self.row, self.col + i)] = stored
                # An array formula is written once, in its first cell; the
                # other cells of its area hold only their stored values.
                self.areas.add(self.sheet, self.row, self.col,
                               _count(a.get(T_MATRIX_ROWS)), _count(a.get(T_MATRIX_COLS)))
            else:
                self.out[(self.sheet, self.row, self.col)] = odf_value(a, "".join(text))
            self.col += repeat
        elif key == T_TABLE:
            self.depth -= 1
        elif self.depth == 1 and key == T_ROW:
            self.row += self.row_repeat


def _count(text):
    try:
        n = int(text) if text is not None else 1
    except ValueError:
        raise ReadError("damaged", f"damaged workbook: a repeat or span of '{text[:20]}'")
    if n < 1 or n > 1 << 24:
        raise ReadError("damaged", f"damaged workbook: a repeat or span of {n}")
    return n


def odf_value(a, text):
    """A stored result: ('value', x), ('error', '#DIV/0!'), ('text', s),
    ('date', iso), ('invalid', why) or None (no value stored)."""
    vtype = a.get(O_VALUE_TYPE)
    if a.get(CALCEXT + " value-type") == "error":
        return ("error", text.strip())
    if vtype in ("float", "percentage", "currency"):
        v = a.get(OFFICE + " value")
        return None if v is None else _number(v)
    if vtype == "boolean":
        return ("value", 1.0 if a.get(OFFICE + " boolean-value") == "true" else 0.0)
    if vtype == "string":
        s = a.get(OFFICE + " string-value")
        return ("text", s if s is not None else text)
    if vtype in ("date", "time"):
        return ("date", a.get(OFFICE + " date-value") or a.get(OFFICE + " time-value"))
    return None


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
        return _number(v)


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


def _external_rel(key, a):
    return key == RELS + " Relationship" and (a.get("TargetMode") or "").lower() == "external"


# ---------------------------------------------------------------------------
# The pass
# ---------------------------------------------------------------------------
# A content.xml (or a .fods) this large whose bytes show nothing to remove
# (plain_xml) is copied as is at once, and its stored values are read after
# (prepare's `later`), while LibreOffice loads the copy: reading a million
# cells in Python takes as long as LibreOffice takes to load them. Smaller
# files are read in full before LibreOffice sees them.
LATER_BYTES = 16 << 20
_UNSAFE_BYTES = re.compile(rb"href|<!DOCTYPE|<!ENTITY")
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)")


def plain_xml(src, budget, count=True):
    """True when an XML stream shows, byte for byte, nothing the rewriting
    pass would remove and nothing expat would refuse: UTF-8 or ASCII (no
    other encoding declared, no NUL of UTF-16), no "href" anywhere (no link
    of any kind), no DOCTYPE nor entity declaration. The bytes are counted."""
    tail, first = b"", True
    while True:
        data = src.read(CHUNK)
        if count:
            budget.add_bytes(len(data))
        budget.tick()
        if not data:
            return True
        if first:
            first = False
            head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            m = _ENCODING.match(head)
            if not head.startswith(b"<") or b"\x00" in head[:64] or \
                    (m and m.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii")):
                return False
        if _UNSAFE_BYTES.search(tail + data):
            return False
        tail = data[-12:]


def prepare(path, kind, copy, budget, later=False):
    """Writes the link-free copy and returns the stored values; raises
    ReadError. later: a large ODF file whose bytes show nothing to remove
    is copied as is, and a function is returned instead, which reads its
    stored values (in a thread, while LibreOffice loads the copy)."""
    try:
        if kind == ".fods":
            if later and os.path.getsize(path) >= LATER_BYTES:
                with open(path, "rb") as src:
                    plain = plain_xml(src, budget)
                if plain:
                    shutil.copyfile(path, copy)
                    return lambda: _guarded(_read_fods, path, budget)
            return _read_fods(path, budget, copy)
        # Level 1: the copy is read once, by LibreOffice, and removed.
        with zipfile.ZipFile(path) as z, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            if kind == ".ods":
                return _ods(z, dst, budget, path if later else None)
            return _xlsx(z, dst, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as e:
        raise ReadError("damaged", f"damaged ZIP package: {e}")
    except (OSError, RuntimeError) as e:  # RuntimeError: zipfile on an encrypted member
        raise ReadError("damaged", f"damaged workbook: {e}")


def _guarded(read, *args):
    try:
        return read(*args)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as e:
        raise ReadError("damaged", f"damaged ZIP package: {e}")
    except (OSError, RuntimeError) as e:
        raise ReadError("damaged", f"damaged workbook: {e}")


def _read_fods(path, budget, copy=None):
    """The stored values of a .fods; with copy, also writes the copy (the
    same bytes, or rewritten without its links)."""
    reader = OdfReader(budget)
    with open(path, "rb") as src:
        XmlPass(None, budget, reader).run(src, count=copy is not None)
    if copy is None:
        return reader.out
    if reader.links:
        with open(path, "rb") as src, open(copy, "wb") as out:
            XmlPass(out, budget).run(src, count=False)
    else:
        # Nothing to remove: the copy is the very bytes just read.
        shutil.copyfile(path, copy)
    return reader.out


def _copy_member(z, dst, info, budget, reader=None, rewrite=False, drop=None, count=True):
    """Copies one member, streaming, bytes counted (unless count is False:
    the member was read and counted already). rewrite: through XmlPass
    (links removed, `drop` applied); else copied as is, and parsed by
    `reader` on the way if one is given."""
    ctype = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
    out_info = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out_info.compress_type = ctype
    with z.open(info) as src, dst.open(out_info, "w", force_zip64=True) as out:
        if rewrite:
            XmlPass(out, budget, reader, drop).run(src, count)
            return
        parser = XmlPass(None, budget, reader) if reader else None
        while True:
            data = src.read(CHUNK)
            if count:
                budget.add_bytes(len(data))
            budget.tick()
            if parser:
                parser.feed(data, not data)
            if not data:
                break
            out.write(data)


def _ods(z, dst, budget, later_path=None):
    reader = OdfReader(budget)
    names = [i.filename for i in z.infolist()]
    order = sorted(z.infolist(), key=lambda i: i.filename != "mimetype")  # mimetype first, as ODF asks
    later = None
    for info in order:
        if info.filename == "content.xml":
            counted = False
            if later_path and info.file_size >= LATER_BYTES and names.count("content.xml") == 1:
                with z.open(info) as src:
                    plain = plain_xml(src, budget)
                counted = True
                if plain:
                    _copy_member(z, dst, info, budget, count=False)
                    later = info
                    continue
            # Read first (the stored values, and whether it links outside),
            # then copied as is, or rewritten only if it does link outside:
            # re-serialising a million cells in Python is the slow part.
            with z.open(info) as src:
                XmlPass(None, budget, reader).run(src, count=not counted)
            _copy_member(z, dst, info, budget, rewrite=reader.links, count=False)
        else:
            # Links can hide in any XML member (styles' background images...).
            _copy_member(z, dst, info, budget, rewrite=info.filename.endswith(".xml"))
    if "content.xml" not in names:
        raise ReadError("damaged", "not an OpenDocument package (no content.xml)")
    if later is None:
        return reader.out

    def rest():
        with zipfile.ZipFile(later_path) as z2, z2.open(later.filename) as src:
            XmlPass(None, budget, reader).run(src, count=False)
        return reader.out
    return lambda: _guarded(rest)


def _xlsx(z, dst, budget):
    """One pass in the package's order: links dropped from the .rels, the
    workbook, its relationships, the shared strings and the worksheets read
    on the way; sheet names and shared strings resolved at the end."""
    workbook = _Collect(SML + " sheet", budget)
    rels = _Collect(RELS + " Relationship", budget)
    shared = SharedStrings(budget)
    per_member = {}
    for info in z.infolist():
        name = info.filename
        reader = None
        if name == "xl/workbook.xml":
            reader = workbook
        elif name == "xl/_rels/workbook.xml.rels":
            reader = rels
        elif name == "xl/sharedStrings.xml":
            reader = shared
        elif re.match(r"xl/worksheets/[^/]+\.xml$", name):
            per_member[name] = {}
            reader = XlsxSheet(budget, name, per_member[name], Areas(budget))
        _copy_member(z, dst, info, budget, reader, rewrite=name.endswith(".rels"),
                     drop=_external_rel if name.endswith(".rels") else None)
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.items}
    out = {}
    for sh in workbook.items:
        target = targets.get(sh.get(OFFICE_RELS + " id"), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        sheet = sh.get("name")
        for (_m, r, c), v in per_member.get(target, {}).items():
            if v is not None and v[0] == "sst":
                i = v[1]
                v = ("text", shared.items[i]) if 0 <= i < len(shared.items) else \
                    ("invalid", f"shared string #{i}, which the file does not have")
            out[(sheet, r, c)] = v
    return out
