"""Escaping for every text kpi-audit prints or writes (issue 18): control
characters (terminal escape sequences), bidirectional overrides and the
undecodable bytes of file names are shown as visible escapes; JSON stays
strict and exact."""
import json
import math
import re

# C0 and C1 controls but newline and tab, DEL, bidirectional controls,
# line/paragraph separators, and the lone surrogates that stand for a file
# name's undecodable bytes (os.fsdecode).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(m):
    ch = m.group(0)
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:      # an undecodable byte of a file name
        return f"\\x{o - 0xDC00:02x}"
    if o < 0x100:
        return f"\\x{o:02x}"
    return f"\\u{o:04x}"


def visible(text, keep_newlines=True):
    """The text with every unsafe character as a visible escape (\\x1b)."""
    text = str(text)
    if not keep_newlines:
        text = text.replace("\n", "\\n").replace("\t", "\\t")
    return _UNSAFE.sub(_visible, text)


def display_path(path):
    """A file name as shown in reports: undecodable bytes as \\xNN."""
    return visible(path, keep_newlines=False)


def finite(obj):
    """obj with its non-finite numbers as strings (JSON has no Infinity nor NaN)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite(v) for v in obj]
    return obj


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def json_safe(text):
    """JSON text with every unsafe character \\u-escaped (JSON escapes the C0 controls itself)."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def json_text(report):
    """Valid JSON (no Infinity nor NaN: non-finite numbers become strings),
    readable (UTF-8), with every unsafe character \\u-escaped: the values
    stay exact. (kpi-audit writes the same text piece by piece: output.py.)"""
    return json_safe(json.dumps(finite(report), indent=2, ensure_ascii=False, allow_nan=False)) + "\n"
