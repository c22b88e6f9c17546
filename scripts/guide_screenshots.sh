#!/usr/bin/env bash
# Refreshes the user guide's pictures (docs/guide/img/) from the screenshots
# the GUI test takes in a real Calc window (gui.menu, build/menu-screenshots/):
#   ctest --test-dir build -R gui.menu && scripts/guide_screenshots.sh
# Each is cropped to what the guide shows and stored with a 64-colour palette
# (ImageMagick, installed for the GUI test), a few tens of KB each: the
# marketer's chapters ship them inside the .oxt. The crops fit the 1280x800
# screen of the test's Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=${1:-build/menu-screenshots}
out=docs/guide/img
crop() {  # crop NAME GEOMETRY DEST
  convert "$shots/$1.png" -crop "$2" +repage -colors 64 -strip "PNG8:$out/$3.png"  # -strip: no timestamps
}
crop insert-en 760x432+262+124 menu-insert     # KPI ▸ Insert a KPI…, "lead" typed
crop insert-fr 760x432+262+124 menu-insert-fr  # the same in a French Calc
crop menu-en 720x240+0+0 menu-en               # the KPI menu opened
crop menu-fr 720x240+0+0 menu-fr
crop audit-en 1220x480+0+125 audit-en          # the audit's report sheet
crop marks-en 960x120+0+125 marks-en           # the frames it draws around cells
ls -l "$out"
