#pragma once
// Where cancel requests run. PQcancel blocks (it opens a new connection to the server) and, in
// the libpq of PostgreSQL 15, has no timeout: against a server that stopped answering, each one
// can hang for minutes. So they run on threads of their own, never on an I/O thread, and at most
// `capacity` wait or run at once: past that a cancel is dropped, which is safe because every
// statement also carries a server-side statement_timeout and the connection is discarded anyway.
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>

namespace brandos::pg {

class CancelRequests {
 public:
  CancelRequests(int threads, int capacity);
  ~CancelRequests();
  // Runs `cancel` on a cancel thread; false (and nothing runs) when `capacity` are pending.
  bool send(std::function<void()> cancel);
  int pending() const { return pending_.load(std::memory_order_relaxed); }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  // The process's: two threads, 64 pending.
  static CancelRequests& shared();

 private:
  boost::asio::thread_pool pool_;
  const int capacity_;
  std::atomic<int> pending_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace brandos::pg
