"""The module's results read from their bits, independently of kpi.error:
a number, or an error as the module documents it — a quiet NaN whose low
16 bits are Calc's error number, one of the catalogue's error table
(build/generated/catalogue-tables.json, from core/include/kpi/errors.hpp)."""
import math
import os
import struct

from kpitools.catalogue import load_catalogue

QUIET_NAN = 0x7FF8000000000000


def error_names(catalogue_path):
    """{Calc's error number: its name} from the catalogue's error table."""
    errors = load_catalogue(catalogue_path).errors
    if not errors:
        raise RuntimeError(f"no error table beside {catalogue_path} (catalogue-tables.json)")
    return {e["calc_code"]: e["name"] for e in errors}


def catalogue_path(argv):
    return argv[1] if len(argv) > 1 else os.environ["KPI_CATALOGUE_JSON"]


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def decode(x, names):
    """A float result as a number or an error name; ValueError for a value
    the module never documents (an infinity, a NaN without a known code)."""
    if not math.isnan(x):
        if math.isinf(x):
            raise ValueError(f"an infinite result {x}")
        return x
    b = bits(x)
    if b & ~0xFFFF != QUIET_NAN or (b & 0xFFFF) not in names:
        raise ValueError(f"a NaN the module does not document: {b:#018x}")
    return names[b & 0xFFFF]
