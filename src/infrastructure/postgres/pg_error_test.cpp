#include "infrastructure/postgres/pg_error.hpp"

#include <gtest/gtest.h>

namespace brandos::pg {
namespace {

TEST(PgError, MapsSqlstatesToKinds) {
  EXPECT_EQ(kind_from_sqlstate("23505"), ErrorKind::unique_violation);
  EXPECT_EQ(kind_from_sqlstate("23503"), ErrorKind::foreign_key_violation);
  EXPECT_EQ(kind_from_sqlstate("40001"), ErrorKind::serialization_failure);
  EXPECT_EQ(kind_from_sqlstate("40P01"), ErrorKind::deadlock_detected);
  EXPECT_EQ(kind_from_sqlstate("57014"), ErrorKind::query_canceled);
  EXPECT_EQ(kind_from_sqlstate("57P01"), ErrorKind::connection_failed);
  EXPECT_EQ(kind_from_sqlstate("08006"), ErrorKind::connection_failed);
  EXPECT_EQ(kind_from_sqlstate("22P02"), ErrorKind::data_exception);
  EXPECT_EQ(kind_from_sqlstate("42P01"), ErrorKind::undefined_object);
  EXPECT_EQ(kind_from_sqlstate("XX000"), ErrorKind::other);
  EXPECT_EQ(kind_from_sqlstate(""), ErrorKind::other);
}

TEST(PgError, ClassifiesRetryAndAvailability) {
  EXPECT_TRUE(Error{ErrorKind::serialization_failure}.retryable());
  EXPECT_FALSE(Error{ErrorKind::unique_violation}.retryable());
  EXPECT_TRUE(Error{ErrorKind::connection_failed}.unavailable());
  EXPECT_FALSE(Error{ErrorKind::check_violation}.unavailable());
}

}  // namespace
}  // namespace brandos::pg
