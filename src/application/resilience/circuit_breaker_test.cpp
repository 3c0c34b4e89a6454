#include "application/resilience/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace brandos::application {
namespace {

using namespace std::chrono_literals;
using Clock = CircuitBreaker::Clock;

BreakerSettings settings() {
  return {3, 1000ms, 500ms, 1};
}

void fail(CircuitBreaker& b, Clock::time_point at) {
  auto p = b.admit(at);
  ASSERT_TRUE(p.allowed);
  b.failed(p, at);
}

TEST(CircuitBreaker, OpensAfterItsFailuresWithinTheWindowAndRefusesWithRetryAfter) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  fail(b, t0);
  fail(b, t0 + 10ms);
  EXPECT_EQ(b.state(), BreakerState::closed);
  fail(b, t0 + 20ms);
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_EQ(b.opened_total(), 1u);
  const auto refused = b.admit(t0 + 120ms);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 400ms);
  EXPECT_EQ(b.refused_total(), 1u);
  EXPECT_EQ(retry_after_seconds(refused.retry_after), 1);
}

TEST(CircuitBreaker, ADependencyKnownToBeBackIsProbedAtOnceAndTheProbeStillDecides) {
  CircuitBreaker b("postgres", settings());
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) fail(b, t0);
  ASSERT_EQ(b.state(), BreakerState::open);
  b.allow_probe_now(t0 + 10ms);  // well inside the 500 ms open period
  auto probe = b.admit(t0 + 11ms);
  ASSERT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_FALSE(b.admit(t0 + 12ms).allowed);  // one probe, as always
  b.failed(probe, t0 + 13ms);  // it was not back after all: open again, for a whole period
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_FALSE(b.admit(t0 + 400ms).allowed);
  // A closed breaker is left as it is.
  CircuitBreaker closed("postgres", settings());
  closed.allow_probe_now(t0);
  EXPECT_EQ(closed.state(), BreakerState::closed);
  EXPECT_FALSE(closed.admit(t0).probe);
}

TEST(CircuitBreaker, RefusingTellsWhatAdmitWouldWithoutTakingTheProbe) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  EXPECT_FALSE(b.refusing(t0));
  for (int i = 0; i < 3; ++i) fail(b, t0);
  EXPECT_EQ(b.refusing(t0 + 100ms), 400ms);
  EXPECT_FALSE(b.refusing(t0 + 600ms));    // the next call may probe
  EXPECT_TRUE(b.admit(t0 + 600ms).probe);  // still there for it
  EXPECT_TRUE(b.refusing(t0 + 610ms));     // probe out: refused
}

TEST(CircuitBreaker, FailuresSpreadWiderThanTheWindowOrBrokenBySuccessDoNotOpenIt) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  fail(b, t0);
  fail(b, t0 + 10ms);
  fail(b, t0 + 1500ms);  // the first two are outside the window now
  EXPECT_EQ(b.state(), BreakerState::closed);
  fail(b, t0 + 1510ms);
  auto ok = b.admit(t0 + 1520ms);
  b.succeeded(ok, t0 + 1520ms);
  fail(b, t0 + 1530ms);
  EXPECT_EQ(b.state(), BreakerState::closed);
}

TEST(CircuitBreaker, AfterOpenForOneProbeGoesItsSuccessClosesItsFailureReopens) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) fail(b, t0);
  ASSERT_EQ(b.state(), BreakerState::open);
  auto probe = b.admit(t0 + 600ms);
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  EXPECT_EQ(b.state(), BreakerState::half_open);
  EXPECT_FALSE(b.admit(t0 + 601ms).allowed);  // one probe at a time
  b.failed(probe, t0 + 700ms);
  EXPECT_EQ(b.state(), BreakerState::open);
  EXPECT_EQ(b.opened_total(), 2u);
  EXPECT_FALSE(b.admit(t0 + 800ms).allowed);
  auto second = b.admit(t0 + 1300ms);
  ASSERT_TRUE(second.probe);
  b.succeeded(second, t0 + 1310ms);
  EXPECT_EQ(b.state(), BreakerState::closed);
  EXPECT_TRUE(b.admit(t0 + 1320ms).allowed);
}

TEST(CircuitBreaker, ALateReportOfAProbeFromAnEarlierOpeningDecidesNothing) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) fail(b, t0);
  const auto stale = b.admit(t0 + 600ms);  // written off later, reported late
  ASSERT_TRUE(stale.probe);
  auto second = b.admit(t0 + 1200ms);
  ASSERT_TRUE(second.probe);
  b.failed(second, t0 + 1210ms);  // opened again
  auto third = b.admit(t0 + 1800ms);
  ASSERT_TRUE(third.probe);
  b.succeeded(stale, t0 + 1810ms);  // from the first opening: ignored
  EXPECT_EQ(b.state(), BreakerState::half_open);
  b.failed(third, t0 + 1820ms);
  EXPECT_EQ(b.state(), BreakerState::open);
}

TEST(CircuitBreaker, AProbeNeverReportedIsWrittenOffAfterOpenFor) {
  CircuitBreaker b("gateway", settings());
  const auto t0 = Clock::now();
  for (int i = 0; i < 3; ++i) fail(b, t0);
  ASSERT_TRUE(b.admit(t0 + 600ms).probe);  // its caller never reports
  EXPECT_FALSE(b.admit(t0 + 900ms).allowed);
  EXPECT_TRUE(b.admit(t0 + 1100ms).probe);
}

}  // namespace
}  // namespace brandos::application
