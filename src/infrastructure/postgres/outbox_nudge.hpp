#pragma once
// Wakes the outbox relay after a transaction that wrote outbox events has committed: a
// pg_notify('brandos_outbox') of its own, sent on the thread's shared connection. Not from inside
// the writing transaction: PostgreSQL holds a database-wide lock from a notifying transaction's
// commit until its WAL is flushed, which would serialize every order's commit (bench/relay.sh
// measured an order's p50 going from 2.4 to 22 ms). A notification of its own has no commit
// record to flush. Nudges coalesce: at most one per 10 ms per thread, the ones in between
// folded into the next.
// A lost nudge only delays the relay to its next poll.
//
// Thread-safety: none; one per I/O thread, used on its executor.
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class OutboxNudge {
 public:
  explicit OutboxNudge(Pool& pool) : pool_(pool) {}
  // A transaction with outbox events committed.
  void written();

 private:
  boost::asio::awaitable<void> send();
  Pool& pool_;
  bool in_flight_ = false;
  bool again_ = false;
};

}  // namespace brandos::pg
