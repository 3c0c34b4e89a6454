#!/usr/bin/env bash
# Installs every Debian package that building, testing, benchmarking and running BrandOS needs.
# Idempotent: when everything is present it only checks (no apt-get update), so it is cheap to
# call from every entry point.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  clang clang-format clang-tidy clang-16 libclang-rt-16-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpq-dev postgresql-15 postgresql-client-15 postgresql-contrib
  librabbitmq-dev rabbitmq-server libssl-dev
  libsodium-dev libtomlplusplus-dev libcli11-dev libzxcvbn-dev john-data iso-codes
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk procps curl ca-certificates python3 prometheus chromium python3-websocket
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # The Debian postgresql package starts a cluster of its own on port 5432; BrandOS never uses it
  # (it manages its own clusters), so keep package installation from starting services.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The OpenAPI linter (Redocly CLI) and validating proxy (Prism) from the npm registry, pinned by
# tools/openapi/package-lock.json.
if ! command -v npm >/dev/null; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x "$root/tools/openapi/node_modules/.bin/redocly" ] ||
  [ ! -x "$root/tools/openapi/node_modules/.bin/prism" ]; then
  echo "setup: installing the OpenAPI linter and validating proxy"
  (cd "$root/tools/openapi" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "setup: all dependencies present"
