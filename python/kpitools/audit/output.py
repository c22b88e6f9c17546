"""The report, written as the files are audited: in text and JSON each file's
part goes out once the file is done (its findings are then dropped), the
summary and the exit code last; the HTML page, whose summary comes first,
at the end. The text is exactly what rendering the whole report at once
gives (escape.json_text, report_text.render_text): a folder of workbooks
or a workbook of 100,000 findings never sits in memory as one string.
With -o, the report is written to a temporary file beside it and renamed
at the end: an interrupted run leaves no half report."""
import json
import math
import os
import sys
import tempfile

from kpitools.audit import escape
from kpitools.audit.model import FORMAT_VERSION, SEVERITIES
from kpitools.audit.report_html import render_html
from kpitools.audit.report_text import render_file, render_summary

EXIT_OK, EXIT_FINDINGS, EXIT_FAILED = 0, 1, 2
# How deep a file's JSON is written piece by piece (the file, its lists);
# its lists (the findings) go CHUNK items at a time.
STREAM_DEPTH = 3
CHUNK = 2000
_string = json.encoder.encode_basestring  # json's own (C) quoting, non-ASCII kept


def _json(obj, pad):
    """json.dumps(escape.finite(obj), indent=2, ensure_ascii=False) with pad
    ("\\n" and the indentation of its level) before its inner lines: the same
    text, three times faster than json's encoder, pure Python once it indents.
    TypeError for what it does not write (json.dumps then does)."""
    t = type(obj)
    if t is str:
        return _string(obj)
    if t is float:
        return float.__repr__(obj) if math.isfinite(obj) else _string(str(obj))
    if t is int:
        return int.__repr__(obj)
    if obj is None:
        return "null"
    if obj is True or obj is False:
        return "true" if obj else "false"
    inner = pad + "  "
    if t is dict:
        if any(type(k) is not str for k in obj):
            raise TypeError("a key that is not a string")
        return "{" + ",".join([inner + _string(k) + ": " + _json(v, inner) for k, v in obj.items()]) + pad + "}" \
            if obj else "{}"
    if t is list:
        return "[" + ",".join([inner + _json(v, inner) for v in obj]) + pad + "]" if obj else "[]"
    raise TypeError(f"{t.__name__}")


def _dumps(obj, level):
    """obj as json.dumps(escape.finite(obj), indent=2) writes it at this nesting level."""
    try:
        return _json(obj, "\n" + "  " * level)
    except TypeError:
        text = json.dumps(escape.finite(obj), indent=2, ensure_ascii=False, allow_nan=False)
        return text.replace("\n", "\n" + "  " * level) if level else text


def json_pieces(obj, level=0, depth=STREAM_DEPTH):
    """The text of json.dumps(obj, indent=2) at this nesting level, in pieces."""
    if depth == 0 or not isinstance(obj, (dict, list)) or not obj:
        yield _dumps(obj, level)
        return
    pad = "  " * level
    if isinstance(obj, list):
        yield "["
        inner = "\n" + pad + "  "
        for k in range(0, len(obj), CHUNK):
            yield ("," if k else "") + ",".join(inner + _dumps(v, level + 1) for v in obj[k:k + CHUNK])
        yield "\n" + pad + "]"
        return
    yield "{"
    for i, (key, value) in enumerate(obj.items()):
        yield ("," if i else "") + "\n" + pad + "  " + _dumps(key, 0) + ": "
        yield from json_pieces(value, level + 1, depth - 1)
    yield "\n" + pad + "}"


class Report:
    def __init__(self, fmt, fail_on, output=None):
        self.fmt, self.level, self.output = fmt, SEVERITIES.index(fail_on), output
        self.summary = {"files": 0, "audited": 0, "failed": 0, "kpi_cells": 0, "info": 0, "warning": 0,
                        "error": 0}
        self.failed = self.reached = False
        self.kept = []       # HTML: the files, for the page written at the end
        self.out = None
        self.tmp = None

    # -- where the bytes go ----------------------------------------------
    def _write(self, text):
        # Every format escapes what a terminal or a browser would interpret
        # (escape sequences in a cell, a sheet or a file name): audit/escape.py.
        if self.fmt == "json":
            text = escape.json_safe(text)
        else:
            text = escape.visible(text)
        data = text.encode("utf-8", "backslashreplace")
        if self.out is None:
            if self.output:
                fd, self.tmp = tempfile.mkstemp(prefix=".kpi-audit-", suffix=".part",
                                                dir=os.path.dirname(os.path.abspath(self.output)))
                self.out = os.fdopen(fd, "wb")
            else:
                self.out = getattr(sys.stdout, "buffer", None) or sys.stdout
        if self.out is sys.stdout:  # a StringIO (the tests)
            self.out.write(data.decode("utf-8"))
        else:
            self.out.write(data)

    # -- the report ------------------------------------------------------
    def add(self, entry):
        """One file's result, written at once (text, JSON) or kept (HTML)."""
        s = self.summary
        s["files"] += 1
        s["audited" if entry["status"] == "audited" else "failed"] += 1
        s["kpi_cells"] += entry.get("kpi_cells", len(entry.get("inventory", [])))
        # A grouped finding (one range of cells) counts once; those past the
        # listed maximum count too (grouping.py).
        counts = dict(entry.get("findings_unlisted", {}))
        for x in entry.get("findings", []):
            counts[x["severity"]] = counts.get(x["severity"], 0) + 1
        for severity, n in counts.items():
            s[severity] += n
            self.reached = self.reached or (n and SEVERITIES.index(severity) >= self.level)
        self.failed = self.failed or entry["status"] != "audited"
        if self.fmt == "html":
            self.kept.append(entry)
            return
        if self.fmt == "json":
            if s["files"] == 1:
                self._write("{\n" + "".join(f'  {_dumps(k, 0)}: {_dumps(v, 1)},\n' for k, v in
                                             (("format", "kpi-audit"), ("format_version", FORMAT_VERSION)))
                            + '  "files": [')
            self._write(("," if s["files"] > 1 else "") + "\n    ")
            for piece in json_pieces(entry, 2):
                self._write(piece)
        else:
            self._write(render_file(entry))
        self.out.flush()

    def close(self, forced=None):
        """Writes the summary and the exit code; returns the exit code."""
        code = forced if forced is not None else EXIT_FAILED if self.failed else \
            EXIT_FINDINGS if self.reached else EXIT_OK
        if self.fmt == "json":
            if not self.summary["files"]:
                self._write('{\n  "format": "kpi-audit",\n  "format_version": ' + str(FORMAT_VERSION)
                            + ',\n  "files": []')
            else:
                self._write("\n  ]")
            self._write(f',\n  "summary": {_dumps(self.summary, 1)},\n  "exit_code": {code}\n}}\n')
        elif self.fmt == "html":
            self._write(render_html({"files": self.kept, "summary": self.summary, "exit_code": code}))
        else:
            self._write(render_summary(self.summary))
        if self.tmp:
            self.out.close()
            os.replace(self.tmp, self.output)
            self.tmp = None
        else:
            self.out.flush()
        return code

    def abandon(self):
        """An interrupted run: the temporary file goes."""
        if self.tmp:
            try:
                self.out.close()
                os.remove(self.tmp)
            except OSError:
                pass
