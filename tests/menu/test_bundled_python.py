"""The KPI menu's Python, as the .oxt ships it, must run in LibreOffice's
bundled Python: 3.8 in LibreOffice 7.4 for Windows and macOS (Debian runs
it with its own 3.11). Without a Python 3.8 here, this checks what can be
checked from 3.11:

- every .py in the package parses with Python 3.8's grammar;
- none imports a standard module newer than 3.8 (tomllib, zoneinfo, graphlib);
- with tomllib made unimportable and only the .oxt's pythonpath/ on the
  path, the portable conversion's table loads from the JSON the build
  shipped, and gives the same native formulas as the source tree's TOML.

usage: test_bundled_python.py --oxt build/kpi-functions-*.oxt --catalogue build/generated/catalogue.json
"""
import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import zipfile

NEWER_MODULES = {"tomllib": "3.11", "zoneinfo": "3.9", "graphlib": "3.9"}

# A few calls of different shapes: amounts summed, a ratio, a rate, a model.
CALLS = [("cpl", ["B2:B13", "C2:C13"]), ("ctr", ["D2", "E2"]), ("nps", ["F2:F200"]),
         ("roi", ["G2", "H2"]), ("sbgsurvival", ["J1", "J2", "J3"]), ("bgnbdfit", ["K2:K9", "L2:L9", "M2:M9"])]

CHILD = r"""
import json, sys
sys.modules["tomllib"] = None  # import tomllib now raises ImportError, as in Python 3.8
from kpitools.portable import native
from kpimenu import finder  # the catalogue the .oxt carries, as the menu's portable command reads it
native.use_catalogue(finder.load())
assert not native.os.path.exists(native.NATIVE_TOML), "the .oxt must not need the TOML"
out = {}
for method, args in json.loads(sys.argv[1]):
    try:
        out[method] = native.expand(method, args)
    except native.ValueOnly as why:
        out[method] = "value only: " + str(why)
import kpitools.audit.engine, kpitools.audit.rules  # the menu's audit imports the same way
print(json.dumps(out))
"""


def _module_level(tree):
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            for field in ("body", "orelse", "finalbody", "handlers"):
                todo.extend(getattr(node, field, []) or [])
        elif isinstance(node, ast.ExceptHandler):
            todo.extend(node.body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oxt", required=True)
    ap.add_argument("--catalogue", required=True, help="build/generated/catalogue.json")
    a = ap.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="kpi-bundled-") as tmp:
        with zipfile.ZipFile(a.oxt) as z:
            z.extractall(tmp)
        root = os.path.join(tmp, "python")
        files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".py")]
        if len(files) < 20:
            failures.append(f"only {len(files)} Python files in the .oxt")
        for path in files:
            src = open(path, encoding="utf-8").read()
            rel = os.path.relpath(path, tmp)
            try:
                tree = ast.parse(src, rel, feature_version=(3, 8))
            except SyntaxError as e:
                failures.append(f"{rel}: not Python 3.8 syntax: {e}")
                continue
            # Imports a module runs when it is loaded: the top level and its
            # if/try blocks, not function bodies (native.load imports tomllib
            # only for a source tree's TOML, which the run below never reads).
            for node in _module_level(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [n.name for n in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for n in names:
                    top = n.split(".")[0]
                    if top in NEWER_MODULES:
                        failures.append(f"{rel}:{node.lineno}: imports {top} (Python {NEWER_MODULES[top]})")
        shipped = os.path.join(root, "pythonpath", "kpitools", "portable", "native.json")
        if not os.path.exists(shipped):
            failures.append("the .oxt has no kpitools/portable/native.json")
        else:
            env = dict(os.environ, PYTHONPATH=os.path.join(root, "pythonpath"))
            run = subprocess.run([sys.executable, "-c", CHILD, json.dumps(CALLS)], env=env, cwd=tmp,
                                 capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                failures.append("the shipped package failed without tomllib:\n" + run.stderr[-2000:])
            else:
                got = json.loads(run.stdout)
                from kpitools.portable import native  # the source tree's, from the TOML
                native.use_catalogue(json.load(open(a.catalogue, encoding="utf-8")))
                for method, args in CALLS:
                    try:
                        want = native.expand(method, args)
                    except native.ValueOnly as why:
                        want = "value only: " + str(why)
                    if got.get(method) != want:
                        failures.append(f"{method}: shipped JSON gives {got.get(method)!r}, the TOML {want!r}")
                print(f"native formulas from the shipped JSON equal the TOML's for {len(CALLS)} calls")
        print(f"{len(files)} Python files of the .oxt parsed with Python 3.8's grammar")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
