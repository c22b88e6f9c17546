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
import os
import re
import shutil
import zipfile

from kpitools.audit.model import StoredValues
from kpitools.audit.odf import OdfReader
from kpitools.audit.ooxml import OFFICE_RELS, RELS, SML, SharedStrings, XlsxSheet, _Collect, _external_rel
from kpitools.audit.xmlpass import CHUNK, Areas, Budget, ReadError, XmlPass, plain_xml

__all__ = ["Budget", "ReadError", "LATER_BYTES", "prepare"]

# A content.xml (or a .fods) this large whose bytes show nothing to remove
# (plain_xml) is copied as is at once, and its stored values are read after
# (prepare's `later`), while LibreOffice loads the copy: reading a million
# cells in Python takes as long as LibreOffice takes to load them. Smaller
# files are read in full before LibreOffice sees them.
LATER_BYTES = 16 << 20


def prepare(path, kind, copy, budget, later=False):
    """Writes the link-free copy and returns the stored values; raises
    ReadError. later: a large ODF file whose bytes show nothing to remove
    is copied as is, and a function is returned instead, which reads its
    stored values (in a thread, while LibreOffice loads the copy)."""
    try:
        if kind == ".fods":
            if later and os.path.getsize(path) >= LATER_BYTES:
                with open(path, "rb") as src:
                    plain, prefixes = plain_xml(src, budget)
                if plain:
                    shutil.copyfile(path, copy)
                    return lambda: _guarded(_read_fods, path, budget, None, prefixes)
            return _read_fods(path, budget, copy)
        with zipfile.ZipFile(path) as z, zipfile.ZipFile(copy, "w") as dst:
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


def _read_fods(path, budget, copy=None, prefixes=None):
    """The stored values of a .fods; with copy, also writes the copy (the
    same bytes, or rewritten without its links). prefixes: see plain_xml."""
    reader = OdfReader(budget, prefixes)
    with open(path, "rb") as src:
        XmlPass(None, budget, reader, namespaces=prefixes is None).run(src, count=copy is not None)
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
    # Stored, not compressed: the copy is read once, by LibreOffice, and
    # removed (compressing 150 MB of XML took seconds); its size is bounded
    # by --max-bytes.
    out_info = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    out_info.compress_type = zipfile.ZIP_STORED
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
                    plain, prefixes = plain_xml(src, budget)
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
        reader = OdfReader(budget, prefixes)
        with zipfile.ZipFile(later_path) as z2, z2.open(later.filename) as src:
            XmlPass(None, budget, reader, namespaces=prefixes is None).run(src, count=False)
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
            per_member[name] = StoredValues()
            reader = XlsxSheet(budget, name, per_member[name], Areas(budget))
        _copy_member(z, dst, info, budget, reader, rewrite=name.endswith(".rels"),
                     drop=_external_rel if name.endswith(".rels") else None)
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.items}
    out = StoredValues()
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
