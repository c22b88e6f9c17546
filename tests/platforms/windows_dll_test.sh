#!/bin/sh
# The Windows DLL's build tools on a small binary-UNO fixture (issue 22):
# usage windows_dll_test.sh SRC BUILD. Checks that
#   - addin/win/import_libs.py writes sal3.def and cppu3.def with exactly the
#     C functions the fixture calls, and refuses C++ UNO;
#   - addin/win/sal/typesizes.h is needed (without it the fixture's size
#     checks fail) and right (with it they pass);
#   - tests/platforms/check_dll.sh passes the DLL that the toolchain file
#     links, and fails one linked with mingw's runtime DLLs.
# Exits 77 (ctest's skip) when the cross compiler is not installed.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 SRC BUILD" >&2; exit 2; }
src=$(cd "$1" && pwd)
mkdir -p "$2"
build=$(cd "$2" && pwd)
here=$src/tests/platforms
cxx=x86_64-w64-mingw32-g++-posix
command -v $cxx >/dev/null || { echo "SKIP: no $cxx (package g++-mingw-w64-x86-64-posix)"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

cmake -S "$here/dll_fixture" -B "$build" -DKPI_SOURCE_DIR="$src" \
  -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchains/x86_64-w64-mingw32.cmake" >"$build/configure.log" ||
  { cat "$build/configure.log"; fail "configuring the fixture"; }
cmake --build "$build" -j2 >"$build/build.log" 2>&1 || { cat "$build/build.log"; fail "building the fixture"; }

# The .def files: what fixture.cpp calls, nothing else.
expect() {  # DLL NAME...
  dll=$1; shift
  printf 'LIBRARY %s.dll\nEXPORTS\n' "$dll" >"$build/expected.def"
  printf '%s\n' "$@" >>"$build/expected.def"
  grep -v '^;' "$build/import/$dll.def" | diff "$build/expected.def" - || fail "$dll.def differs"
  echo "ok: $dll.def lists $*"
}
expect sal3 rtl_uString_newFromAscii rtl_uString_release
expect cppu3 uno_any_construct uno_any_destruct

# The DLL the toolchain file links: only Windows and LibreOffice DLLs.
"$here/check_dll.sh" "$build/fixture.dll" || fail "check_dll.sh rejects the fixture"

# The same objects linked as mingw links by default: its runtime as DLLs.
obj=$(find "$build/CMakeFiles/fixture_objects.dir" -name '*.obj')
$cxx -shared -o "$build/fixture_dynamic.dll" $obj -L"$build/import" -lsal3 -lcppu3
if "$here/check_dll.sh" "$build/fixture_dynamic.dll" >"$build/check_dynamic.log"; then
  cat "$build/check_dynamic.log"; fail "check_dll.sh passes a DLL that needs mingw's runtime"
fi
for runtime in libstdc++-6.dll libwinpthread-1.dll; do
  grep -q "NOT ALLOWED: $runtime" "$build/check_dynamic.log" || fail "check_dll.sh does not name $runtime"
done
echo "ok: check_dll.sh rejects the dynamically linked DLL (libstdc++-6.dll, libwinpthread-1.dll)"

# Without the override the SDK's Linux sizes apply, and fixture.cpp's checks fail.
if $cxx -std=c++20 -DSAL_UNX -I/usr/include/libreoffice -fsyntax-only "$here/dll_fixture/fixture.cpp" \
     2>"$build/no_override.log"; then
  fail "fixture.cpp compiles with the SDK's Linux typesizes.h: the size checks prove nothing"
fi
grep -q 'static assertion failed' "$build/no_override.log" || { cat "$build/no_override.log"; fail "no size check failed"; }
echo "ok: without addin/win/sal/typesizes.h the Windows size checks fail"

# C++ UNO (a call into cppuhelper's C++ classes) must stop the import libraries.
printf 'namespace cppu { struct OWeakObject { void acquire() noexcept; }; }\nvoid f(cppu::OWeakObject& o) { o.acquire(); }\n' \
  >"$build/cxx_uno.cpp"
$cxx -c "$build/cxx_uno.cpp" -o "$build/cxx_uno.obj"
if /usr/bin/python3 "$src/addin/win/import_libs.py" --out "$build/cxx_uno" "$build/cxx_uno.obj" 2>"$build/cxx_uno.log"; then
  fail "import_libs.py accepts C++ UNO"
fi
grep -q 'cppu::OWeakObject::acquire' "$build/cxx_uno.log" || { cat "$build/cxx_uno.log"; fail "import_libs.py does not name the C++ symbol"; }
echo "ok: import_libs.py refuses C++ UNO"
