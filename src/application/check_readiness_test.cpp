#include "application/check_readiness.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace brandos::application {
namespace {

class FakeProbe final : public DependencyProbe {
 public:
  FakeProbe(std::string name, bool required, bool up)
      : name_(std::move(name)), required_(required), up_(up) {}
  const std::string& name() const override { return name_; }
  bool required() const override { return required_; }
  boost::asio::awaitable<ProbeResult> probe() override {
    co_return ProbeResult{up_, std::chrono::microseconds(1500), up_ ? "" : "refused"};
  }

 private:
  std::string name_;
  bool required_;
  bool up_;
};

Readiness run(const CheckReadiness& check) {
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(io, check(), boost::asio::use_future);
  io.run();
  return f.get();
}

TEST(CheckReadiness, AllUpIsOk) {
  FakeProbe db("database", true, true);
  const Readiness r = run(CheckReadiness({&db}));
  EXPECT_EQ(r.status, HealthStatus::ok);
  ASSERT_EQ(r.checks.size(), 1u);
  EXPECT_EQ(r.checks[0].name, "database");
  EXPECT_DOUBLE_EQ(r.checks[0].latency_ms, 1.5);
}

TEST(CheckReadiness, OptionalDownIsDegraded) {
  FakeProbe db("database", true, true);
  FakeProbe cache("cache", false, false);
  const Readiness r = run(CheckReadiness({&db, &cache}));
  EXPECT_EQ(r.status, HealthStatus::degraded);
  EXPECT_EQ(r.checks[1].status, HealthStatus::degraded);
}

TEST(CheckReadiness, RequiredDownIsDownEvenIfOptionalAlsoDown) {
  FakeProbe cache("cache", false, false);
  FakeProbe db("database", true, false);
  const Readiness r = run(CheckReadiness({&cache, &db}));
  EXPECT_EQ(r.status, HealthStatus::down);
  EXPECT_EQ(r.checks[1].status, HealthStatus::down);
}

}  // namespace
}  // namespace brandos::application
