#include "api/open_connections.hpp"

namespace brandos::api {

bool OpenConnections::try_open() {
  std::lock_guard lock(mutex_);
  if (open_ >= limit_) return false;
  ++open_;
  return true;
}

void OpenConnections::close() {
  std::lock_guard lock(mutex_);
  if (--open_ == 0) drained_.notify_all();
}

int OpenConnections::count() const {
  std::lock_guard lock(mutex_);
  return open_;
}

bool OpenConnections::wait_until_closed(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  return drained_.wait_until(lock, deadline, [this] { return open_ == 0; });
}

}  // namespace brandos::api
