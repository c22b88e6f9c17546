#!/usr/bin/env bash
# docs.guide: builds the user guide with MkDocs in strict mode (any warning,
# such as a link to a missing page, fails the build), then checks that every
# internal link and anchor of the built site resolves (MkDocs 1.4 checks
# neither anchors nor links written in HTML) and that the README's links
# point at files that exist.
#   build_guide.sh SOURCE_DIR SITE_DIR
set -euo pipefail
src=$1 site=$2
cd "$src"
# MkDocs is Debian's (scripts/setup.sh); its Python is /usr/bin/python3.
/usr/bin/python3 -m mkdocs build --strict --clean --config-file mkdocs.yml --site-dir "$site"
/usr/bin/python3 tests/docs/check_links.py --site "$site" \
    --expect guide/index.html --expect functions.html --expect guide/en/insert.html --expect guide/fr/insert.html
# The catalogue's products (KPI.CLVRET's m*r/(1+d-r)) are text, not Markdown emphasis, in the reference page.
grep -q 'm\*r/(1+d-r), or m\*(1+d)/(1+d-r)' "$site/functions.html" ||
  { echo "FAIL functions.html: KPI.CLVRET's m*r/(1+d-r) was read as emphasis"; exit 1; }
# The README is the front page on the forge, not part of the site: its relative links must name files.
/usr/bin/python3 - <<'PY'
import os, re, sys
bad = []
for url in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", open("README.md", encoding="utf-8").read()):
    if "://" not in url and not os.path.exists(url):
        bad.append(url)
print("README: " + ("broken links: " + ", ".join(bad) if bad else "every relative link names a file"))
sys.exit(1 if bad else 0)
PY
