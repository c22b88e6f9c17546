"""The templates' one pipeline, every shipped workbook included:

  python3 -m kpitools.templates.pipeline generate [--oxt OXT]   write examples/templates/*.fods
  python3 -m kpitools.templates.pipeline check [--oxt OXT]      exit 1 if a committed .fods is stale
  python3 -m kpitools.templates.pipeline build --oxt OXT --out-dir D --workdir W SRC...   .fods -> .ots
  python3 -m kpitools.templates.pipeline render --oxt OXT [--workdir W]   docs/templates/ (PDF, PNG)

(with PYTHONPATH=python). `generate` writes the templates computed in
Python (make_templates.py) and, given the built .oxt, the predictive-CLV ones
(English and French), which are built in headless Calc with the extension
(make_predictive.py). `check` compares the generated text with the committed
files (and docs/import-headers.md, the header names the import sheets
recognise); given the .oxt, it also regenerates the predictive templates in
Calc and compares them cell by cell (freshness.py; the test calc.templates_fresh).
The build converts every .fods to .ots (build.py, run by extension/CMakeLists.txt);
`render` refreshes the pictures (render.py, the render_templates target).
"""
import sys

USAGE = "usage: pipeline {generate [--oxt OXT] | check | build ... | render ...}"


def generate(argv):
    from kpitools.templates import make_templates
    oxt, argv = _take(argv, "--oxt")
    code = make_templates.main(argv) or headers_page(write=True)
    if code:
        return code
    if oxt is None:
        print("predictive-clv*.fods not regenerated: they are built in Calc, pass --oxt build/kpi-functions-*.oxt")
        return 0
    from kpitools.templates import make_predictive  # needs LibreOffice's uno module
    return make_predictive.main(["--oxt", oxt])


def check(argv):
    from kpitools.paths import source_path
    from kpitools.templates import freshness, make_templates
    oxt, argv = _take(argv, "--oxt")
    workdir, argv = _take(argv, "--workdir")
    code = make_templates.main(["--check"] + argv) or headers_page(write=False)
    if oxt is None:
        return code
    committed = source_path("examples", "templates")
    diffs = freshness.check_predictive(oxt, committed, workdir)
    if diffs:
        print("out of date (run: PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.pipeline generate --oxt OXT):\n  "
              + "\n  ".join(diffs))
        return 1
    print("templates: predictive-clv.fods and predictive-clv-fr.fods are current")
    return code


def headers_page(write):
    """docs/import-headers.md, the header names the import sheets recognise, from the same table as the
    import formulas (import_headers.py): written, or compared (1 if stale)."""
    from kpitools.paths import source_path
    from kpitools.templates.import_headers import doc_text
    path, text = source_path("docs", "import-headers.md"), doc_text()
    if write:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {path}")
        return 0
    try:
        with open(path, encoding="utf-8") as f:
            current = f.read() == text
    except FileNotFoundError:
        current = False
    if not current:
        print(f"out of date (run: PYTHONPATH=python:build/python /usr/bin/python3 -m kpitools.templates.pipeline "
              f"generate):\n  {path}")
        return 1
    print("templates: docs/import-headers.md is current")
    return 0


def _take(argv, option):
    """(value of --option or None, argv without it)."""
    if option not in argv:
        return None, argv
    i = argv.index(option)
    if i + 1 >= len(argv):
        raise SystemExit(f"pipeline: {option} needs a value")
    return argv[i + 1], argv[:i] + argv[i + 2:]


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("generate", "check", "build", "render"):
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "generate":
        return generate(rest)
    if command == "check":
        return check(rest)
    if command == "build":
        from kpitools.templates import build
        return build.main(rest)
    from kpitools.templates import render
    return render.main(rest) or 0


if __name__ == "__main__":
    sys.exit(main())
