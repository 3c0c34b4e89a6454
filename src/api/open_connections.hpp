#pragma once
// The process-wide count of open client connections, shared by every HttpServer instance: the
// global cap, and what a graceful shutdown waits on. Waiting blocks on a condition variable that
// the last connection to close signals, so shutdown ends the moment the servers are drained.
//
// Thread-safety: everything may be called from any thread.
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace brandos::api {

class OpenConnections {
 public:
  explicit OpenConnections(int limit) : limit_(limit) {}

  // Counts a new connection; false (and not counted) at the cap.
  bool try_open();
  void close();
  int count() const;
  // Blocks until no connection is open or `deadline` passes; true when drained. Not on an I/O
  // thread.
  bool wait_until_closed(std::chrono::steady_clock::time_point deadline);

 private:
  const int limit_;
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  int open_ = 0;
};

}  // namespace brandos::api
