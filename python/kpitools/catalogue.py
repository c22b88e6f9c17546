"""The function catalogue as the build writes it (build/generated/catalogue.json,
from core/ by codegen): each function's name, UNO method, arguments and kinds,
shape, synonyms and texts. Python code reads the functions from here, never
from a list of its own.

Two layouts are accepted: the list of function entries written today, and an
object {"functions": [...], "errors": [...], ...} (the catalogue with its
error table); keys this loader does not know are kept in `extra`.
"""
import json
import os

TABLES = "catalogue-tables.json"


class CatalogueError(Exception):
    """The catalogue file is missing or not a catalogue; the message says which."""


class Catalogue:
    def __init__(self, functions, errors=None, extra=None, path=None):
        self.functions = functions      # [entry], in the catalogue's order
        self.errors = errors or []      # [{"name": "#DIV/0!", "code": 532, ...}] when the file has them
        self.extra = extra or {}
        self.path = path

    def __iter__(self):
        return iter(self.functions)

    def __len__(self):
        return len(self.functions)

    def by_formula_name(self):
        """{"KPI.CPL": entry} under both names a formula may show: the display
        name (KPI.BGNBD.FIT) and the stored one (KPI.BGNBDFIT, "KPI." + the
        UNO method in upper case)."""
        out = {e["name"].upper(): e for e in self.functions}
        out.update({"KPI." + e["method"].upper(): e for e in self.functions})
        return out

    def get(self, name):
        """The entry of KPI.CPL, CPL, cpl or KPI.BGNBDFIT; None if there is none."""
        key = name.upper()
        if not key.startswith("KPI."):
            key = "KPI." + key
        return self.by_formula_name().get(key)

    @property
    def inputs(self):
        """The input kinds ([{"kind", "words", "args", "count", "within"}]), from the tables."""
        return self.extra.get("inputs", [])

    def with_shape(self, *shapes):
        """Short names (CPL, BGNBD.FIT) of the functions of these shapes."""
        return {e["name"].upper()[4:] for e in self.functions if e.get("shape") in shapes}


def parse_catalogue(data, path=None):
    """A Catalogue from the decoded JSON (either layout)."""
    if isinstance(data, list):
        functions, errors, extra = data, [], {}
    elif isinstance(data, dict) and isinstance(data.get("functions"), list):
        functions, errors = data["functions"], data.get("errors") or []
        extra = {k: v for k, v in data.items() if k not in ("functions", "errors")}
    else:
        raise CatalogueError(f"{path or 'catalogue'}: neither a list of functions nor an object with 'functions'")
    for e in functions:
        if not isinstance(e, dict) or not {"name", "method", "args"} <= e.keys():
            raise CatalogueError(f"{path or 'catalogue'}: a function entry lacks name, method or args")
    return Catalogue(functions, errors, extra, path)


def load_catalogue(path):
    """Reads catalogue.json, and the tables the build writes beside it
    (catalogue-tables.json: error codes, families, input kinds) when they are
    there; CatalogueError (one line) when it cannot."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise CatalogueError(f"cannot read the function catalogue {path}: {e}")
    cat = parse_catalogue(data, path)
    tables = os.path.join(os.path.dirname(path), TABLES)
    if os.path.isfile(tables):
        try:
            with open(tables, encoding="utf-8") as f:
                extra = json.load(f)
        except (OSError, ValueError) as e:
            raise CatalogueError(f"cannot read the catalogue's tables {tables}: {e}")
        if not isinstance(extra, dict):
            raise CatalogueError(f"{tables}: not an object of tables")
        cat.errors = cat.errors or extra.get("errors") or []
        cat.extra.update({k: v for k, v in extra.items() if k != "errors"})
    return cat
