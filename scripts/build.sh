#!/usr/bin/env bash
# Configures and builds BrandOS into build/ (ccache-backed, incremental). Extra arguments go to
# CMake's configure step, e.g. -DBRANDOS_WERROR=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys relative to the checkout, so a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
if [ ! -f build/build.ninja ] || [ $# -gt 0 ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
fi
cmake --build build
