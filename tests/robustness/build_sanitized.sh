#!/usr/bin/env bash
# Builds the unit tests and the fuzzers with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer into a build tree of their own, then the further
# targets named (kpi_py: the Python module, fuzzed from Python; see CMakeLists.txt).
# usage: build_sanitized.sh SOURCE_DIR BUILD_DIR [TARGET...]
set -euo pipefail
src=$1 bld=$2
cmake -S "$src" -B "$bld" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_COMPILER=clang++ -DKPI_SANITIZE=ON -DKPI_CALC_TESTS=OFF -DKPI_CROSS_AARCH64=OFF >/dev/null
cmake --build "$bld" -j"$(nproc)" --target kpi_unit_tests fuzz_core fuzz_glue fuzz_state
if [ $# -gt 2 ]; then cmake --build "$bld" -j"$(nproc)" --target "${@:3}"; fi
