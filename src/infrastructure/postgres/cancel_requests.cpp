#include "infrastructure/postgres/cancel_requests.hpp"

#include <boost/asio/post.hpp>

namespace brandos::pg {

CancelRequests::CancelRequests(int threads, int capacity)
    : pool_(static_cast<std::size_t>(threads)), capacity_(capacity) {}

CancelRequests::~CancelRequests() {
  pool_.stop();
  pool_.join();
}

bool CancelRequests::send(std::function<void()> cancel) {
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= capacity_) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  boost::asio::post(pool_, [this, cancel = std::move(cancel)] {
    cancel();
    pending_.fetch_sub(1, std::memory_order_relaxed);
  });
  return true;
}

CancelRequests& CancelRequests::shared() {
  // Never destroyed: joining its threads at exit could wait minutes on a cancel stuck against a
  // server that stopped answering. The process's exit ends them.
  static CancelRequests* requests = new CancelRequests(2, 64);
  return *requests;
}

}  // namespace brandos::pg
