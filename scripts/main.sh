#!/usr/bin/env bash
# The main job: install what is missing, build, pack the .oxt, install it in an
# isolated LibreOffice profile, recalculate the example sheet in headless Calc
# and print its KPIs, then say where the .oxt is and how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
oxt=$(ls "$PWD/$BUILD_DIR"/kpi-functions-*.oxt)
echo
echo "== The example campaign sheet, recalculated in headless LibreOffice Calc =="
PYTHONPATH="$PWD/python" /usr/bin/python3 -m kpitools.example --oxt "$oxt" --sheet examples/campaign.fods --workdir "$PWD/$BUILD_DIR/calc-work"
echo
echo "The extension is built: $oxt"
echo "Install it into your own LibreOffice with:"
echo "    unopkg add \"$oxt\""
echo "or in LibreOffice: Tools > Extension Manager > Add..., then restart LibreOffice."
echo "Then type =KPI.CPL(30000;200) in a cell: it shows 150."
echo "Seven templates come with it: File > New > Templates, categories \"Marketing KPI\" (English) and \"KPI marketing\" (French)."
