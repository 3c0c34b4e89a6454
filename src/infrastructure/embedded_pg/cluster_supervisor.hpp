#pragma once
// Keeps the self-managed PostgreSQL running: a thread of its own checks twice a second that the
// postmaster is alive and, when it is not (SIGKILL, the OOM killer, a crash), starts it again,
// retrying with exponential backoff while PostgreSQL refuses (a backend of the dead server can
// hold its shared memory for a moment). Requests meanwhile fail fast with 503 and readiness
// reports the database down; the connection pools reconnect on their own once it is back.
//
// Its own thread because pg_ctl blocks; never on an I/O thread. Stop it before the cluster.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "infrastructure/embedded_pg/cluster.hpp"

namespace brandos::embedded_pg {

struct SupervisionOptions {
  std::chrono::milliseconds check_every{500};
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::seconds start_timeout{20};  // per attempt
};

// What happened, for logs and metrics: the server was found dead, a restart attempt failed
// (`error` says why, `retry_in` when the next comes), or it is running again (`attempts` taken).
struct SupervisionEvent {
  enum class Kind { found_dead, restart_failed, restarted } kind;
  int attempts = 0;
  std::chrono::milliseconds down_for{0};
  std::chrono::milliseconds retry_in{0};
  std::string error;
};

class ClusterSupervisor {
 public:
  ClusterSupervisor(Cluster& cluster, SupervisionOptions options,
                    std::function<void(const SupervisionEvent&)> report);
  ~ClusterSupervisor();
  ClusterSupervisor(const ClusterSupervisor&) = delete;
  ClusterSupervisor& operator=(const ClusterSupervisor&) = delete;

  // Waits for an attempt in progress (bounded by start_timeout), then returns.
  void stop();

 private:
  void run();
  // Sleeps for `d` or until stop(); false when stopping.
  bool wait(std::chrono::milliseconds d);

  Cluster& cluster_;
  SupervisionOptions options_;
  std::function<void(const SupervisionEvent&)> report_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace brandos::embedded_pg
