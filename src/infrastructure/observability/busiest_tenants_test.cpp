#include "infrastructure/observability/busiest_tenants.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace brandos::observability {
namespace {

using namespace std::chrono_literals;
using Clock = BusiestTenants::Clock;

domain::Uuid tenant(std::uint8_t n) {
  domain::Uuid::Bytes b{};
  b[6] = 0x70;
  b[15] = n;
  b[8] = n;
  return domain::Uuid(b);
}

TEST(BusiestTenants, PublishesTheTopTenantsOfTheLastClosedWindowAndSumsTheRest) {
  const auto t0 = Clock::now();
  BusiestTenants busiest(2, 10s, 256, t0);
  for (int i = 0; i < 50; ++i) busiest.record(tenant(1), t0 + 1s);
  for (int i = 0; i < 30; ++i) busiest.record(tenant(2), t0 + 2s);
  for (int i = 0; i < 20; ++i) busiest.record(tenant(3), t0 + 3s);
  busiest.record(tenant(4), t0 + 4s);
  EXPECT_TRUE(busiest.rates(t0 + 5s).empty());  // the first window is still open

  const auto rates = busiest.rates(t0 + 10s);
  ASSERT_EQ(rates.size(), 3u);
  EXPECT_EQ(rates[0].first, tenant(1).to_string());
  EXPECT_DOUBLE_EQ(rates[0].second, 5.0);  // 50 over 10 s
  EXPECT_EQ(rates[1].first, tenant(2).to_string());
  EXPECT_DOUBLE_EQ(rates[1].second, 3.0);
  EXPECT_EQ(rates[2].first, "other");
  EXPECT_DOUBLE_EQ(rates[2].second, 2.1);  // 21 over 10 s

  // The next window counts afresh; one with no requests at all publishes nothing.
  busiest.record(tenant(3), t0 + 12s);
  ASSERT_EQ(busiest.rates(t0 + 21s).size(), 1u);
  EXPECT_EQ(busiest.rates(t0 + 21s)[0].first, tenant(3).to_string());
  EXPECT_TRUE(busiest.rates(t0 + 45s).empty());
}

TEST(BusiestTenants, HoldsAtMostTrackedTenantsAndStillFindsTheBusiestOne) {
  const auto t0 = Clock::now();
  BusiestTenants busiest(1, 10s, 4, t0);
  // A long tail of 200 tenants seen twice each, around one tenant with 200 requests: over N/k
  // (600 / 4) requests, which Space-Saving guarantees to hold whatever the order.
  for (int round = 0; round < 2; ++round)
    for (int i = 0; i < 200; ++i) {
      busiest.record(tenant(static_cast<std::uint8_t>(10 + i % 200)), t0 + 1s);
      if (i % 2 == 0) busiest.record(tenant(1), t0 + 1s);
    }
  const auto rates = busiest.rates(t0 + 10s);
  ASSERT_EQ(rates.size(), 2u);  // bounded: one tenant and "other", whatever the tail
  EXPECT_EQ(rates[0].first, tenant(1).to_string());
  // Its own count is never over-stated; everything adds up to the requests made.
  EXPECT_LE(rates[0].second, 20.0);
  EXPECT_GT(rates[0].second, 0.0);
  EXPECT_DOUBLE_EQ(rates[0].second + rates[1].second, (400 + 200) / 10.0);
}

TEST(BusiestTenants, ThreadsCountInShardsOfTheirOwnAndTheRatesAddThemUp) {
  const auto t0 = Clock::now();
  BusiestTenants busiest(1, 10s, 256, t0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&busiest, t0, t] {
      for (int i = 0; i < 1000; ++i) busiest.record(tenant(1), t0 + 1s);
      for (int i = 0; i < 100; ++i)
        busiest.record(tenant(static_cast<std::uint8_t>(2 + t)), t0 + 1s);
    });
  for (auto& th : threads) th.join();
  const auto rates = busiest.rates(t0 + 10s);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates[0].first, tenant(1).to_string());
  EXPECT_DOUBLE_EQ(rates[0].second, 400.0);  // 4,000 over 10 s, from four shards
  EXPECT_DOUBLE_EQ(rates[1].second, 40.0);   // the other four tenants' 400
}

TEST(BusiestTenants, AreExposedAsOneGaugeFamily) {
  Registry registry;
  BusiestTenants busiest(1, std::chrono::milliseconds(100'000));
  busiest.register_metrics(registry);
  EXPECT_NE(registry.expose().find("# TYPE brandos_tenant_requests_per_second gauge"),
            std::string::npos);
}

}  // namespace
}  // namespace brandos::observability
