#pragma once
// Port: the unit of work, the only way to touch a tenant's data. It opens one transaction with
// the tenant set (so row-level security confines every statement to it), hands out the
// repositories, the outbox, the audit log and the idempotency records on that transaction, and
// commits or rolls back. A unit of work dropped without commit() rolls back, so an early return
// or an exception never leaves half-written data.
//
// Writes that need no answer (audit rows, outbox events, history, stored responses) are queued
// and sent with the next round trip or with COMMIT, so they cost no round trip of their own and
// commit or fail together with the change they belong to.
//
// Where the statements run (primary now; a replica for stale-tolerant reads or a tenant's shard
// later) is decided by the adapter from the OperationContext and the Access, never by a use case.
//
// Thread-safety: a unit of work belongs to the coroutine that began it; TenantData::begin may be
// called from the I/O thread whose connections it uses.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>

#include "application/failure.hpp"
#include "application/operation_context.hpp"
#include "application/ports/audit_log.hpp"
#include "application/ports/customer_repository.hpp"
#include "application/ports/idempotency_store.hpp"
#include "application/ports/inbox.hpp"
#include "application/ports/order_repository.hpp"
#include "application/ports/outbox.hpp"
#include "application/ports/payment_repository.hpp"
#include "application/ports/product_repository.hpp"
#include "application/ports/sales_read_model.hpp"
#include "application/ports/token_service.hpp"
#include "application/ports/user_repository.hpp"
#include "application/ports/webhooks.hpp"

namespace brandos::application {

// read: each round trip is its own atomic snapshot; nothing is locked and nothing may be written
//       (such a unit of work may one day be served by a replica).
// read_by_key: a read of a few rows by primary key, fast by construction: its round trips may
//       share a connection with other callers' statements (a slow one would hold them up).
// write: one transaction on the primary from the first round trip to commit; locks are held.
// write_per_round_trip: on the primary, each round trip (and the commit's flush) is its own
//       atomic transaction, with no BEGIN/COMMIT round trip: for work that is one round trip.
enum class Access { read, read_by_key, write, write_per_round_trip };

// How the tenant of a unit of work is known: from the context, or — before anyone is signed in —
// resolved by the database from a tenant's slug or from a refresh token's hash. A unit of work
// whose tenant does not resolve sees no rows at all.
struct TenantOf {
  enum class Kind { context, slug, refresh_token };
  Kind kind = Kind::context;
  std::string key;  // the slug, or the token hash's bytes

  static TenantOf context() { return {}; }
  static TenantOf slug(std::string s) { return {Kind::slug, std::move(s)}; }
  static TenantOf refresh_token(const TokenHash& h) {
    return {Kind::refresh_token, std::string(h.begin(), h.end())};
  }
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  virtual UserRepository& users() = 0;
  virtual ProductRepository& products() = 0;
  virtual OrderRepository& orders() = 0;
  virtual PaymentRepository& payments() = 0;
  virtual CustomerRepository& customers() = 0;
  virtual AuditLog& audit() = 0;
  virtual Outbox& outbox() = 0;
  virtual IdempotencyRecords& idempotency() = 0;
  virtual Inbox& inbox() = 0;
  virtual SalesReadModel& sales() = 0;
  virtual WebhookRepository& webhooks() = 0;

  // The transaction's timestamp (RFC 3339, UTC, milliseconds): what now() is in every statement
  // of it. Read with the first round trip at no extra cost.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::string>> now() = 0;
  // Sends what is queued and commits. unavailable when the database is unreachable; the unit of
  // work is finished either way.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<void>> commit() = 0;
  // Discards what is queued and rolls back, and waits for it: what the transaction held is free
  // when this returns. Never fails (a broken connection rolls back too).
  virtual boost::asio::awaitable<void> rollback() = 0;
};

class TenantData {
 public:
  virtual ~TenantData() = default;
  // Opens lazily: no round trip until the first statement. context() needs ctx.tenant.
  virtual std::unique_ptr<UnitOfWork> begin(const OperationContext& ctx, Access access,
                                            TenantOf tenant = TenantOf::context()) = 0;
  // Spends what recording one audit entry costs (a round trip ending in a durable commit)
  // without recording anything: a refusal that has nothing to audit (a login for a tenant that
  // does not exist) then takes as long as one that is audited, and cannot be told apart by time.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<void>> spend_an_audited_commit(
      const OperationContext& ctx) = 0;
};

}  // namespace brandos::application
