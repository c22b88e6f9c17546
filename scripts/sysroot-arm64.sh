#!/usr/bin/env bash
# Prints the path of an arm64 (aarch64) Debian 12 tree holding LibreOffice 7.4
# (Calc, its SDK, python3-uno), extracting it first if it is not there yet.
#
# Why a tree and not multiarch: arm64 UNO runtime packages cannot be installed
# beside the amd64 ones (apt would remove libreoffice-calc and python3-uno).
# mmdebstrap --variant=extract unpacks Debian's own arm64 packages without
# running them; the cross compiler builds against its headers and libraries,
# and qemu-aarch64 runs its soffice for the tests. About 600 MB and half a
# minute; kept in KPI_CACHE (default /var/cache/kpi-functions) so that later
# builds, fresh clones and CI on the same machine reuse it.
set -euo pipefail
cache=${KPI_CACHE:-/var/cache/kpi-functions}
dir=$cache/arm64-bookworm
stamp=$dir/.kpi-sysroot-v1
if [ -e "$stamp" ]; then echo "$dir"; exit 0; fi
command -v mmdebstrap >/dev/null || { echo "sysroot-arm64: mmdebstrap missing (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/arm64-tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "sysroot-arm64: extracting Debian 12 arm64 LibreOffice into $dir (once)" >&2
# The mirror is the one this machine's apt uses.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1=="deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
mmdebstrap --quiet --variant=extract --architectures=arm64 \
  --include=libreoffice-calc-nogui,libreoffice-dev,python3-uno,libreoffice-script-provider-python,libreoffice-l10n-fr,fonts-liberation2 \
  bookworm "$tmp/root" ${mirror:+"$mirror"} >&2
# soffice reads its configuration from etc/libreoffice/registry/*.xcd; the
# packages' maintainer scripts (not run by an extraction) put it there.
mkdir -p "$tmp/root/etc/libreoffice/registry"
cp "$tmp/root/usr/lib/libreoffice/share/.registry/"*.xcd "$tmp/root/etc/libreoffice/registry/"
touch "$tmp/root/.kpi-sysroot-v1"
rm -rf "$dir"
mv "$tmp/root" "$dir"
echo "$dir"
