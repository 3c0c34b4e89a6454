#include "domain/uuid.hpp"

#include <gtest/gtest.h>

namespace brandos::domain {
namespace {

TEST(Uuid, V7CarriesTimeVersionAndVariant) {
  const std::array<std::uint8_t, 10> rnd{0xff, 0xff, 0xff, 0xff, 0xff,
                                         0xff, 0xff, 0xff, 0xff, 0xff};
  const Uuid id = Uuid::v7(0x0123456789ABULL, rnd);
  EXPECT_EQ(id.version(), 7);
  EXPECT_EQ(id.bytes()[8] & 0xC0, 0x80);
  EXPECT_EQ(id.unix_ms(), 0x0123456789ABULL);
  EXPECT_EQ(id.to_string(), "01234567-89ab-7fff-bfff-ffffffffffff");
}

TEST(Uuid, RoundTripsThroughCanonicalText) {
  const std::string text = "018f3a5e-7c1d-7b2a-9f00-0123456789ab";
  const auto id = Uuid::parse(text);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->to_string(), text);
}

TEST(Uuid, RejectsNonCanonicalText) {
  EXPECT_FALSE(Uuid::parse(""));
  EXPECT_FALSE(Uuid::parse("018F3A5E-7C1D-7B2A-9F00-0123456789AB"));  // uppercase
  EXPECT_FALSE(Uuid::parse("018f3a5e7c1d7b2a9f000123456789ab"));      // no dashes
  EXPECT_FALSE(Uuid::parse("018f3a5e-7c1d-7b2a-9f00-0123456789ag"));
  EXPECT_FALSE(Uuid::parse("018f3a5e-7c1d-7b2a-9f00_0123456789ab"));
  EXPECT_FALSE(Uuid::parse("018f3a5e-7c1d-7b2a-9f00-0123456789abc"));
}

TEST(Uuid, V7OrdersByTime) {
  const std::array<std::uint8_t, 10> hi{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const std::array<std::uint8_t, 10> lo{};
  EXPECT_LT(Uuid::v7(1000, hi), Uuid::v7(1001, lo));
}

}  // namespace
}  // namespace brandos::domain
