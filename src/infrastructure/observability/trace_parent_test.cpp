#include "infrastructure/observability/trace_parent.hpp"

#include <gtest/gtest.h>

namespace brandos::observability {
namespace {

TEST(TraceParent, ParsesOursAndRefusesAnythingElse) {
  const auto t = parse_trace_parent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(t->span_id, "00f067aa0ba902b7");
  EXPECT_TRUE(t->sampled);
  EXPECT_FALSE(
      parse_trace_parent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")->sampled);
  for (const char* bad : {"", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                          "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                          "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                          "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
                          "00-4bf92f3577b34da6a3ce929d0e0e4736+00f067aa0ba902b7-01"})
    EXPECT_FALSE(parse_trace_parent(bad)) << bad;
}

TEST(TraceParent, AChildKeepsTheTraceAndFlagsWithItsOwnSpan) {
  const auto t = parse_trace_parent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->child("1111111111111111").header(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-00");
}

}  // namespace
}  // namespace brandos::observability
