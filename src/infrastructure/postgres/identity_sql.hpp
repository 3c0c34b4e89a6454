#pragma once
// SQL of AuthenticatedUsers that the benchmark replays (see order_sql.hpp).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::identity_sql {

// The per-request re-read of the caller (one statement, fit for the multiplexed connection).
inline constexpr Query kAuthenticatedUser{"users.authenticated", R"sql(
SELECT role, email, name FROM brandos.authenticated_user($1, $2))sql"};

}  // namespace brandos::pg::identity_sql
