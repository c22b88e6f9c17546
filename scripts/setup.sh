#!/usr/bin/env bash
# Installs the system packages the build and the tests need (Debian 12).
# Runs apt-get only when something is missing; uses sudo when not root.
set -euo pipefail

packages=(cmake make g++ libboost-dev libgtest-dev
          libreoffice-dev python3-uno libreoffice-l10n-fr
          clang libclang-rt-14-dev  # clang: the sanitizer build and the fuzzers
          libbenchmark-dev          # scripts/bench.sh
          poppler-utils)            # pdftoppm: the README and guide pictures (kpitools/render_example.py, kpitools/templates/render.py)
# Predictive CLV: dlib (header-only use, for its optimiser) and SciPy (the
# tests' independent reference implementation).
packages+=(libdlib-dev python3-scipy)
# pandas: the Python module's tests also feed it pandas objects (pykpi.fuzz, pykpi.conversion).
packages+=(python3-pandas)
# statsmodels: the independent reference of issue 24's statistics (pykpi.stats_reference).
packages+=(python3-statsmodels)
# mpmath: 40-digit arithmetic, the reference of the BG/NBD expectation (pykpi.column_path).
packages+=(python3-mpmath)
# Beyond the sheet (issue 16): the PostgreSQL extension and the Python module kpi.
packages+=(postgresql-15 postgresql-server-dev-15 pybind11-dev python3-dev python3-numpy)
# The KPI menu's GUI test (gui.menu): a virtual X server, a window manager,
# keyboard input and screenshots. They install beside either Calc; the test
# needs the full Calc (below).
packages+=(xvfb openbox xdotool imagemagick)
# Gnumeric (ssconvert): the independent engine that recalculates the portable
# copies of kpi-portable in the tests (issue 11).
packages+=(gnumeric)
# Node.js and npm: the build installs HyperFormula from npm, the third engine
# portable.workbooks recalculates the portable copies with (issue 25). Not
# when a Node.js with its own npm is there already (NodeSource's nodejs
# conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
# Calc itself: the full Calc (libreoffice-calc), not the GUI-less build. The
# headless tests run the same either way; the full one also runs in a window,
# which the KPI menu's GUI test (gui.menu) needs. It replaces
# libreoffice-calc-nogui where that is installed (the two conflict; apt swaps
# five packages).
packages+=(libreoffice-calc)
# The user guide (docs/guide/, a static site: MkDocs, test docs.guide) and the
# HTML reference shipped in the .oxt (extension/make_reference.py: Jinja2 and
# Python-Markdown, which MkDocs also uses).
packages+=(mkdocs python3-jinja2 python3-markdown)

# Every desktop (issue 22): the add-in for Linux aarch64 is cross-built
# against an arm64 LibreOffice tree that mmdebstrap extracts from Debian's
# packages (scripts/sysroot-arm64.sh), and tested in that LibreOffice under
# qemu-user.
packages+=(g++-aarch64-linux-gnu mmdebstrap qemu-user)
# Windows x86-64 built here (issue 22, too): the mingw-w64 cross compiler (posix
# threads: the core uses std::thread) and its binutils (dlltool, objdump) for
# the add-in DLL, and Wine to run the core's unit tests cross-built
# (ctest -L platforms). Debian's wine64 alone installs no `wine` command; the
# test finds /usr/lib/wine/wine64.
packages+=(g++-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64 wine64)
# By-hand tools of issues 26 and 27 (not the test run): perf for
# bench/profile_in_calc.py, gdb for scripts/fullsheet_in.sh's FULLSHEET_GDB=1
# (mmdebstrap, above, makes that script's LibreOffice trees).
packages+=(linux-perf gdb)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all system packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
