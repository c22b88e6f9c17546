#!/bin/sh
# The Windows add-in DLL may need at run time only what every Windows has and
# what LibreOffice itself loads (issue 22): usage check_dll.sh DLL.
#   - an x86-64 DLL (PE32+);
#   - it imports only the Windows system DLLs listed below, and LibreOffice's
#     sal3.dll and cppu3.dll; never mingw's runtime (libstdc++-6.dll,
#     libgcc_s_seh-1.dll, libwinpthread-1.dll), which a user does not have:
#     the toolchain file links those statically;
#   - from sal3/cppu3 only C names (binary UNO): a C++ name is C++ UNO, which
#     MSVC-built LibreOffice exports under other names;
#   - it exports component_getFactory and component_getImplementationEnvironment,
#     what LibreOffice's loader looks up.
# The linux counterpart is tests/check_runtime_deps.sh.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 DLL" >&2; exit 2; }
dll=$1
objdump=${OBJDUMP:-x86_64-w64-mingw32-objdump}

# Windows' own DLLs that mingw-w64 code may import. msvcrt.dll is Debian's
# mingw-w64 default C runtime; ucrtbase.dll and the api-ms-win-crt-* sets are
# the same C runtime when the toolchain targets the UCRT instead. Adding a
# name here is a decision, not a fix: check that every Windows 10 has it.
system_dlls="kernel32.dll msvcrt.dll ucrtbase.dll
api-ms-win-crt-runtime-l1-1-0.dll api-ms-win-crt-heap-l1-1-0.dll api-ms-win-crt-string-l1-1-0.dll
api-ms-win-crt-stdio-l1-1-0.dll api-ms-win-crt-math-l1-1-0.dll api-ms-win-crt-locale-l1-1-0.dll
api-ms-win-crt-convert-l1-1-0.dll api-ms-win-crt-environment-l1-1-0.dll api-ms-win-crt-time-l1-1-0.dll
api-ms-win-crt-utility-l1-1-0.dll api-ms-win-crt-filesystem-l1-1-0.dll"
libreoffice_dlls="sal3.dll cppu3.dll"
exports="component_getFactory component_getImplementationEnvironment"

[ -f "$dll" ] || { echo "FAIL: no $dll"; exit 1; }
headers=$("$objdump" -p "$dll") || { echo "FAIL: $objdump cannot read $dll"; exit 1; }
status=0

if ! printf '%s\n' "$headers" | grep -q 'file format pei-x86-64' ||
   ! printf '%s\n' "$headers" | grep -qx '[[:space:]]*DLL'; then
  echo "FAIL: $dll is not an x86-64 DLL"; status=1
fi

# Import table: "DLL Name: X" then one line per imported name,
# "<vma> <hint> <name>", up to a blank line.
imports=$(printf '%s\n' "$headers" | awk '
  /^\tDLL Name: / { dll = tolower($3); print "dll " dll; next }
  dll != "" && /^$/ { dll = ""; next }
  dll != "" && $1 ~ /^[0-9a-f]+$/ && NF >= 3 { print "sym " dll " " $3 }')
for name in $(printf '%s\n' "$imports" | awk '$1 == "dll" { print $2 }'); do
  case " $(echo $system_dlls) " in
    *" $name "*) echo "ok: $name (Windows)"; continue ;;
  esac
  case " $libreoffice_dlls " in
    *" $name "*) echo "ok: $name (LibreOffice)"; continue ;;
  esac
  case $name in
    libstdc++*|libgcc_s*|libwinpthread*|libatomic*|libssp*)
      echo "NOT ALLOWED: $name (mingw's runtime: link it statically, see cmake/toolchains/x86_64-w64-mingw32.cmake)" ;;
    *) echo "NOT ALLOWED: $name (neither a Windows system DLL listed in $0 nor sal3/cppu3)" ;;
  esac
  status=1
done

# Mangled names: GCC's (_Z...) or MSVC's (?...).
cxx=$(printf '%s\n' "$imports" | awk '$1 == "sym" && ($2 == "sal3.dll" || $2 == "cppu3.dll") && $3 ~ /^(_Z|\?)/ { print $2 ": " $3 }')
if [ -n "$cxx" ]; then
  echo "NOT ALLOWED: C++ imported from LibreOffice (C++ UNO, not binary UNO):"
  printf '  %s\n' "$cxx"
  status=1
fi

# Export table: "[Ordinal/Name Pointer] Table" then "[   i] name" lines.
exported=$(printf '%s\n' "$headers" | awk '
  /^\[Ordinal\/Name Pointer\] Table/ { on = 1; next }
  on && /^$/ { on = 0 }
  on && /^\t\[ *[0-9]+\] / { print $NF }')
for name in $exports; do
  if printf '%s\n' "$exported" | grep -qx "$name"; then
    echo "ok: exports $name"
  else
    echo "MISSING export: $name"; status=1
  fi
done
[ $status -eq 0 ] && echo "check_dll: $dll is fine" || echo "check_dll: $dll FAILED"
exit $status
