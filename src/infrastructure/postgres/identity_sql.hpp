#pragma once
// SQL of IdentityRepository that the benchmark replays (see order_sql.hpp).

namespace brandos::pg::identity_sql {

// The per-request re-read of the caller (one statement, fit for the multiplexed connection).
inline constexpr const char* kAuthenticatedUser =
    "SELECT role, email, name FROM brandos.authenticated_user($1, $2)";

}  // namespace brandos::pg::identity_sql
