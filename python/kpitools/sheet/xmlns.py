"""The XML namespaces of ODF (content.xml, flat .fods) and OOXML (.xlsx)."""

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
    "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "number": "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "chart": "urn:oasis:names:tc:opendocument:xmlns:chart:1.0",
    "of": "urn:oasis:names:tc:opendocument:xmlns:of:1.2",
}

# The declarations a flat ODF document (or an inline chart) opens with, in this order.
ODF_PREFIXES = ["office", "style", "text", "table", "draw", "fo", "xlink", "dc", "meta", "number", "svg", "chart", "of"]


def declarations(prefixes=ODF_PREFIXES):
    """'xmlns:office="…" xmlns:style="…" …' for an ODF root element."""
    return " ".join(f'xmlns:{p}="{NS[p]}"' for p in prefixes)


def q(prefix, name):
    """ElementTree's '{namespace}name' for 'prefix:name'."""
    return "{%s}%s" % (NS[prefix], name)
