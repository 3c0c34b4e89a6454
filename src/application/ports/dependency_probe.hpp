#pragma once
// Port: checks that one dependency the service talks to (database, cache, broker) answers.
// Implementations must bound their own wait (a probe never hangs) and never throw for an
// unreachable dependency: that is an expected outcome, reported in ProbeResult.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>

namespace brandos::application {

struct ProbeResult {
  bool up = false;
  std::chrono::microseconds latency{0};
  std::string detail;  // short, operator-facing; never credentials or SQL
};

class DependencyProbe {
 public:
  virtual ~DependencyProbe() = default;
  virtual const std::string& name() const = 0;
  // A required dependency down makes the service "down" (503); an optional one (fail-open cache,
  // rate-limit store) only "degraded".
  virtual bool required() const = 0;
  virtual boost::asio::awaitable<ProbeResult> probe() = 0;
};

}  // namespace brandos::application
