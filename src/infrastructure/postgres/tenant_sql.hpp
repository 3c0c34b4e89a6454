#pragma once
// The statements that set a transaction's tenant: used by TenantSession alone
// (scripts/check_tenant_scope.sh fails the tests if any other source sets app.tenant_id). A
// header so the benchmark's SQL can be checked against them.
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::tenant_sql {

// The tenant setting is transaction-local (is_local = true): it ends with the transaction, so a
// pooled connection never carries one request's tenant into the next. now() rides along.
inline constexpr Query kSetTenant{"tenant.set", R"sql(
SELECT set_config('app.tenant_id', $1, true),
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now)sql"};
// Before sign-in the tenant is resolved from a slug or a refresh token's hash by SECURITY
// DEFINER functions (migration 0002); an unknown one sets '' and every tenant table reads empty.
inline constexpr Query kSetTenantOfSlug{"tenant.set_of_slug", R"sql(
SELECT set_config('app.tenant_id', coalesce(brandos.tenant_id_for_slug($1)::text, ''), true),
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now)sql"};
inline constexpr Query kSetTenantOfRefreshToken{"tenant.set_of_refresh_token", R"sql(
SELECT set_config('app.tenant_id',
                  coalesce(brandos.tenant_id_for_refresh_token($1::bytea)::text, ''), true),
       to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now)sql"};

}  // namespace brandos::pg::tenant_sql
