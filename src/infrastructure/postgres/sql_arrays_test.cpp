// Array literals carry whole order documents on the order path: quotes and backslashes must come
// through PostgreSQL's array parser unchanged, and absent ids must be NULL, not empty strings.
#include "infrastructure/postgres/sql_arrays.hpp"

#include <gtest/gtest.h>

namespace brandos::pg {
namespace {

TEST(SqlArrays, TextElementsAreQuotedAndEscaped) {
  EXPECT_EQ(text_array({}), "{}");
  EXPECT_EQ(text_array({"a", ""}), R"({"a",""})");
  EXPECT_EQ(text_array({R"({"name":"say \"hi\""})", "back\\slash", "NULL"}),
            R"({"{\"name\":\"say \\\"hi\\\"\"}","back\\slash","NULL"})");
}

TEST(SqlArrays, AbsentIdsAreNull) {
  const auto id = domain::Uuid::parse("0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b");
  ASSERT_TRUE(id);
  EXPECT_EQ(nullable_uuid_array(std::vector<std::optional<domain::Uuid>>{id, std::nullopt}),
            "{0191a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b,NULL}");
  // A text "NULL" stays a string; only an absent one is NULL.
  EXPECT_EQ(nullable_text_array({std::string("NULL"), std::nullopt, std::string("a\"b")}),
            R"({"NULL",NULL,"a\"b"})");
}

}  // namespace
}  // namespace brandos::pg
