"""One streamed, bounded pass over an XML document (audit/package.py): the
budget every reading draws on (bytes unpacked, cells, the deadline), expat
refusing entity declarations, and the rewriting that drops external links."""
import math
import re
import time
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

CHUNK = 1 << 16
XLINK = "http://www.w3.org/1999/xlink"
ARRAY_ROWS_CAP = 1_048_576


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


# Hyperlinks (a cell's or a shape's): LibreOffice follows them only when one
# is clicked, never to load or compute anything, so they stay in the copy
# (a portable copy keeps the user's links). Every other link leaving the
# package is removed.
NAVIGATION = {"urn:oasis:names:tc:opendocument:xmlns:text:1.0 a",
              "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0 a"}


def external(href):
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

    def __init__(self, out, budget, reader=None, drop=None, namespaces=True):
        """namespaces False (reading only): names as written, "table:table-cell"
        (the reader maps the prefixes: plain_xml)."""
        self.out, self.budget, self.reader, self.drop = out, budget, reader, drop
        self.buf = []
        self.pending = []   # namespace declarations for the next start tag
        self.skip = 0       # depth inside a dropped element
        p = expat.ParserCreate(namespace_separator=" ") if namespaces or out is not None else expat.ParserCreate()
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
            if k.startswith(XLINK_HREF) and key not in NAVIGATION and external(v):
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


def number(text):
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


_UNSAFE_BYTES = (b"href", b"<!DOCTYPE", b"<!ENTITY")
_ENCODING = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]*)")


_ROOT = re.compile(rb"(?:<\?xml[^>]*\?>)?\s*<[A-Za-z_][\w.:-]*[^>]*>")
_XMLNS = re.compile(rb"""xmlns(?::([^\s=/>]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_DECLARED = re.compile(rb"xmlns(?::[^\s=/>]+)?\s*=")  # what looks like a declaration


def plain_xml(src, budget, count=True):
    """(plain, prefixes) of an XML stream. plain: the bytes show nothing the
    rewriting pass would remove and nothing expat would refuse: UTF-8 or
    ASCII (no other encoding declared, no NUL of UTF-16), no "href" anywhere
    (no link of any kind), no DOCTYPE nor entity declaration. prefixes:
    {prefix: namespace} declared on the root element when every "xmlns" of
    the stream is one of them (each prefix then stands for one namespace
    throughout), else None. The bytes are counted."""
    tail, first, root, declared, seen = b"", True, None, {}, 0
    while True:
        data = src.read(CHUNK)
        if count:
            budget.add_bytes(len(data))
        budget.tick()
        if not data:
            break
        if first:
            first = False
            head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
            m = _ENCODING.match(head)
            if not head.startswith(b"<") or b"\x00" in head[:64] or \
                    (m and m.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii")):
                return False, None
            root = _ROOT.match(head)
            if root:
                root = root.group(0)
                for prefix, dq, sq in _XMLNS.findall(root):
                    uri = dq or sq
                    if b"&" in uri or prefix in declared:
                        root = None
                        break
                    declared[prefix] = uri
        chunk = tail + data
        if any(word in chunk for word in _UNSAFE_BYTES):  # bytes.find: much faster than a regular expression
            return False, None
        seen += (tail[-4:] + data).count(b"xmlns")  # 4 bytes back: none counted twice
        tail = data[-12:]
    # Every "xmlns" of the stream in the root's tag (namespace names too:
    # "urn:...:xmlns:table:1.0"), and each declaration there read.
    if root is None or seen != root.count(b"xmlns") or len(_DECLARED.findall(root)) != len(declared) or \
            b"" in declared:
        return True, None   # declarations elsewhere, or a default namespace: expat's processing
    return True, {p.decode(): u.decode("utf-8") for p, u in declared.items()}
