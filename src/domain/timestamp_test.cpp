#include "domain/timestamp.hpp"

#include <gtest/gtest.h>

namespace brandos::domain {
namespace {

TEST(Rfc3339, ReadsUtcOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339_us("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339_us("2026-11-27T14:35:06Z"), 1795790106LL * 1'000'000);
  EXPECT_EQ(parse_rfc3339_us("2026-11-27T15:35:06.25+01:00"), 1795790106LL * 1'000'000 + 250000);
  EXPECT_EQ(parse_rfc3339_us("1970-01-01T00:00:00.000001z"), 1);
  EXPECT_EQ(parse_rfc3339_us("2024-02-29T23:59:59Z"), 1709251199LL * 1'000'000);
}

TEST(Rfc3339, RefusesWhatIsNotAnInstant) {
  for (const char* bad :
       {"", "2026-11-27", "2026-11-27 14:35:06Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-31T00:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:60:00Z",
        "2026-11-27T23:59:60Z", "2026-11-27T14:35:06", "2026-11-27T14:35:06.Z",
        "2026-11-27T14:35:06+0100", "2026-11-27T14:35:06+24:00", "2026-11-27T14:35:06Zjunk",
        "yesterday", "2026-1a-27T14:35:06Z"})
    EXPECT_FALSE(parse_rfc3339_us(bad).has_value()) << bad;
}

}  // namespace
}  // namespace brandos::domain
