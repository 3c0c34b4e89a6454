#!/usr/bin/env bash
# The dependency rule of ARCHITECTURE.md, checked on every #include: each layer may include only
# itself and the layers listed for it. Exits non-zero naming each violation.
set -euo pipefail
src=${1:-$(dirname "$0")/../src}
declare -A allowed=(
  [domain]="domain"
  [application]="domain application"
  [infrastructure]="domain application infrastructure"
  [api]="domain application api"
  [app]="domain application infrastructure api app"
)
status=0
for layer in "${!allowed[@]}"; do
  [ -d "$src/$layer" ] || continue
  while IFS=: read -r file line include; do
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$include")
    ok=0
    for a in ${allowed[$layer]}; do [ "$target" = "$a" ] && ok=1; done
    if [ $ok = 0 ]; then
      echo "layer violation: $file:$line: $layer must not include $target"
      status=1
    fi
  done < <(grep -rnE '^#include "(domain|application|infrastructure|api|app)/' "$src/$layer" || true)
done
# The domain uses the standard library only: no Boost, no drivers.
if grep -rnE '^#include <(boost|libpq|sodium|pq)' "$src/domain"; then
  echo "layer violation: the domain includes a non-standard header"
  status=1
fi
[ $status = 0 ] && echo "layer dependencies: ok"
exit $status
