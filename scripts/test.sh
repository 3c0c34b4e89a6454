#!/usr/bin/env bash
# From a fresh Debian 12 machine to a green run of every test: installs dependencies, builds with
# warnings as errors, starts one real PostgreSQL cluster for the database tests, runs CTest
# (unit, database and black-box HTTP tests), the same tests again against an ASan + UBSan build,
# then the fuzzers for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DBRANDOS_WERROR=ON -DBRANDOS_TESTS=ON

pg_dir=$(mktemp -d /tmp/brandos-test-pg.XXXXXX)
cleanup() {
  build/brandos_test_cluster "$pg_dir" stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  # The RabbitMQ tests' nodes are stopped by the tests; the Erlang port mapper they started
  # outlives them. It refuses to stop while any node (a system broker, say) is registered.
  epmd -kill >/dev/null 2>&1 || true
}
trap cleanup EXIT
build/brandos_test_cluster "$pg_dir" start
export BRANDOS_TEST_PG_DIR=$pg_dir

ctest --test-dir build --output-on-failure -j2 --timeout 300
scripts/sanitized_tests.sh
scripts/fuzz.sh "${BRANDOS_FUZZ_SECONDS:-20}"
