#include "api/json_duplicate_keys.hpp"

#include <gtest/gtest.h>

namespace brandos::api {
namespace {

TEST(JsonDuplicateKeys, FindsAKeyRepeatedInOneObjectAtAnyDepth) {
  EXPECT_EQ(first_duplicate_key(R"({"a":1,"a":2})", 32), "a");
  EXPECT_EQ(first_duplicate_key(R"({"x":{"b":1,"c":[{"d":1,"d":2}]}})", 32), "d");
  // Escapes are decoded first: "\u0061" is "a".
  EXPECT_EQ(first_duplicate_key(R"({"a":1,"\u0061":2})", 32), "a");
}

TEST(JsonDuplicateKeys, AcceptsTheSameKeyInDifferentObjects) {
  EXPECT_EQ(first_duplicate_key(R"({"a":{"a":1},"b":[{"a":1},{"a":2}]})", 32), std::nullopt);
  EXPECT_EQ(first_duplicate_key(R"([{"id":1},{"id":2}])", 32), std::nullopt);
  EXPECT_EQ(first_duplicate_key(R"({"A":1,"a":2})", 32), std::nullopt);  // case matters
}

TEST(JsonDuplicateKeys, LeavesMalformedInputToTheParser) {
  EXPECT_EQ(first_duplicate_key(R"({"a":1,)", 32), std::nullopt);
  EXPECT_EQ(first_duplicate_key("", 32), std::nullopt);
  EXPECT_EQ(first_duplicate_key(std::string(100, '['), 32), std::nullopt);  // too deep
}

}  // namespace
}  // namespace brandos::api
