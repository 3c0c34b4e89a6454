#include "infrastructure/observability/error_tracker.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace brandos::observability {
namespace {

TEST(ErrorTracker, GroupsByWhereAndTheMessageWithItsIdsAndNumbersBlanked) {
  EXPECT_EQ(ErrorTracker::normalized("order 01a22168-55d7-7000-a38c-e4cc7ba43619 has 3 items"),
            "order # has # items");
  EXPECT_EQ(ErrorTracker::normalized("cafe bad deed"), "cafe bad deed");  // words stay
  Registry registry;
  ErrorTracker t(registry);
  t.record("http POST /v1/orders", "database: other 42P01 relation 7 does not exist");
  t.record("http POST /v1/orders", "database: other 42P01 relation 8 does not exist");
  t.record("task job:housekeeping", "database: other 42P01 relation 7 does not exist");
  const auto doc = boost::json::parse(t.to_json());
  const auto& errors = doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("where").as_string(), "task job:housekeeping");  // newest first
  EXPECT_EQ(errors[1].at("count").as_int64(), 2);
  EXPECT_NE(registry.expose().find("unhandled_errors_total 3"), std::string::npos);
}

TEST(ErrorTracker, KeepsAtMostItsLimitOfFingerprints) {
  Registry registry;
  ErrorTracker t(registry, 3);
  for (const char* where : {"a", "b", "c", "d", "e"}) t.record(where, "boom");
  const auto doc = boost::json::parse(t.to_json());
  const auto& errors = doc.at("errors").as_array();
  ASSERT_EQ(errors.size(), 4u);  // three, and the overflow group with the other two
  EXPECT_EQ(errors[0].at("fingerprint").as_string(), "overflow");
  EXPECT_EQ(errors[0].at("count").as_int64(), 2);
}

}  // namespace
}  // namespace brandos::observability
