#!/usr/bin/env bash
# Runs the unit, database and black-box tests again against an AddressSanitizer +
# UndefinedBehaviorSanitizer build of everything (its own build directory, ccache-backed), so a
# use-after-free, overflow or undefined behaviour anywhere on those paths fails the run. Needs the
# test cluster of scripts/test.sh (BRANDOS_TEST_PG_DIR).
#
# Left out, with reason: the OpenAPI checks (no server code of ours runs in them beyond what the
# black-box tests already cover) and the memory-bound test (ASan's quarantine keeps freed memory
# on purpose, so resident memory says nothing there).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BRANDOS_TEST_PG_DIR:?run from scripts/test.sh, which starts the test cluster}"
# -O1 -g1: what the sanitizers recommend (line tables are enough for their reports), and far
# cheaper to compile than -O2 -g. The cache is keyed relative to the checkout, so a fresh clone
# elsewhere reuses it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DBRANDOS_SANITIZE=ON -DBRANDOS_TESTS=ON \
  >/dev/null  # warnings are the normal build's job (-Werror there); this build is for the runtime
cmake --build build-asan
# halt at the first report; leaks are reported too (the process's own deliberate, reachable
# singletons are not leaks to LeakSanitizer).
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j2 --timeout 300 \
  -E '^(openapi_lint|http_responses_match_openapi|http\.OpenApi\..*|http\.LoginAbuse\.HugeDistinctTenantValuesDoNotGrowMemory)$'
