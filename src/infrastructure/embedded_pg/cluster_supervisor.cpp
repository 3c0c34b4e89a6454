#include "infrastructure/embedded_pg/cluster_supervisor.hpp"

#include <algorithm>
#include <exception>

namespace brandos::embedded_pg {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

ClusterSupervisor::ClusterSupervisor(Cluster& cluster, SupervisionOptions options,
                                     std::function<void(const SupervisionEvent&)> report)
    : cluster_(cluster), options_(options), report_(std::move(report)) {
  thread_ = std::thread([this] { run(); });
}

ClusterSupervisor::~ClusterSupervisor() {
  stop();
}

void ClusterSupervisor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ClusterSupervisor::wait(milliseconds d) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, d, [this] { return stopping_; });
}

void ClusterSupervisor::run() {
  while (wait(options_.check_every)) {
    if (cluster_.postmaster_alive()) continue;
    const auto down_since = Clock::now();
    auto down_for = [&] {
      return std::chrono::duration_cast<milliseconds>(Clock::now() - down_since);
    };
    report_(SupervisionEvent{SupervisionEvent::Kind::found_dead, 0, milliseconds(0),
                             milliseconds(0), ""});
    milliseconds backoff = options_.first_backoff;
    for (int attempt = 1;; ++attempt) {
      try {
        cluster_.restart_after_crash(options_.start_timeout);
        report_(SupervisionEvent{SupervisionEvent::Kind::restarted, attempt, down_for(),
                                 milliseconds(0), ""});
        break;
      } catch (const std::exception& e) {
        report_(SupervisionEvent{SupervisionEvent::Kind::restart_failed, attempt, down_for(),
                                 backoff, e.what()});
      }
      if (!wait(backoff)) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }
}

}  // namespace brandos::embedded_pg
