#include "infrastructure/postgres/pg_error.hpp"

namespace brandos::pg {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connection_failed:
      return "connection_failed";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::pool_exhausted:
      return "pool_exhausted";
    case ErrorKind::query_canceled:
      return "query_canceled";
    case ErrorKind::unique_violation:
      return "unique_violation";
    case ErrorKind::foreign_key_violation:
      return "foreign_key_violation";
    case ErrorKind::not_null_violation:
      return "not_null_violation";
    case ErrorKind::check_violation:
      return "check_violation";
    case ErrorKind::exclusion_violation:
      return "exclusion_violation";
    case ErrorKind::serialization_failure:
      return "serialization_failure";
    case ErrorKind::deadlock_detected:
      return "deadlock_detected";
    case ErrorKind::insufficient_privilege:
      return "insufficient_privilege";
    case ErrorKind::data_exception:
      return "data_exception";
    case ErrorKind::undefined_object:
      return "undefined_object";
    case ErrorKind::syntax_error:
      return "syntax_error";
    case ErrorKind::read_only:
      return "read_only";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::other:
      return "other";
  }
  return "other";
}

ErrorKind kind_from_sqlstate(std::string_view s) {
  if (s.size() != 5) return ErrorKind::other;
  if (s == "23505") return ErrorKind::unique_violation;
  if (s == "23503") return ErrorKind::foreign_key_violation;
  if (s == "23502") return ErrorKind::not_null_violation;
  if (s == "23514") return ErrorKind::check_violation;
  if (s == "23P01") return ErrorKind::exclusion_violation;
  if (s == "40001") return ErrorKind::serialization_failure;
  if (s == "40P01") return ErrorKind::deadlock_detected;
  if (s == "42501") return ErrorKind::insufficient_privilege;
  if (s == "42601") return ErrorKind::syntax_error;
  if (s == "57014") return ErrorKind::query_canceled;
  if (s == "25006") return ErrorKind::read_only;
  // 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now: the server is going
  // away or not yet up; for the caller that is the same as a broken connection.
  if (s == "57P01" || s == "57P02" || s == "57P03") return ErrorKind::connection_failed;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "08") return ErrorKind::connection_failed;
  if (cls == "22") return ErrorKind::data_exception;
  if (cls == "42") return ErrorKind::undefined_object;
  return ErrorKind::other;
}

}  // namespace brandos::pg
