#!/usr/bin/env bash
# From a fresh Debian 12 machine to a running server: installs dependencies, builds, and runs
# `brandos serve` on its zero-configuration default (127.0.0.1:8080, its own PostgreSQL under
# ./brandos-data). Arguments are passed to `brandos serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec build/brandos serve "$@"
