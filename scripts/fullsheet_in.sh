#!/usr/bin/env bash
# Runs gui.fullsheet's case (=KPI.CPL(A1:XFD1048576;B1) typed into a Calc
# window, tests/menu/test_fullsheet_gui.py) against the LibreOffice of a
# given root: "/" for this machine's, or a Debian tree made with mmdebstrap
# holding another LibreOffice (issue 27, item 14). Not part of the test run.
#
#   scripts/fullsheet_in.sh ROOT OXT [test options: --cap-gb 3 --seconds 90]
#
# A tree for a newer Calc (kept outside the repository; ~1 GB, 2-3 minutes):
#   mmdebstrap --variant=apt --include=libreoffice-calc,libreoffice-script-provider-python,python3-uno,\
#     fonts-liberation2,xvfb,xauth,xdotool,openbox,imagemagick,procps trixie /work/chroot-lo-trixie
# (bookworm-backports: add --aptopt='APT::Default-Release "bookworm-backports"' and both
# suites' "deb http://deb.debian.org/debian bookworm[-backports] main" lines; sid: the
# mirror's Release file may be past its Valid-Until date, add
# --aptopt='Acquire::Check-Valid-Until "false"'.)
#
# In a tree, the repository is bind-mounted at its own path, with /proc,
# /dev, /dev/pts, /dev/shm and a fresh /tmp, and the test runs under the
# tree's own python3 (its python3-uno); the mounts are always undone.
# Prints the LibreOffice version and the test's verdict; exit code: the test's.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,12p "$0" >&2; exit 2; }
root=$(realpath "$1"); oxt=$(realpath "$2"); shift 2
repo=$(cd "$(dirname "$0")/.." && pwd)
name=$(basename "$root"); [ "$root" = / ] && name=host
out=${FULLSHEET_OUT:-$repo/build/fullsheet-$name}
mkdir -p "$out"
cmd=(env "PYTHONPATH=$repo/python:$repo/tests:$repo/tests/menu" python3 "$repo/tests/menu/test_fullsheet_gui.py"
     --oxt "$oxt" --workdir "$out/work" --out "$out" "$@")
version() { "$@" dpkg-query -W -f '${Version}\n' libreoffice-calc 2>/dev/null || echo unknown; }
if [ "$root" = / ]; then
  echo "fullsheet: LibreOffice $(version) (this machine)"
  "${cmd[@]/#python3//usr/bin/python3}"
  exit
fi
[ -x "$root/usr/lib/libreoffice/program/soffice.bin" ] || { echo "fullsheet: no LibreOffice in $root" >&2; exit 2; }
echo "fullsheet: LibreOffice $(version chroot "$root") in $root"
mounted=()
watcher=""
cleanup() {
  local i
  [ -z "$watcher" ] || kill "$watcher" 2>/dev/null || true
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() {  # bind SRC (at the same path inside the tree)
  mkdir -p "$root$1"
  mount --bind "$1" "$root$1"
  mounted+=("$root$1")
}
mkdir -p "$root/proc" "$root/tmp"
mount -t proc proc "$root/proc"; mounted+=("$root/proc")
bind /dev; bind /dev/pts; bind /dev/shm
mount -t tmpfs tmpfs "$root/tmp"; mounted+=("$root/tmp")
bind "$repo"
case "$oxt" in "$repo"/*) ;; *) bind "$(dirname "$oxt")" ;; esac
mkdir -p "$out"
if [ -n "${FULLSHEET_GDB:-}" ]; then
  # FULLSHEET_GDB=1: gdb (this machine's) attaches to the tree's soffice.bin
  # and writes the stack of the signal that ends it to $out/gdb.txt.
  (
    tried=" "
    for _ in $(seq 900); do
      for p in $(pgrep -x soffice.bin); do
        case "$tried" in *" $p "*) continue ;; esac
        tried+="$p "
        [ "$(readlink "/proc/$p/root")" = "$root" ] || continue
        # soffice.bin restarts itself once on a new profile: the stack kept
        # is the first one gdb saw ending on a signal.
        gdb -q -batch -p "$p" -ex "set sysroot $root" -ex "handle SIGPIPE nostop noprint" \
            -ex continue -ex "bt 40" > "$out/gdb.tmp" 2>&1 || true
        if grep -q "received signal" "$out/gdb.tmp"; then mv "$out/gdb.tmp" "$out/gdb.txt"; exit 0; fi
      done
      sleep 0.2
    done
  ) &
  watcher=$!
fi
chroot "$root" "${cmd[@]}"
