#pragma once
// Driver errors become use-case failures here and nowhere else.
//
//  - the database is unreachable, timed out or out of connections, or the transaction lost a
//    deadlock or serialization conflict: unavailable (503, retry);
//  - a unique constraint the business knows (a taken slug, SKU or e-mail; a second owner): the
//    conflict it means (409);
//  - anything else is a bug (wrong SQL, a missing migration, a violated invariant): thrown as
//    DatabaseBug, which the API's error boundary logs and answers with a 500 without internals.
#include <stdexcept>

#include "application/failure.hpp"
#include "infrastructure/postgres/pg_error.hpp"

namespace brandos::pg {

class DatabaseBug : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the failure, or throws DatabaseBug.
application::Failure failure_or_throw(const Error& e);

}  // namespace brandos::pg
