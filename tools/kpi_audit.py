"""kpi-audit: audits campaign workbooks (.ods, .fods, .xlsx) cell by cell.

  kpi-audit FILE [FILE...] [--format text|json|html] [--fail-on warning|error]

Each workbook is loaded (a read-only copy of it: the audited file is never
written) in real headless LibreOffice with the KPI extension installed in an
isolated profile, recalculated, and every sheet is walked. The report lists:
  1. the inventory of the cells that call a KPI function;
  2. stale values: the value stored in the file differs from the one the
     extension computes now (read straight from the file, before LibreOffice
     had a chance to recalculate anything);
  3. hand-written KPIs (=B7/C7 under a "CPL" header...) recomputed with the
     matching KPI function, and the typical mistakes named;
  4. domain checks on the inputs (negative counts, clicks above impressions,
     dates out of order).
The JSON output is documented in docs/audit-json.md.

Exit codes: 0 nothing reached --fail-on; 1 a finding reached --fail-on;
2 a file could not be audited (or bad usage); 3 LibreOffice is missing or
could not start.

Needs Debian's /usr/bin/python3 (LibreOffice's `uno` module). The launcher
build/kpi-audit passes --oxt and --catalogue.
"""
import argparse
import functools
import html
import json
import math
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile

FORMAT_VERSION = 1
SEVERITIES = ("info", "warning", "error")
EXIT_OK, EXIT_FINDINGS, EXIT_FAILED, EXIT_NO_OFFICE = 0, 1, 2, 3

# Limits: beyond them a file is reported as not audited (exit code 2) rather
# than tying up a CI runner. Both can be raised on the command line.
DEFAULT_MAX_CELLS = 1_000_000      # used cells over all sheets
DEFAULT_MAX_BYTES = 200 * 1024 ** 2  # file size, and uncompressed XML size in a package
DEFAULT_TIMEOUT = 120              # seconds of LibreOffice work per file

ERROR_NAMES = {532: "#DIV/0!", 503: "#NUM!", 519: "#VALUE!", 32767: "#N/A", 504: "Err:504",
               525: "#NAME?", 524: "#REF!", 522: "Err:522", 523: "Err:523", 502: "Err:502", 508: "Err:508"}
ERROR_CODES = {v: k for k, v in ERROR_NAMES.items()}
ERROR_CODES.update({"#NAME": 525, "#DIV/0": 532})

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}


def q(prefix, name):
    return "{%s}%s" % (NS[prefix], name)


class AuditError(Exception):
    """A file that cannot be audited; the message is shown as is."""


# ---------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------
def col_name(c):
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(name):
    n = 0
    for ch in name.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def addr(r, c):
    return f"{col_name(c)}{r + 1}"


# ---------------------------------------------------------------------------
# What the file is (before LibreOffice sees it)
# ---------------------------------------------------------------------------
ODS_MIME = ("application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.spreadsheet-template")
FILTERS = {".ods": "calc8", ".fods": "OpenDocument Spreadsheet Flat", ".xlsx": "Calc MS Excel 2007 XML"}


def looks_encrypted(path):
    """An OLE compound file (how Office stores an encrypted workbook) or an
    ODF package whose manifest lists encryption data."""
    try:
        with open(path, "rb") as f:
            if f.read(4) == b"\xd0\xcf\x11\xe0":
                return True
        with zipfile.ZipFile(path) as z:
            return b"encryption-data" in z.read("META-INF/manifest.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def sniff(path, max_bytes):
    """Returns the kind ('.ods', '.fods', '.xlsx') or raises AuditError."""
    if not os.path.exists(path):
        raise AuditError("no such file")
    if os.path.isdir(path):
        raise AuditError("a folder with no .ods, .fods or .xlsx file in it")
    ext = os.path.splitext(path)[1].lower()
    if ext not in FILTERS:
        raise AuditError(f"unsupported file type '{ext or '(none)'}': kpi-audit reads .ods, .fods and .xlsx")
    size = os.path.getsize(path)
    if size == 0:
        raise AuditError("empty file (0 bytes): not a spreadsheet")
    if size > max_bytes:
        raise AuditError(f"file is {size / 1024 ** 2:.0f} MB, above the {max_bytes / 1024 ** 2:.0f} MB limit "
                         "(raise it with --max-bytes)")
    with open(path, "rb") as f:
        head = f.read(512)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AuditError("password-protected (encrypted) workbook or legacy binary file: "
                         "kpi-audit cannot read it; save an unprotected copy to audit it")
    if ext == ".fods":
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise AuditError("not a flat OpenDocument spreadsheet (not XML)")
        try:
            for _event, el in ET.iterparse(path, events=("start",)):
                mime = el.get(q("office", "mimetype"))
                if el.tag != q("office", "document") or mime not in ODS_MIME:
                    raise AuditError(f"not a flat OpenDocument spreadsheet (root element {el.tag}, "
                                     f"type {mime or 'none'})")
                break
        except ET.ParseError as e:
            raise AuditError(f"malformed XML: {e}")
        return ext
    if not zipfile.is_zipfile(path):
        raise AuditError("not a spreadsheet package (not a ZIP file): damaged, or another kind of file renamed")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if ext == ".ods":
                if "mimetype" not in names or "content.xml" not in names:
                    raise AuditError("not an OpenDocument package (no mimetype or content.xml)")
                mime = z.read("mimetype").decode("ascii", "replace").strip()
                if mime not in ODS_MIME:
                    raise AuditError(f"an OpenDocument file of type '{mime}', not a spreadsheet")
                if "META-INF/manifest.xml" in names and b"encryption-data" in z.read("META-INF/manifest.xml"):
                    raise AuditError("password-protected (encrypted) workbook: kpi-audit cannot read it; "
                                     "save an unprotected copy to audit it")
            else:
                if "xl/workbook.xml" not in names:
                    raise AuditError("not an Excel workbook (no xl/workbook.xml in the package)")
            for info in z.infolist():
                if info.file_size > max_bytes:
                    raise AuditError(f"{info.filename} unpacks to {info.file_size / 1024 ** 2:.0f} MB, above the "
                                     f"{max_bytes / 1024 ** 2:.0f} MB limit (raise it with --max-bytes)")
    except zipfile.BadZipFile as e:
        raise AuditError(f"damaged ZIP package: {e}")
    return ext


# ---------------------------------------------------------------------------
# The values stored in the file (read before any recalculation)
# ---------------------------------------------------------------------------
def read_stored(path, kind):
    """{(sheet, row, col): stored result} for every formula cell.

    A stored result is ('value', x), ('error', '#DIV/0!'), ('text', s) or None
    (the file holds no value: written by a tool, never calculated)."""
    try:
        if kind == ".fods":
            with open(path, "rb") as f:
                return _read_odf(f)
        with zipfile.ZipFile(path) as z:
            if kind == ".ods":
                with z.open("content.xml") as f:
                    return _read_odf(f)
            return _read_xlsx(z)
    except ET.ParseError as e:
        raise AuditError(f"malformed XML inside the workbook: {e}")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError) as e:
        raise AuditError(f"damaged workbook: {e}")


def _read_odf(f):
    out = {}
    array_cells = set()
    sheet, row, col, depth = None, 0, 0, 0
    T_TABLE, T_ROW = q("table", "table"), q("table", "table-row")
    T_CELLS = (q("table", "table-cell"), q("table", "covered-table-cell"))
    for event, el in ET.iterparse(f, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == T_TABLE:
                depth += 1
                if depth == 1:
                    sheet, row = el.get(q("table", "name")), 0
            elif tag == T_ROW and depth == 1:
                col = 0
            continue
        if tag == T_TABLE:
            depth -= 1
        elif depth != 1:
            continue
        elif tag in T_CELLS:
            repeat = int(el.get(q("table", "number-columns-repeated"), "1"))
            formula = el.get(q("table", "formula"))
            if formula is not None:
                stored = _odf_value(el)
                for i in range(min(repeat, 1024)):
                    out[(sheet, row, col + i)] = stored
                # An array formula is written once, in its first cell; the
                # other cells of its area hold only their stored values.
                rows = int(el.get(q("table", "number-matrix-rows-spanned"), "1"))
                cols = int(el.get(q("table", "number-matrix-columns-spanned"), "1"))
                if rows * cols > 1 and rows * cols <= 1_000_000:
                    array_cells.update((sheet, row + i, col + j) for i in range(rows) for j in range(cols)
                                       if i or j)
            elif (sheet, row, col) in array_cells:
                out[(sheet, row, col)] = _odf_value(el)
            col += repeat
            el.clear()
        elif tag == T_ROW:
            row += int(el.get(q("table", "number-rows-repeated"), "1"))
            el.clear()
    return out


def _odf_value(el):
    vtype = el.get(q("office", "value-type"))
    if el.get(q("calcext", "value-type")) == "error":
        return ("error", "".join(el.itertext()).strip())
    if vtype in ("float", "percentage", "currency"):
        return ("value", float(el.get(q("office", "value"))))
    if vtype == "boolean":
        return ("value", 1.0 if el.get(q("office", "boolean-value")) == "true" else 0.0)
    if vtype == "string":
        s = el.get(q("office", "string-value"))
        return ("text", s if s is not None else "".join(el.itertext()))
    if vtype in ("date", "time"):
        return ("date", el.get(q("office", "date-value")) or el.get(q("office", "time-value")))
    return None


def _read_xlsx(z):
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = {}
    if "xl/_rels/workbook.xml.rels" in z.namelist():
        for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
            rels[r.get("Id")] = r.get("Target")
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(q("x", "si")):
            shared.append("".join(t.text or "" for t in si.iter(q("x", "t"))))
    out = {}
    array_cells = set()
    for s in wb.iter(q("x", "sheet")):
        target = rels.get(s.get(q("r", "id")), "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if target not in z.namelist():
            continue
        name = s.get("name")
        with z.open(target) as f:
            for _event, c in ET.iterparse(f):
                if c.tag != q("x", "c"):
                    continue
                fe = c.find(q("x", "f"))
                m = re.match(r"([A-Z]+)(\d+)", c.get("r", ""))
                if fe is not None and fe.get("t") == "array" and fe.get("ref"):
                    # The array's other cells have a <v> but no <f>.
                    a = re.match(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$", fe.get("ref"))
                    if a and a.group(3):
                        r1, r2 = int(a.group(2)) - 1, int(a.group(4)) - 1
                        c1, c2 = col_index(a.group(1)), col_index(a.group(3))
                        if (r2 - r1 + 1) * (c2 - c1 + 1) <= 1_000_000:
                            array_cells.update((name, r, cc) for r in range(r1, r2 + 1) for cc in range(c1, c2 + 1))
                if fe is not None or (m and (name, int(m.group(2)) - 1, col_index(m.group(1))) in array_cells):
                    if m:
                        v = c.find(q("x", "v"))
                        t = c.get("t", "n")
                        stored = None
                        if v is not None and v.text is not None:
                            if t == "e":
                                stored = ("error", v.text)
                            elif t == "str":
                                stored = ("text", v.text)
                            elif t == "s":
                                stored = ("text", shared[int(v.text)])
                            elif t == "b":
                                stored = ("value", float(v.text))
                            else:
                                stored = ("value", float(v.text))
                        out[(name, int(m.group(2)) - 1, col_index(m.group(1)))] = stored
                c.clear()
    return out


# ---------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------
# Labels: which KPI a row or column header names, and what an input counts
# ---------------------------------------------------------------------------
def norm(text):
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " " + re.sub(r"[^a-z0-9%]+", " ", text).strip() + " "


# KPI names as people write them in headers, English and French.
KPI_WORDS = {
    "CPL": ["cpl", "cost per lead", "cout par lead", "cout par contact", "cout par prospect"],
    "CPA": ["cpa", "cost per acquisition", "cout par acquisition", "cost per action"],
    "CAC": ["cac", "customer acquisition cost", "cout d acquisition client", "cout d acquisition"],
    "CPC": ["cpc", "cost per click", "cout par clic"],
    "CPM": ["cpm", "cost per mille", "cost per thousand", "cout pour mille", "cout par mille"],
    "CTR": ["ctr", "click through rate", "clickthrough rate", "taux de clic", "taux de clics"],
    "CONVRATE": ["conversion rate", "conv rate", "taux de conversion", "tx de conversion", "tx conversion"],
    "ROI": ["roi", "return on investment", "retour sur investissement", "rsi"],
    "ROAS": ["roas", "return on ad spend", "retour sur depenses publicitaires"],
    "GROWTH": ["growth", "croissance", "evolution", "variation"],
    "OPENRATE": ["open rate", "taux d ouverture", "tx d ouverture", "tx ouverture"],
    "CTOR": ["ctor", "click to open", "click to open rate", "taux de reactivite"],
    "UNSUBRATE": ["unsubscribe rate", "unsub rate", "taux de desabonnement", "taux de desinscription"],
    "BOUNCERATE": ["bounce rate", "taux de rebond", "taux de rebonds"],
    "ENGAGEMENT": ["engagement rate", "taux d engagement"],
    "MQL2SQL": ["mql2sql", "mql sql", "mql to sql", "taux mql sql"],
    "CHURN": ["churn", "churn rate", "taux d attrition", "attrition", "taux de churn"],
    "RETENTION": ["retention", "retention rate", "taux de retention"],
    "AOV": ["aov", "average order value", "panier moyen", "valeur moyenne de commande"],
    "ARPU": ["arpu", "average revenue per user", "revenu moyen par utilisateur"],
    "LTV2CAC": ["ltv cac", "ltv to cac", "clv cac", "ltv2cac"],
}
# Rates of a part to its whole: above 100 % they reveal inconsistent inputs.
PART_RATES = {"CTR", "CONVRATE", "OPENRATE", "CTOR", "UNSUBRATE", "BOUNCERATE", "MQL2SQL", "CHURN", "RETENTION",
              "SHARE"}
RATIO_KPIS = {"CPL", "CPA", "CAC", "CPC", "CPM", "CTR", "CONVRATE", "OPENRATE", "CTOR", "UNSUBRATE", "BOUNCERATE",
              "ENGAGEMENT", "MQL2SQL", "CHURN", "ROAS", "AOV", "ARPU", "LTV2CAC", "SHARE"}
GAIN_KPIS = {"ROI", "GROWTH"}

# What an input cell counts, from its header; (label words, kind).
INPUT_WORDS = [
    ("impressions", ["impressions", "impr", "vues", "affichages"]),
    ("clicks", ["clicks", "clics", "clic", "click"]),
    ("opens", ["opens", "ouvertures", "ouverts", "emails opened"]),
    ("delivered", ["delivered", "delivres", "recus", "distribues"]),
    ("sent", ["sent", "envoyes", "envois"]),
    ("visitors", ["visitors", "visiteurs", "sessions", "visits", "visites"]),
    ("conversions", ["conversions", "conv"]),
    ("leads", ["leads", "prospects", "contacts"]),
    ("mqls", ["mqls", "mql"]),
    ("sqls", ["sqls", "sql"]),
    ("orders", ["orders", "commandes"]),
    ("bounces", ["bounces", "rebonds"]),
    ("unsubscribes", ["unsubscribes", "desabonnements", "desinscriptions"]),
    ("customers", ["customers", "new customers", "clients", "nouveaux clients"]),
    ("cost", ["cost", "costs", "cout", "couts", "spend", "ad spend", "depenses", "budget", "investment",
              "investissement", "invested", "investi"]),
    ("revenue", ["revenue", "revenues", "return", "chiffre d affaires", "ca", "ventes", "sales", "recettes"]),
    ("profit", ["profit", "profits", "gain", "gains", "benefice", "benefices", "marge", "net profit"]),
]
COUNT_KINDS = {"impressions", "clicks", "opens", "delivered", "sent", "visitors", "conversions", "leads", "mqls",
               "sqls", "orders", "bounces", "unsubscribes", "customers", "cost"}
# (part, whole): the part cannot exceed the whole in the same row (or column).
PART_OF = [("clicks", "impressions"), ("opens", "delivered"), ("delivered", "sent"), ("bounces", "sent"),
           ("unsubscribes", "delivered"), ("conversions", "visitors"), ("sqls", "mqls")]
START_WORDS = ["start", "start date", "debut", "date de debut", "date debut", "first contact", "premier contact"]
END_WORDS = ["end", "end date", "fin", "date de fin", "date fin", "close date", "closing date", "date de signature"]
# Short words that name a date column only when they are the whole header.
START_ONLY = ["from", "du", "begin"]
END_ONLY = ["to", "au", "close", "closed", "signature"]
DATE_SERIES_WORDS = ["date", "month", "mois", "week", "semaine", "day", "jour", "period", "periode"]


def has_words(label, words):
    n = norm(label)
    return any(f" {w} " in n for w in words)


def exact_words(label, words):
    return norm(label).strip() in words


@functools.lru_cache(maxsize=4096)
def kpi_of_label(label):
    n = norm(label)
    best = None
    for k, words in KPI_WORDS.items():
        for w in words:
            if f" {w} " in n and (best is None or len(w) > best[1]):
                best = (k, len(w))
    return best[0] if best else None


@functools.lru_cache(maxsize=4096)
def input_kind(label):
    if kpi_of_label(label):
        return None  # "Cost per lead" is a KPI, not a cost
    n = norm(label)
    best = None
    for kind, words in INPUT_WORDS:
        for w in words:
            if f" {w} " in n and (best is None or len(w) > best[1]):
                best = (kind, len(w))
    return best[0] if best else None


# ---------------------------------------------------------------------------
# A workbook as read from LibreOffice after recalculation
# ---------------------------------------------------------------------------
class SheetData:
    def __init__(self, name, index, data, forms, errors):
        self.name, self.index = name, index
        self.data, self.forms, self.errors = data, forms, errors
        self.rows = len(data)
        self.cols = len(data[0]) if data else 0

    def result(self, r, c):
        if (r, c) in self.errors:
            return ("error", self.errors[(r, c)])
        if r >= self.rows or c >= self.cols:
            return ("blank", None)
        v = self.data[r][c]
        if isinstance(v, float):
            return ("value", v)
        if v == "":
            return ("blank", None)
        return ("text", v)

    def formula(self, r, c):
        if r < self.rows and c < self.cols:
            f = self.forms[r][c]
            if isinstance(f, str) and f.startswith("="):
                return f
        return None

    def is_text(self, r, c):
        v = self.data[r][c]
        return isinstance(v, str) and v.strip() != "" and (r, c) not in self.errors

    def _nearest(self):
        # One pass over the sheet: for each cell, the row of the nearest text
        # above it and the column of the nearest text to its left (a scan per
        # cell would be quadratic on large sheets).
        self._up_row = [[-1] * self.cols for _ in range(self.rows)]
        self._left_col = [[-1] * self.cols for _ in range(self.rows)]
        last_up = [-1] * self.cols
        for r in range(self.rows):
            last_left = -1
            up_row, left_col = self._up_row[r], self._left_col[r]
            for c in range(self.cols):
                up_row[c], left_col[c] = last_up[c], last_left
                if self.is_text(r, c):
                    last_up[c] = r
                    last_left = c

    def label_above(self, r, c):
        """(text, distance) of the nearest text cell above (r, c): the header of a table however long."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        rr = self._up_row[r][c] if r < self.rows and c < self.cols else -1
        return (self.data[rr][c], r - rr) if rr >= 0 else (None, None)

    def label_left(self, r, c):
        """(text, distance) of the nearest text cell left of (r, c)."""
        if not hasattr(self, "_up_row"):
            self._nearest()
        cc = self._left_col[r][c] if r < self.rows and c < self.cols else -1
        return (self.data[r][cc], c - cc) if cc >= 0 else (None, None)

    def labels(self, r, c):
        """Both labels of a cell, nearest first."""
        out = [x for x in (self.label_above(r, c), self.label_left(r, c)) if x[0]]
        return sorted(out, key=lambda x: x[1])


def result_text(res):
    if res is None:
        return "(none)"
    kind, v = res
    if kind == "value":
        return fmt_num(v)
    if kind == "error":
        return ERROR_NAMES.get(v, f"Err:{v}") if isinstance(v, int) else str(v)
    if kind == "blank":
        return "(blank)"
    return str(v)


def fmt_num(x):
    if x is None:
        return ""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.10g}"


def result_json(res):
    if res is None:
        return None
    kind, v = res
    if kind == "error":
        return {"type": "error", "error": result_text(res)}
    if kind == "value":
        return {"type": "value", "value": v}
    if kind == "blank":
        return {"type": "blank"}
    return {"type": kind, "text": str(v)}


def same_result(a, b, rel=1e-9):
    """Stored vs. now: numbers within a relative tolerance, errors by name."""
    if a is None or b is None:
        return a is b
    if a[0] == "value" and b[0] == "value":
        return abs(a[1] - b[1]) <= rel * max(1.0, abs(a[1]), abs(b[1]))
    if a[0] == "error" and b[0] == "error":
        return result_text(a) == result_text(b)
    return a[0] == b[0] and str(a[1]) == str(b[1])


# ---------------------------------------------------------------------------
# The audit of one workbook
# ---------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------
# LibreOffice
# ---------------------------------------------------------------------------
class Timeout(Exception):
    pass


class Session:
    """One soffice with the extension; restarted after a time-out or a crash."""

    def __init__(self, kpicalc, oxt, workdir, shared=None):
        self.k = kpicalc
        self.oxt = oxt
        self.root = tempfile.mkdtemp(prefix="kpi-audit-", dir=workdir)
        # shared: an extension cache the .oxt is already installed in (the
        # tests install once for several runs); else installed here once.
        self.shared = shared or os.path.join(self.root, "shared")
        self.office = None
        self.scratch_doc = None
        self.installed = bool(shared)

    def start(self):
        if self.office is not None:
            return
        if not self.installed:
            user = os.path.join(self.root, "install-user")
            with open(os.path.join(self.root, "unopkg.log"), "w") as log:
                self.k.install_extension(self.oxt, self.shared, user, log)
            shutil.rmtree(user, ignore_errors=True)
            self.installed = True
        office = self.k.Office(workdir=self.root, shared_dir=self.shared)
        office.__enter__()
        self.office = office
        self.scratch_doc = office.new_calc()
        self.scratch_cell = self.scratch_doc.Sheets.getByIndex(0).getCellByPosition(0, 0)

    def stop(self):
        if self.office is not None:
            try:
                self.office.close()
            finally:
                self.office = None
                self.scratch_doc = None

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def kill(self):
        p = self.office.proc if self.office else None
        if p is not None and p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def kpi_eval(self, formula):
        self.scratch_cell.setFormula(formula)
        err = self.scratch_cell.getError()
        if err:
            return ("error", err)
        return ("value", self.scratch_cell.getValue())


class AbortHandler:
    """Built lazily (needs unohelper): answers every interaction (a password
    prompt, a repair question) with Abort, so loading never waits on a dialog."""
    cls = None

    @classmethod
    def make(cls):
        if cls.cls is None:
            import unohelper
            from com.sun.star.task import XInteractionHandler, XInteractionAbort

            class Handler(unohelper.Base, XInteractionHandler):
                def __init__(self):
                    self.asked = []

                def handle(self, request):
                    self.asked.append(request.getRequest())
                    if os.environ.get("KPI_AUDIT_DEBUG"):
                        print("interaction:", request.getRequest(), file=sys.stderr)
                    # Choosing no continuation also means "abort" to the
                    # loader; select Abort explicitly where it is offered.
                    abort = uno_type("com.sun.star.task.XInteractionAbort")
                    for cont in request.getContinuations():
                        try:
                            if isinstance(cont, XInteractionAbort) or cont.queryInterface(abort) is not None:
                                cont.select()
                                return
                        except Exception:
                            continue
            cls.cls = Handler
        return cls.cls()


def uno_type(name):
    import uno
    return uno.getTypeByName(name)


FORMULA_FLAG = 16  # com.sun.star.sheet.CellFlags.FORMULA


def read_book(doc, max_cells, progress):
    """{sheet name: SheetData} after recalculation; enforces the cell limit."""
    sheets = doc.Sheets
    total = 0
    book = {}
    ranges = []
    for i in range(sheets.getCount()):
        sh = sheets.getByIndex(i)
        cur = sh.createCursor()
        cur.gotoEndOfUsedArea(False)
        a = cur.getRangeAddress()
        total += (a.EndRow + 1) * (a.EndColumn + 1)
        ranges.append((sh, a.EndRow, a.EndColumn))
    if total > max_cells:
        raise AuditError(f"workbook spans {total:,} cells, above the {max_cells:,}-cell limit "
                         "(raise it with --max-cells): not audited")
    if total > 100_000:
        progress(f"reading {total:,} cells")
    for i, (sh, er, ec) in enumerate(ranges):
        rng = sh.getCellRangeByPosition(0, 0, ec, er)
        data = [list(row) for row in rng.getDataArray()]
        forms = [list(row) for row in rng.getFormulaArray()]
        # Which cells hold a formula, from Calc itself: a text cell may also
        # start with '=' (a note such as "=KPI.NPS(...) gives the same").
        formula_cells = set()
        for a in rng.queryContentCells(FORMULA_FLAG).getRangeAddresses():
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    formula_cells.add((r, c))
        errors = {}
        for r, row in enumerate(forms):
            for c, f in enumerate(row):
                if (r, c) not in formula_cells:
                    row[c] = None
                    continue
                if f.startswith("{=") and f.endswith("}"):  # a cell of an array formula
                    row[c] = f[1:-1]
                e = sh.getCellByPosition(c, r).getError()
                if e:
                    errors[(r, c)] = e
        book[sh.getName()] = SheetData(sh.getName(), i, data, forms, errors)

    fmts = doc.getNumberFormats()

    def is_date(sheet, r, c):
        from com.sun.star.util.NumberFormat import DATE
        cell = sheets.getByIndex(sheet.index).getCellByPosition(c, r)
        try:
            return bool(fmts.getByKey(cell.NumberFormat).Type & DATE)
        except Exception:
            return False
    return book, is_date


def audit_file(session, path, kind, opts, catalogue, stored, progress):
    office = session.office
    copy = office.scratch("audited-" + uuid.uuid4().hex + kind)
    shutil.copyfile(path, copy)   # LibreOffice only ever sees a copy
    handler = AbortHandler.make()
    from com.sun.star.lang import IllegalArgumentException
    from com.sun.star.io import IOException
    try:
        doc = office.desktop.loadComponentFromURL(
            session.k._file_url(copy), "_blank", 0,
            session.k.props(Hidden=True, ReadOnly=True, FilterName=FILTERS[kind], InteractionHandler=handler,
                            MacroExecutionMode=0, UpdateDocMode=0))
    except (IllegalArgumentException, IOException) as e:
        if handler.asked:
            raise AuditError("LibreOffice asked for a password or a repair: the workbook is password-protected "
                             "or damaged")
        raise AuditError(f"LibreOffice could not load it ({type(e).__name__}: {e.Message or 'no detail'})")
    if doc is None:
        if handler.asked or looks_encrypted(path):
            raise AuditError("password-protected (LibreOffice asked for a password): kpi-audit cannot read it")
        raise AuditError("LibreOffice could not load it (damaged, or not a spreadsheet)")
    try:
        if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise AuditError("not a spreadsheet")
        doc.calculateAll()
        book, is_date = read_book(doc, opts.max_cells, progress)
        audit = Audit(book, stored, catalogue, session.kpi_eval)
        audit.is_date = is_date
        try:
            audit.run()
        except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as e:
            # A bug of kpi-audit, not of the workbook nor of LibreOffice: say so.
            raise AuditError(f"internal error of kpi-audit ({type(e).__name__}: {e}) at "
                             f"{e.__traceback__.tb_frame.f_code.co_name if e.__traceback__ else '?'}: "
                             "please report it with the file")
        cells = sum(s.rows * s.cols for s in book.values())
        return {"sheets": len(book), "cells": cells, "inventory": audit.inventory, "findings": audit.findings}
    finally:
        try:
            doc.close(True)
        except Exception:
            pass
        try:
            os.remove(copy)
        except OSError:
            pass


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def summarize(files):
    s = {"files": len(files), "audited": 0, "failed": 0, "kpi_cells": 0, "info": 0, "warning": 0, "error": 0}
    for f in files:
        s["audited" if f["status"] == "audited" else "failed"] += 1
        s["kpi_cells"] += len(f.get("inventory", []))
        for x in f.get("findings", []):
            s[x["severity"]] += 1
    return s


def short(text, width):
    text = str(text)
    return text if len(text) <= width else text[:width - 1] + "…"


def render_text(report):
    out = []
    for f in report["files"]:
        out.append(f"== {f['path']}")
        if f["status"] != "audited":
            out.append(f"   NOT AUDITED: {f['error']}")
            out.append("")
            continue
        out.append(f"   {f['sheets']} sheet(s), {f['cells']:,} cells, {len(f['inventory'])} KPI cell(s), "
                   f"{len(f['findings'])} finding(s)")
        if f["inventory"]:
            out.append("")
            out.append("   KPI cells")
            rows = [("Cell", "Function", "Arguments", "Result", "Definition")]
            for i in f["inventory"]:
                args = "; ".join(a["text"] + (f" = {fmt_values(a)}" if "values" in a else "") for a in i["arguments"])
                res = i["result"]
                rows.append((f"{i['sheet']}.{i['cell']}", i["function"], short(args, 48),
                             json_result_text(res), short(i["definition"] or "?", 40)))
            out += table(rows, indent=3)
        if f["findings"]:
            out.append("")
            out.append("   Findings")
            rows = [("Severity", "Cell", "Check", "Explanation / fix")]
            for x in f["findings"]:
                rows.append((x["severity"].upper(), f"{x['sheet']}.{x['cell']}", x["check"], x["message"]))
                rows.append(("", "", "", "fix: " + x["fix"]))
            out += table(rows, indent=3)
        out.append("")
    s = report["summary"]
    out.append(f"{s['files']} file(s): {s['audited']} audited, {s['failed']} not audited; "
               f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} info")
    return "\n".join(out) + "\n"


def fmt_values(a):
    vals = [json_result_text(v) for v in a["values"]]
    more = a["cells"] - len(vals)
    s = ", ".join(vals) + (f", … ({a['cells']} cells)" if more > 0 else "")
    return s if len(vals) == 1 and more <= 0 else "{" + s + "}"


def json_result_text(res):
    if res is None:
        return "(none)"
    if res["type"] == "value":
        return fmt_num(res["value"])
    if res["type"] == "error":
        return res["error"]
    if res["type"] == "blank":
        return "(blank)"
    return res.get("text", "")


def table(rows, indent=0):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    widths[-1] = 0
    pad = " " * indent
    lines = []
    for n, r in enumerate(rows):
        lines.append(pad + "  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())
        if n == 0:
            lines.append(pad + "  ".join("-" * max(w, len(str(v))) for v, w in zip(r, widths)))
    return lines


def render_html(report):
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>kpi-audit report</title><style>",
             "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;"
             "text-align:left;vertical-align:top}th{background:#1f3864;color:#fff}"
             ".error{background:#fde2e2}.warning{background:#fff4d6}.info{background:#eef5ff}"
             "code{font-family:monospace}.failed{color:#b00020;font-weight:bold}",
             "</style></head><body><h1>kpi-audit report</h1>"]
    s = report["summary"]
    parts.append(f"<p>{s['files']} file(s): {s['audited']} audited, {s['failed']} not audited; "
                 f"<b>{s['error']}</b> error(s), <b>{s['warning']}</b> warning(s), {s['info']} info.</p>")
    for f in report["files"]:
        parts.append(f"<h2>{e(f['path'])}</h2>")
        if f["status"] != "audited":
            parts.append(f"<p class='failed'>Not audited: {e(f['error'])}</p>")
            continue
        parts.append(f"<p>{f['sheets']} sheet(s), {f['cells']:,} cells, {len(f['inventory'])} KPI cell(s).</p>")
        if f["findings"]:
            parts.append("<h3>Findings</h3><table><tr><th>Severity</th><th>Cell</th><th>Check</th>"
                         "<th>Explanation</th><th>Suggested fix</th></tr>")
            for x in f["findings"]:
                parts.append(f"<tr class='{e(x['severity'])}'><td>{e(x['severity'])}</td>"
                             f"<td>{e(x['sheet'])}.{e(x['cell'])}</td><td>{e(x['check'])}</td>"
                             f"<td>{e(x['message'])}</td><td><code>{e(x['fix'])}</code></td></tr>")
            parts.append("</table>")
        if f["inventory"]:
            parts.append("<h3>KPI cells</h3><table><tr><th>Cell</th><th>Formula</th><th>Arguments</th>"
                         "<th>Result</th><th>Stored</th><th>Definition</th></tr>")
            for i in f["inventory"]:
                args = "<br>".join(e(a["text"] + (f" = {fmt_values(a)}" if "values" in a else ""))
                                   for a in i["arguments"])
                parts.append(f"<tr><td>{e(i['sheet'])}.{e(i['cell'])}</td><td><code>{e(i['formula'])}</code></td>"
                             f"<td>{args}</td><td>{e(json_result_text(i['result']))}</td>"
                             f"<td>{e(json_result_text(i['stored']))}</td><td>{e(i['definition'] or '?')}</td></tr>")
            parts.append("</table>")
    parts.append(f"<p><small>kpi-audit, report format {FORMAT_VERSION}</small></p></body></html>\n")
    return "".join(parts)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------
def main(argv=None):
    ap = argparse.ArgumentParser(prog="kpi-audit", description="Audits KPI figures in campaign workbooks "
                                 "(.ods, .fods, .xlsx) in headless LibreOffice with the KPI extension.",
                                 epilog="Exit codes: 0 nothing reached --fail-on; 1 a finding did; 2 a file could "
                                 "not be audited; 3 LibreOffice is missing. The audited files are never modified. "
                                 "JSON format: docs/audit-json.md.")
    ap.add_argument("files", nargs="+", metavar="FILE", help="a workbook, or a folder of workbooks")
    ap.add_argument("--format", choices=("text", "json", "html"), default="text")
    ap.add_argument("--fail-on", choices=("warning", "error"), default="error",
                    help="exit with 1 when a finding reaches this severity (default: error)")
    ap.add_argument("-o", "--output", help="write the report to this file instead of standard output")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                    help=f"seconds of LibreOffice work allowed per file (default {DEFAULT_TIMEOUT})")
    ap.add_argument("--max-cells", type=int, default=DEFAULT_MAX_CELLS,
                    help=f"largest used area audited, in cells (default {DEFAULT_MAX_CELLS:,})")
    ap.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=argparse.SUPPRESS)
    ap.add_argument("--quiet", action="store_true", help="no progress on standard error")
    ap.add_argument("--oxt", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--catalogue", required=True, help=argparse.SUPPRESS)
    ap.add_argument("--workdir", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--shared", default=None, help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)

    def progress(msg):
        if not opts.quiet:
            print(f"kpi-audit: {msg}", file=sys.stderr, flush=True)

    try:
        with open(opts.catalogue, encoding="utf-8") as f:
            entries = json.load(f)
        # Formulas may show the display name (KPI.BGNBD.FIT) or the stored one
        # (KPI.BGNBDFIT: "KPI." + the UNO method); both find the entry.
        catalogue = {e["name"].upper(): e for e in entries}
        catalogue.update({"KPI." + e["method"].upper(): e for e in entries})
    except (OSError, ValueError) as e:
        print(f"kpi-audit: cannot read the function catalogue {opts.catalogue}: {e}", file=sys.stderr)
        return EXIT_FAILED
    if not os.path.isfile(opts.oxt):
        print(f"kpi-audit: the extension {opts.oxt} is missing: build it first (scripts/build.sh)", file=sys.stderr)
        return EXIT_FAILED

    opts.files = expand(opts.files)
    files = []
    session = None
    multi = len(opts.files) > 1
    try:
        for n, path in enumerate(opts.files, 1):
            entry = {"path": path, "status": "failed"}
            files.append(entry)
            if multi:
                progress(f"[{n}/{len(opts.files)}] {path}")
            try:
                kind = sniff(path, opts.max_bytes)
                stored = read_stored(path, kind)
                if session is None:
                    session = start_session(opts)
                    if session is None:
                        entry["error"] = "LibreOffice is not available"
                        return finish(opts, files, EXIT_NO_OFFICE)
                entry.update(run_with_watchdog(session, path, kind, opts, catalogue, stored, progress))
                entry["status"] = "audited"
            except AuditError as e:
                entry["error"] = str(e)
                progress(f"{path}: not audited: {e}")
            except Timeout:
                entry["error"] = f"timed out after {opts.timeout:g} s in LibreOffice: not audited"
                progress(f"{path}: {entry['error']}")
            except Exception as e:  # a UNO bridge failure: LibreOffice crashed on this file
                entry["error"] = f"LibreOffice failed on this file ({type(e).__name__}: {getattr(e, 'Message', e)})"
                progress(f"{path}: {entry['error']}")
                if session is not None:
                    session.stop()
        return finish(opts, files, None)
    finally:
        if session is not None:
            session.close()


def expand(paths):
    """A folder stands for the workbooks in it and its subfolders (sorted);
    an empty folder stays as is and is reported as not audited."""
    out = []
    for p in paths:
        if os.path.isdir(p):
            found = sorted(os.path.join(d, f) for d, _dirs, names in os.walk(p) for f in names
                           if os.path.splitext(f)[1].lower() in FILTERS and not f.startswith(".~lock"))
            out += found or [p]
        else:
            out.append(p)
    return out


def start_session(opts):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    try:
        import kpicalc
    except ImportError as e:
        print(f"kpi-audit: LibreOffice's Python bridge is missing ({e}): install libreoffice-calc-nogui and "
              "python3-uno, and run with /usr/bin/python3", file=sys.stderr)
        return None
    if not os.path.exists(kpicalc.SOFFICE_BIN):
        print(f"kpi-audit: LibreOffice is not installed ({kpicalc.SOFFICE_BIN} is missing): "
              "install libreoffice-calc-nogui", file=sys.stderr)
        return None
    return Session(kpicalc, opts.oxt, opts.workdir or tempfile.gettempdir(), opts.shared)


def run_with_watchdog(session, path, kind, opts, catalogue, stored, progress):
    """Every LibreOffice interaction for one file is bounded: past the limit
    the watchdog kills soffice, the blocked UNO call fails, and the next file
    gets a fresh soffice."""
    fired = threading.Event()

    def fire():
        fired.set()
        session.kill()
    try:
        session.start()  # bounded on its own: unopkg 180 s, soffice start-up 90 s
    except Exception as e:
        session.stop()
        raise AuditError(f"LibreOffice could not start ({e})")
    timer = threading.Timer(opts.timeout, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            return audit_file(session, path, kind, opts, catalogue, stored, progress)
        except AuditError:
            if fired.is_set():
                raise Timeout()
            raise
        except Exception:
            if fired.is_set():
                raise Timeout()
            raise
    finally:
        timer.cancel()
        if fired.is_set():
            session.stop()
        elif session.office is not None and not session.office.alive():
            session.stop()


def finish(opts, files, forced):
    report = {"format": "kpi-audit", "format_version": FORMAT_VERSION, "files": files, "summary": summarize(files)}
    level = SEVERITIES.index(opts.fail_on)
    if forced is not None:
        code = forced
    elif any(f["status"] != "audited" for f in files):
        code = EXIT_FAILED
    elif any(SEVERITIES.index(x["severity"]) >= level for f in files for x in f.get("findings", [])):
        code = EXIT_FINDINGS
    else:
        code = EXIT_OK
    report["exit_code"] = code
    if opts.format == "json":
        text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    elif opts.format == "html":
        text = render_html(report)
    else:
        text = render_text(report)
    if opts.output:
        with open(opts.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return code


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # kpi-audit ... | head
        sys.stderr.close()
        sys.exit(EXIT_FAILED)
    except KeyboardInterrupt:
        print("kpi-audit: interrupted", file=sys.stderr)
        sys.exit(130)
