#!/bin/sh
# The core's unit tests built for Windows x86-64 with mingw-w64 and run under
# Wine (issue 22): usage windows_unit_tests.sh SRC BUILD.
# Configures and builds the core-only sub-build (KPI_CORE_ONLY) in BUILD with
# cmake/toolchains/x86_64-w64-mingw32.cmake, then runs kpi_unit_tests.exe in a
# Wine prefix of its own (BUILD/wineprefix). Exits 77 (ctest's skip) when the
# cross compiler or Wine is not installed, and only then.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SRC BUILD" >&2; exit 2; }
src=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)

skip() { echo "SKIP: $*"; exit 77; }
command -v x86_64-w64-mingw32-g++-posix >/dev/null ||
  skip "no x86_64-w64-mingw32-g++-posix (package g++-mingw-w64-x86-64-posix)"
# Debian 12's wine64 package puts its loader outside PATH (the package wine
# would add /usr/bin/wine); wineserver lies beside it.
wine=$(command -v wine64 || true)
[ -n "$wine" ] || { [ -x /usr/lib/wine/wine64 ] && wine=/usr/lib/wine/wine64; } ||
  skip "no wine64 (package wine64)"
wineserver=$(dirname "$wine")/wineserver
[ -x "$wineserver" ] || wineserver=$(command -v wineserver || echo wineserver)

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }

# The generator of the catalogue's strings (codegen/texts.py) runs on the
# host: Debian's Python 3.11 (tomllib), not whichever python3 is first on PATH.
# GoogleTest is compiled from libgtest-dev's sources by the cross compiler.
# The tests open data/ files by KPI_TEST_DATA_DIR: Wine maps / to drive Z:.
t0=$(now)
cmake -S "$src" -B "$build" \
  -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/x86_64-w64-mingw32.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DKPI_CORE_ONLY=ON \
  -DKPI_GTEST_SOURCE_DIR=/usr/src/googletest \
  -DPython3_EXECUTABLE=/usr/bin/python3 \
  -DKPI_TEST_DATA_DIR="Z:$src/data" >"$build/configure.log" ||
  { cat "$build/configure.log"; exit 1; }
# -j2: the machine's cores are shared.
cmake --build "$build" --target kpi_unit_tests -j2 >"$build/build.log" 2>&1 ||
  { tail -50 "$build/build.log"; exit 1; }
t1=$(now)
exe="$build/tests/unit/kpi_unit_tests.exe"

# A prefix of our own, never the user's ~/.wine. No display: the tests are a
# console program, and without DISPLAY wineboot shows no window. Wine would
# offer to download Mono and Gecko into a new prefix; no test needs .NET or
# HTML, so those two DLLs are disabled.
export WINEPREFIX="$build/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY || true
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  # The first start builds the prefix (about 700 MB, tens of seconds); the
  # complaint about syswow64 is the 32-bit half, which is not installed.
  "$wine" wineboot --init >"$build/wineboot.log" 2>&1 || { cat "$build/wineboot.log"; exit 1; }
  "$wineserver" -w
fi
t2=$(now)

status=0
"$wine" "$exe" >"$build/unit_tests.log" 2>&1 || status=$?
t3=$(now)
"$wineserver" -w  # no wineserver left behind by the test
grep -E '^\[  (PASSED|FAILED)  \]|^\[==========\]|^\[  FAILED  \]' "$build/unit_tests.log" || true
# gtest also exits 0 having run nothing: an empty run is a failure too.
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\{0,1\}\./\1/p' "$build/unit_tests.log")
if [ "$status" -ne 0 ] || [ -z "$passed" ] || [ "$passed" -eq 0 ]; then
  echo "FAIL: kpi_unit_tests.exe under Wine (exit $status); log: $build/unit_tests.log"
  tail -40 "$build/unit_tests.log"
  exit 1
fi
echo "windows core tests: $passed passed under $("$wine" --version);" \
  "configure+build $(secs "$t0" "$t1") s, wineboot $(secs "$t1" "$t2") s, run $(secs "$t2" "$t3") s"
