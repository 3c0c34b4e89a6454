#include "application/check_readiness.hpp"

namespace brandos::application {

const char* to_string(HealthStatus s) {
  switch (s) {
    case HealthStatus::ok:
      return "ok";
    case HealthStatus::degraded:
      return "degraded";
    case HealthStatus::down:
      return "down";
  }
  return "down";
}

boost::asio::awaitable<Readiness> CheckReadiness::operator()() const {
  Readiness readiness;
  readiness.checks.reserve(probes_.size());
  for (DependencyProbe* probe : probes_) {
    const ProbeResult r = co_await probe->probe();
    DependencyHealth h;
    h.name = probe->name();
    h.latency_ms = static_cast<double>(r.latency.count()) / 1000.0;
    if (r.up) {
      h.status = HealthStatus::ok;
    } else if (probe->required()) {
      h.status = HealthStatus::down;
      readiness.status = HealthStatus::down;
    } else {
      h.status = HealthStatus::degraded;
      if (readiness.status == HealthStatus::ok) readiness.status = HealthStatus::degraded;
    }
    readiness.checks.push_back(std::move(h));
  }
  co_return readiness;
}

}  // namespace brandos::application
