#pragma once
// Expected failures of the PostgreSQL driver, with SQLSTATE classes mapped to the kinds callers
// act on (retry a serialization failure, turn a unique violation into 409, treat a lost
// connection as "dependency down"). Messages are for logs; never send them to API clients.
#include <string>
#include <string_view>

namespace brandos::pg {

enum class ErrorKind {
  connection_failed,       // could not connect, or the connection broke mid-flight (08*, 57P01..03)
  timeout,                 // our deadline passed (statement cancelled or connection abandoned)
  pool_exhausted,          // no connection became free before the acquire deadline
  query_canceled,          // 57014 caused by server-side statement_timeout or a cancel request
  unique_violation,        // 23505
  foreign_key_violation,   // 23503
  not_null_violation,      // 23502
  check_violation,         // 23514
  exclusion_violation,     // 23P01
  serialization_failure,   // 40001: retry the transaction
  deadlock_detected,       // 40P01: retry the transaction
  insufficient_privilege,  // 42501: includes row-level security WITH CHECK failures
  data_exception,          // 22*: bad input value for a type
  undefined_object,        // 42P01, 42883, 42703...: schema mismatch, a bug or a missing migration
  syntax_error,            // 42601
  read_only,               // 25006: write on a replica
  protocol,                // the driver or libpq misbehaved
  other,
};

const char* to_string(ErrorKind kind);
ErrorKind kind_from_sqlstate(std::string_view sqlstate);

struct Error {
  ErrorKind kind = ErrorKind::other;
  std::string sqlstate;    // five characters when the server reported the error, else empty
  std::string message;     // primary message
  std::string constraint;  // constraint name for integrity violations

  // True when the statement may be retried as a whole transaction.
  bool retryable() const {
    return kind == ErrorKind::serialization_failure || kind == ErrorKind::deadlock_detected;
  }
  // True when the dependency itself is unavailable (map to 503, not 500).
  bool unavailable() const {
    return kind == ErrorKind::connection_failed || kind == ErrorKind::timeout ||
           kind == ErrorKind::pool_exhausted || kind == ErrorKind::query_canceled;
  }
};

}  // namespace brandos::pg
