#!/usr/bin/env bash
# Runs every test: core unit tests, the docs check, and the integration tests
# inside real headless LibreOffice. Same set-up as the main job first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 "$@"
