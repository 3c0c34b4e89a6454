#pragma once
// Use case: is this node ready to take traffic? Aggregates every dependency probe into the
// ok / degraded / down verdict that load balancers and operators read from /health/ready.
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "application/ports/dependency_probe.hpp"

namespace brandos::application {

enum class HealthStatus { ok, degraded, down };
const char* to_string(HealthStatus s);

struct DependencyHealth {
  std::string name;
  HealthStatus status = HealthStatus::down;
  double latency_ms = 0;
};

struct Readiness {
  HealthStatus status = HealthStatus::ok;
  std::vector<DependencyHealth> checks;
};

// Not thread-safe: one instance per io_context, like the probes it holds (borrowed, not owned).
class CheckReadiness {
 public:
  explicit CheckReadiness(std::vector<DependencyProbe*> probes) : probes_(std::move(probes)) {}
  boost::asio::awaitable<Readiness> operator()() const;

 private:
  std::vector<DependencyProbe*> probes_;
};

}  // namespace brandos::application
