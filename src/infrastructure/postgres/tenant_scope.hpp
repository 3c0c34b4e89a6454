#pragma once
// What every tenant-scoped repository shares: running statements in one transaction that
// first sets app.tenant_id (so row-level security confines it), turning driver errors into
// use-case failures, and reading common column types.
#include <boost/asio/awaitable.hpp>
#include <vector>

#include "application/failure.hpp"
#include "domain/uuid.hpp"
#include "infrastructure/postgres/pool.hpp"

// RFC 3339 in UTC with milliseconds: the API's timestamp format, produced by the database.
#define BRANDOS_SQL_TS(col) \
  "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

namespace brandos::pg {

inline constexpr const char* kSetTenant = "SELECT set_config('app.tenant_id', $1, true)";

template <class... S>
std::vector<Statement> batch_of(S&&... statements) {
  std::vector<Statement> v;
  v.reserve(sizeof...(S));
  (v.push_back(std::forward<S>(statements)), ...);
  return v;
}

// BEGIN; set the tenant; the statements; COMMIT: one round trip, one transaction. Returns the
// statements' own results.
boost::asio::awaitable<Expected<std::vector<Result>>> in_tenant(Pool& pool,
                                                                const domain::Uuid& tenant,
                                                                std::vector<Statement> statements);

// Database trouble callers can act on is "unavailable" (503); anything else is a bug (wrong
// SQL, missing migration) and is thrown, to become a logged 500 without internals.
application::Failure unexpected_failure(const Error& e);

domain::Uuid uuid_at(const Result& r, int row, int col);

}  // namespace brandos::pg
