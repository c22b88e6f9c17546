#!/bin/sh
# `cmake --install` gives a kpi-audit that runs on its own: from another
# folder, without PYTHONPATH, with nothing of the source tree or of the tests'
# harness. A missing file is reported as not audited (exit 2) before any
# LibreOffice is started, so this test needs none.
# Usage: test_install.sh BUILD_DIR
set -eu
build=$1
prefix=$(mktemp -d "${TMPDIR:-/tmp}/kpi-install-XXXXXX")
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"
if grep -rlE "^(from|import) (harness|oracles)" lib/kpi-functions/python; then
  echo "FAIL: the installed package imports the tests' harness"; exit 1
fi
set +e
out=$(env -u PYTHONPATH "$prefix/bin/kpi-audit" --format json "$prefix/missing.ods" 2>/dev/null)
code=$?
set -e
[ "$code" = 2 ] || { echo "FAIL: exit $code, expected 2"; exit 1; }
echo "$out" | grep -q '"error": "no such file"' || { echo "FAIL: report: $out"; exit 1; }
test -f share/kpi-functions/kpi-functions.oxt && test -f share/kpi-functions/catalogue.json \
  && test -f share/kpi-functions/catalogue-tables.json
echo "python.install: installed kpi-audit runs from $prefix (exit 2 on a missing file, as documented)"
