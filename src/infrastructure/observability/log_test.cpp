// Log lines are JSON an operator's tools parse: every string escaped, timestamps in RFC 3339 UTC
// with microseconds, numbers plain.
#include "infrastructure/observability/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <regex>

namespace brandos::observability {
namespace {

TEST(Log, EscapesWhatJsonNeedsAndCopiesTheRest) {
  std::string out;
  append_json_escaped(out, std::string_view("plain \"quoted\" back\\slash\nnew\ttab\x01 end", 38));
  EXPECT_EQ(out, R"(plain \"quoted\" back\\slash\nnew\ttab\u0001 end)");
  out.clear();
  append_json_escaped(out, "");
  EXPECT_EQ(out, "");
}

TEST(Log, LinesAreJsonWithAnRfc3339Timestamp) {
  ::testing::internal::CaptureStdout();
  log_info("order \"placed\"")
      .str("id", "a\\b")
      .num("count", std::int64_t{-42})
      .num("ms", 1.5)
      .write();
  flush_log();
  const std::string line = ::testing::internal::GetCapturedStdout();
  const auto v = boost::json::parse(line);
  EXPECT_EQ(v.at("event").as_string(), "order \"placed\"");
  EXPECT_EQ(v.at("id").as_string(), "a\\b");
  EXPECT_EQ(v.at("count").as_int64(), -42);
  EXPECT_NE(line.find("\"ms\":1.500"), std::string::npos) << line;
  EXPECT_TRUE(std::regex_match(std::string(v.at("ts").as_string()),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
      << line;
}

}  // namespace
}  // namespace brandos::observability
