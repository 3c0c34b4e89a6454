#!/usr/bin/env bash
# Tenant scoping exists in one place: only src/infrastructure/postgres/tenant_sql.hpp may set
# app.tenant_id (TenantSession sends it at the start of every transaction of a unit of work), and
# no #define is left in the PostgreSQL adapter (SQL is named raw-string constants). Tests may set
# the tenant by hand to prove row-level security, so *_test.cpp and *_pgtest.cpp are not scanned.
set -euo pipefail
src=${1:-$(dirname "$0")/../src}
status=0
while IFS= read -r hit; do
  echo "app.tenant_id is set outside the unit of work: $hit" >&2
  status=1
done < <(grep -rnE "app\.tenant_id'" "$src" --include='*.cpp' --include='*.hpp' \
           --exclude='*_test.cpp' --exclude='*_pgtest.cpp' |
         grep -v "^$src/infrastructure/postgres/tenant_sql.hpp:" || true)
if ! grep -q "app.tenant_id'" "$src/infrastructure/postgres/tenant_sql.hpp"; then
  echo "tenant_sql.hpp no longer sets app.tenant_id: where did tenant scoping go?" >&2
  status=1
fi
while IFS= read -r hit; do
  echo "#define in the PostgreSQL adapter: $hit" >&2
  status=1
done < <(grep -rn "^\s*#\s*define" "$src/infrastructure/postgres" || true)
exit $status
