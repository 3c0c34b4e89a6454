#include "infrastructure/observability/operator_history.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>

namespace brandos::observability {
namespace {

namespace json = boost::json;

double at(const json::value& h, const char* series, std::size_t i) {
  const auto& v = h.at(series).as_array().at(i);
  return v.is_null() ? std::nan("") : v.to_number<double>();
}

TEST(OperatorHistory, QuantileInterpolatesInsideTheBucketLikePrometheus) {
  const std::vector<double> bounds{0.1, 0.2, 0.4};
  // 10 observations between the snapshots: 4 up to 0.1, 4 in (0.1, 0.2], 2 in (0.2, 0.4].
  const std::vector<std::uint64_t> before{5, 5, 5, 5};
  const std::vector<std::uint64_t> after{9, 13, 15, 15};
  EXPECT_DOUBLE_EQ(OperatorHistory::quantile(bounds, before, after, 0.5), 0.125);
  EXPECT_DOUBLE_EQ(OperatorHistory::quantile(bounds, before, after, 0.2), 0.05);
  EXPECT_DOUBLE_EQ(OperatorHistory::quantile(bounds, before, after, 0.9), 0.3);
  // Nothing observed in between: no figure rather than zero.
  EXPECT_TRUE(std::isnan(OperatorHistory::quantile(bounds, after, after, 0.5)));
  // Observations past the last bound answer the last bound.
  EXPECT_DOUBLE_EQ(OperatorHistory::quantile(bounds, {0, 0, 0, 0}, {0, 0, 0, 3}, 0.99), 0.4);
}

TEST(OperatorHistory, RatesAreTakenOverEachStepAndWindowsTrailTheSample) {
  Registry registry;
  auto& ok = registry.counter("http_requests_total", "", {{"route", "/a"}, {"status", "200"}});
  auto& failed = registry.counter("http_requests_total", "", {{"route", "/a"}, {"status", "503"}});
  auto& latency =
      registry.histogram("http_request_duration_seconds", "", {{"route", "/a"}}, latency_buckets());
  auto& created = registry.counter("brandos_orders_created_total", "");
  auto& eur = registry.counter("brandos_revenue_minor_units_total", "", {{"currency", "EUR"}});
  registry.counter("cache_requests_total", "", {{"cache", "principals"}, {"result", "hit"}}).inc(3);
  registry.counter("cache_requests_total", "", {{"cache", "principals"}, {"result", "miss"}}).inc();
  OperatorHistory history(registry, 1000);

  history.sample(1000, 1000);  // the baseline
  ok.inc(20);
  failed.inc(5);
  for (int i = 0; i < 10; ++i) latency.observe(0.003);
  created.inc(3);
  eur.inc(1500);
  history.sample(1010, 1010);
  history.sample(1040, 1040);  // a quiet step
  created.inc(2);
  history.sample(1070, 1070);  // the first three orders are over a minute old now
  eur.inc(700);
  history.sample(4610, 4610);  // over an hour after the first 1500

  const json::value h = json::parse(history.to_json(24 * 3600));
  ASSERT_EQ(h.at("t").as_array().size(), 4u);
  EXPECT_DOUBLE_EQ(at(h, "requests_per_second", 0), 2.5);  // 25 over 10 s
  EXPECT_DOUBLE_EQ(at(h, "server_errors_per_second", 0), 0.5);
  EXPECT_DOUBLE_EQ(at(h, "requests_per_second", 1), 0);
  EXPECT_GT(at(h, "latency_p50_ms", 0), 2.5);  // in the (2.5 ms, 5 ms] bucket
  EXPECT_LE(at(h, "latency_p50_ms", 0), 5);
  EXPECT_TRUE(std::isnan(at(h, "latency_p99_ms", 1)));  // nothing served: a gap, not 0
  EXPECT_DOUBLE_EQ(at(h, "orders_per_minute", 0), 3);
  EXPECT_DOUBLE_EQ(at(h, "orders_per_minute", 1), 3);
  EXPECT_DOUBLE_EQ(at(h, "orders_per_minute", 2), 2);  // 1070 - 60 = 1010: only the new two
  const auto& revenue = h.at("revenue_last_hour").at("EUR");
  EXPECT_DOUBLE_EQ(revenue.at(0).to_number<double>(), 1500);
  EXPECT_DOUBLE_EQ(revenue.at(3).to_number<double>(), 700);  // the 1500 left the hour

  // A shorter window keeps only its samples, with one before it for the first step's rate.
  const json::value recent = json::parse(history.to_json(30));
  EXPECT_EQ(recent.at("t").as_array().size(), 1u);
  EXPECT_EQ(recent.at("t").at(0).to_number<double>(), 4610);
  EXPECT_DOUBLE_EQ(recent.at("now").at("cache_hit_ratio").to_number<double>(), 0.75);
}

TEST(OperatorHistory, StepsAreMeasuredByTheSteadyClockWhateverTheWallClockDoes) {
  Registry registry;
  auto& ok = registry.counter("http_requests_total", "", {{"status", "200"}});
  OperatorHistory history(registry, 100);
  history.sample(5000, 10);
  ok.inc(100);
  history.sample(4000, 20);  // the wall clock was set back an hour: still 10 s later
  history.sample(9000, 15);  // a steady clock never goes back: not a sample
  const json::value h = json::parse(history.to_json(3600));
  ASSERT_EQ(h.at("t").as_array().size(), 1u);
  EXPECT_EQ(h.at("t").at(0).to_number<double>(), 4000);  // shown as the wall clock said
  EXPECT_DOUBLE_EQ(at(h, "requests_per_second", 0), 10);
}

TEST(OperatorHistory, ALongWindowIsShownInCoarserStepsThatSkipNothing) {
  Registry registry;
  auto& ok = registry.counter("http_requests_total", "", {{"status", "200"}});
  OperatorHistory history(registry, 1000);
  for (int i = 0; i <= 100; ++i) {
    history.sample(i, i);
    ok.inc(static_cast<std::uint64_t>(i));  // a rising rate
  }
  const json::value h = json::parse(history.to_json(3600, 10));
  ASSERT_EQ(h.at("t").as_array().size(), 10u);  // 100 steps of 1 s in 10 steps of 10 s
  double requests = 0;
  for (std::size_t i = 0; i < 10; ++i) requests += at(h, "requests_per_second", i) * 10;
  EXPECT_DOUBLE_EQ(requests, 99 * 100 / 2.0);  // every request counted once
  EXPECT_EQ(h.at("t").at(9).to_number<double>(), 100);
}

TEST(OperatorHistory, KeepsAtMostItsCapacityAndReportsTheBreakersAndGauges) {
  Registry registry;
  int state = 1;
  registry.gauge("circuit_breaker_state", "", {{"dependency", "payment_gateway"}},
                 [&state] { return static_cast<double>(state); });
  registry.gauge("brandos_outbox_oldest_unpublished_seconds", "", {}, [] { return 12.5; });
  OperatorHistory history(registry, 3);
  for (int i = 0; i < 10; ++i) history.sample(100 + i, 100 + i);
  const json::value h = json::parse(history.to_json(3600));
  EXPECT_EQ(h.at("t").as_array().size(), 2u);  // 3 kept: 2 steps
  const auto& breakers = h.at("now").at("breakers").as_array();
  ASSERT_EQ(breakers.size(), 1u);
  EXPECT_EQ(breakers[0].at("dependency"), "payment_gateway");
  EXPECT_EQ(breakers[0].at("state"), "open");
  EXPECT_EQ(h.at("now").at("brandos_outbox_oldest_unpublished_seconds").to_number<double>(), 12.5);
  EXPECT_TRUE(h.at("now").at("db_pool_waiting").is_null());  // not registered on this node
  EXPECT_TRUE(h.at("now").at("cache_hit_ratio").is_null());  // no lookups yet
}

TEST(LabelValue, FindsAKeyOnlyAtALabelsStart) {
  EXPECT_EQ(label_value(R"({method="GET",status="503"})", "status"), "503");
  EXPECT_EQ(label_value(R"({xstatus="1",status="200"})", "status"), "200");
  EXPECT_EQ(label_value(R"({route="/a\"b",status="2"})", "route"), R"(/a\"b)");
  EXPECT_EQ(label_value("", "status"), "");
  EXPECT_EQ(label_value(R"({status="5)", "status"), "5");  // cut short: what there is
}

}  // namespace
}  // namespace brandos::observability
