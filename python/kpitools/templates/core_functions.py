"""The KPI functions of the template evaluator, computed by the core itself.

The templates are written without LibreOffice, with their cached values
computed here, so that a file opened where the extension is absent still
shows the right figures. Those values come from the Python module `kpi`
(pykpi/, the same C++ core and catalogue as the add-in), never from
definitions re-typed in Python: a KPI the catalogue gains is available to
the templates at once, and a definition changed in the core changes the
templates' stored values (the freshness check then says they are stale).

What this module adds is Calc's way of passing cells to an add-in, read from
the catalogue's argument kinds: an amount given a range is summed (blank
cells skipped, text is #VALUE!), a range is passed whole (blanks skipped),
a number takes one value. A result Calc would show as an error raises
ValueError: a shipped template never stores an error cell.
"""
import math
import os

from kpitools.catalogue import load_catalogue
from kpitools.paths import source_path


def _is_number(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _amount(name, v):
    if isinstance(v, list):
        if any(isinstance(x, str) and x != "" for x in v):
            raise ValueError(f"{name}: a text cell in an amount range (Calc shows #VALUE!)")
        return float(sum(x for x in v if _is_number(x)))
    return _single(name, v)


def _single(name, v):
    if isinstance(v, list):
        raise ValueError(f"{name}: a range where a single value belongs")
    if v is None or v == "":
        return 0.0
    if isinstance(v, str):
        raise ValueError(f"{name}: text where a number belongs (Calc shows #VALUE!)")
    return float(v)


def _whole(v):
    import numpy
    cells = v if isinstance(v, list) else [v]
    return numpy.array([float(x) if _is_number(x) else math.nan for x in cells], dtype=float)


def _wrap(entry, fn, kpi):
    name, kinds = entry["name"], [a["kind"] for a in entry["args"]]

    def call(*args):
        if len(args) > len(kinds):
            raise ValueError(f"{name}: too many arguments")
        given = []
        for kind, v in zip(kinds, args):
            if kind in ("range", "column"):
                given.append(_whole(v))
            elif kind == "name":
                given.append(v)
            elif kind == "amount":
                given.append(_amount(name, v))
            else:
                given.append(_single(name, v))
        out = fn(*given)
        if getattr(out, "ndim", 0) == 1 and entry["array"]:
            # A one-row result (KPI.LIFTCI's interval): a list, which the formula reads with INDEX.
            if any(math.isnan(x) for x in out):
                raise ValueError(f"{name} gives {kpi.error(out)}: a template cell would show an error")
            return [float(x) for x in out]
        if getattr(out, "ndim", 0):
            raise ValueError(f"{name}: an array result (the templates write single values)")
        out = float(out)
        if math.isnan(out):
            raise ValueError(f"{name} gives {kpi.error(out)}: a template cell would show an error")
        return out

    return call


def built_catalogue():
    """The catalogue the build wrote (KPI_CATALOGUE_JSON, or build/generated/catalogue.json)."""
    return load_catalogue(os.environ.get("KPI_CATALOGUE_JSON") or source_path("build", "generated", "catalogue.json"))


def core_functions(catalogue=None):
    """{"KPI.CPL": callable} for every catalogue function, under the name a
    formula shows (both names for the dotted ones: KPI.BGNBD.FIT and the
    stored KPI.BGNBDFIT)."""
    import kpi  # the pykpi module, on PYTHONPATH from the build (build/python)
    if catalogue is None:
        catalogue = built_catalogue()
    out = {}
    for entry in catalogue:
        if entry.get("family") == "meta":
            continue  # KPI.MAP applies the others row by row: not in the module, not in templates
        # The module's names are the SQL ones: KPI.BGNBD.FIT -> bgnbd_fit.
        sql = entry["name"][4:].lower().replace(".", "_")
        if sql not in kpi.FUNCTIONS:
            raise RuntimeError(f"the kpi module has no {sql}: build/python is older than the catalogue")
        call = _wrap(entry, getattr(kpi, sql), kpi)
        out[entry["name"].upper()] = call
        out["KPI." + entry["method"].upper()] = call
    return out
