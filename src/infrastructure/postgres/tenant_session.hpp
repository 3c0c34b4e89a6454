#pragma once
// The database side of a unit of work, and the only code that sets app.tenant_id: every round
// trip it sends runs in a transaction whose first statement sets the tenant, so row-level
// security confines everything after it (scripts/check_tenant_scope.sh fails the tests if any other
// file sets it).
//
//   write                 BEGIN; set tenant; queued…; batch   …later round trips…   queued…; COMMIT
//   write_per_round_trip  set tenant; queued…; batch           (one implicit transaction each)
//   read                  set tenant; batch                    (one implicit transaction each)
//   read_by_key           the same, on the thread's shared, multiplexed connection
//
// Statements of one pipeline up to its Sync are one implicit transaction in PostgreSQL, so the
// two single-round-trip modes need no BEGIN/COMMIT and still commit all or nothing.
//
// Thread-safety: none; one coroutine uses it, on the pool's executor.
#include <array>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "application/ports/unit_of_work.hpp"
#include "infrastructure/postgres/outbox_nudge.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class TenantSession {
 public:
  // `nudge` (may be null) wakes the outbox relay once a transaction with outbox events commits.
  TenantSession(Pool& pool, const application::OperationContext& ctx, application::Access access,
                application::TenantOf tenant, OutboxNudge* nudge = nullptr);
  ~TenantSession();
  TenantSession(const TenantSession&) = delete;
  TenantSession& operator=(const TenantSession&) = delete;

  // One round trip: the queued statements, then `batch`. Returns the results of `batch`.
  boost::asio::awaitable<Expected<std::vector<Result>>> run(std::vector<Statement> batch);
  boost::asio::awaitable<Expected<Result>> run(Statement statement);
  // Sent with the next round trip; its result is not read (its failure fails that round trip).
  // A bug in a read session, which may one day run on a replica.
  void queue(Statement statement);
  // Queued like a write, but its result is kept: it is set when the next round trip returns (and
  // stays empty if that round trip failed).
  std::shared_ptr<std::optional<Result>> queue_read(Statement statement);
  // now() of the (first) transaction, RFC 3339 UTC with milliseconds.
  boost::asio::awaitable<Expected<std::string>> now();
  boost::asio::awaitable<Expected<void>> commit();
  boost::asio::awaitable<void> rollback();
  // The queued writes include outbox events: the relay is nudged after the commit.
  void outbox_written() { outbox_written_ = true; }
  // The W3C traceparent an event written here continues: `trace`'s when given (an operation of
  // a batch), else this unit of work's; sampled flag as the span exporter decides. Empty when
  // the operation has no trace (a job).
  std::optional<std::string> traceparent(const application::TraceSpan* trace) const;

 private:
  Statement set_tenant() const;
  Clock::time_point deadline() const;
  void remember_now(const Result& set_tenant_result);
  // Hands a round trip slower than the pool's slow_query threshold to its on_slow_query.
  void report_if_slow(Clock::time_point started, std::span<const Statement> sent, bool ok) const;
  // A span for the round trip when the operation's trace is sampled.
  void trace_round_trip(std::uint64_t started_unix_ns, std::span<const Statement> sent,
                        bool ok) const;

  Pool& pool_;
  application::Access access_;
  application::TenantOf tenant_of_;
  std::optional<domain::Uuid> tenant_;
  std::optional<application::JobFence> fence_;
  // Held inline (no allocation per unit of work): the trace, and the operation's span, whose
  // child each round trip's span is. Empty when the operation has none.
  template <std::size_t N>
  struct HexId {
    std::array<char, N> digits{};
    std::size_t size = 0;
    HexId(std::string_view v) : size(v.size() == N ? N : 0) {
      for (std::size_t i = 0; i < size; ++i) digits[i] = v[i];
    }
    bool empty() const { return size == 0; }
    std::string_view view() const { return {digits.data(), size}; }
  };
  HexId<32> trace_id_;
  HexId<16> parent_span_id_;
  Clock::time_point ctx_deadline_;
  PooledConnection conn_;  // write: held from the first round trip to commit or rollback
  bool began_ = false;
  bool failed_ = false;
  bool finished_ = false;
  std::vector<Statement> queued_;
  // For each queued statement whose result is wanted: its index in queued_ and where it goes.
  std::vector<std::pair<std::size_t, std::shared_ptr<std::optional<Result>>>> queued_reads_;
  std::optional<std::string> now_;
  OutboxNudge* nudge_ = nullptr;
  bool outbox_written_ = false;
};

}  // namespace brandos::pg
