#include "infrastructure/postgres/unit_of_work.hpp"

#include <stdexcept>

#include "infrastructure/postgres/customer_repository.hpp"
#include "infrastructure/postgres/event_consumer_stores.hpp"
#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/idempotency_sql.hpp"
#include "infrastructure/postgres/order_repository.hpp"
#include "infrastructure/postgres/outbox_sql.hpp"
#include "infrastructure/postgres/payment_repository.hpp"
#include "infrastructure/postgres/product_repository.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"
#include "infrastructure/postgres/user_repository.hpp"
#include "infrastructure/postgres/webhook_repository.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;
using outbox_sql::kInsertOutbox;

namespace {

constexpr Query kInsertAudit{"audit.insert", R"sql(
INSERT INTO brandos.audit_events (id, tenant_id, actor_user_id, action, target_type, target_id,
                                  ip, request_id, outcome, details)
VALUES ($1, brandos.current_tenant_id(), $2, $3, $4, $5, $6, $7, $8, $9))sql"};

constexpr Query kListAudit{"audit.list", R"sql(
SELECT id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
       actor_user_id, action, target_type, target_id, ip, request_id, outcome,
       details::text AS details
FROM brandos.audit_events
WHERE tenant_id = brandos.current_tenant_id() AND ($1::text IS NULL OR action = $1::text)
  AND ($2::uuid IS NULL OR id < $2::uuid)
ORDER BY id DESC LIMIT $3)sql"};

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

class Outbox final : public application::Outbox {
 public:
  explicit Outbox(TenantSession& s) : s_(s) {}
  void add(const application::OutboxEvent& e) override {
    s_.outbox_written();
    s_.queue(Statement(kInsertOutbox, e.id, e.type, e.aggregate_type, e.aggregate_id,
                       static_cast<std::int32_t>(e.aggregate_version), Jsonb{e.data_json},
                       s_.traceparent(e.trace)));
  }
  void add(const std::vector<application::OutboxEvent>& events) override {
    s_.outbox_written();
    std::vector<domain::Uuid> ids, aggregates;
    std::vector<std::string> types, aggregate_types, data;
    std::vector<std::optional<std::string>> traces;
    std::vector<std::int64_t> versions;
    for (const auto& e : events) {
      traces.push_back(s_.traceparent(e.trace));
      ids.push_back(e.id);
      types.push_back(e.type);
      aggregate_types.push_back(e.aggregate_type);
      aggregates.push_back(e.aggregate_id);
      versions.push_back(e.aggregate_version);
      data.push_back(e.data_json);
    }
    s_.queue(Statement(outbox_sql::kInsertOutboxMany, uuid_array(ids), text_array(types),
                       text_array(aggregate_types), uuid_array(aggregates), int64_array(versions),
                       text_array(data), nullable_text_array(traces)));
  }

 private:
  TenantSession& s_;
};

class AuditLog final : public application::AuditLog {
 public:
  AuditLog(TenantSession& s, application::IdGenerator& ids) : s_(s), ids_(ids) {}
  void append(const application::AuditEntry& e) override {
    Statement s(kInsertAudit);
    s.bind(ids_.new_id())
        .bind(e.actor_user_id)
        .bind(e.action)
        .bind(non_empty(e.target_type))
        .bind(non_empty(e.target_id))
        .bind(non_empty(e.origin.ip))
        .bind(non_empty(e.origin.request_id))
        .bind(e.outcome)
        .bind(Jsonb{e.details_json});
    s_.queue(std::move(s));
  }
  asio::awaitable<Outcome<std::vector<application::AuditRecord>>> list(
      const std::optional<std::string>& action, const std::optional<domain::Uuid>& after,
      int limit) override {
    auto r =
        co_await s_.run(Statement(kListAudit, action, after, static_cast<std::int64_t>(limit)));
    if (!r) co_return std::unexpected(failure_or_throw(r.error()));
    co_return map_rows(*r, [](const Row& row) {
      application::AuditRecord a;
      a.id = row.uuid("id");
      a.occurred_at = row.text("occurred_at");
      a.actor_user_id = row.optional_text("actor_user_id");
      a.action = row.text("action");
      a.target_type = row.optional_text("target_type");
      a.target_id = row.optional_text("target_id");
      a.ip = row.optional_text("ip");
      a.request_id = row.optional_text("request_id");
      a.outcome = row.text("outcome");
      a.details_json = row.text("details");
      return a;
    });
  }

 private:
  TenantSession& s_;
  application::IdGenerator& ids_;
};

class PgClaimTicket final : public application::ClaimTicket {
 public:
  // Row `index` of both results is this key's (claims of many keys share their results).
  PgClaimTicket(std::shared_ptr<std::optional<Result>> lock,
                std::shared_ptr<std::optional<Result>> row, int index = 0)
      : lock_(std::move(lock)), row_(std::move(row)), index_(index) {}

  application::Claim result() const override {
    if (!*lock_ || !*row_) throw std::logic_error("claim read before its round trip");
    application::Claim claim;
    const Result& rows = **row_;
    const bool mine = Row(**lock_, index_).boolean("mine");
    // One key's read has a row when the key exists; a many-key read has a row per key, with a
    // null status when it does not.
    if (rows.rows() > index_ && !Row(rows, index_).is_null("status")) {
      const Row row(rows, index_);
      // A done key answers the same whoever holds the lock now: done rows never change.
      if (!row.boolean("same_request")) {
        claim.result = application::ClaimResult::mismatch;
        return claim;
      }
      if (row.view("status") == "done") {
        claim.result = application::ClaimResult::replay;
        claim.response =
            application::StoredResponse{row.int32("response_status"), row.text("response_body")};
        return claim;
      }
      // Left 'in_flight' by the earlier scheme: in flight while its lock period runs.
      if (row.boolean("held")) {
        claim.result = application::ClaimResult::in_flight;
        return claim;
      }
    }
    if (!mine) claim.result = application::ClaimResult::in_flight;  // another transaction has it
    return claim;  // a new key (or an expired old claim of this request): ours until we end
  }

 private:
  std::shared_ptr<std::optional<Result>> lock_;
  std::shared_ptr<std::optional<Result>> row_;
  int index_;
};

class IdempotencyRecords final : public application::IdempotencyRecords {
  static std::string lock_key(const application::IdempotencyScope& s) {
    return s.tenant_id.to_string() + ":" + s.user_id.to_string() + ":" + s.endpoint + ":" + s.key;
  }

 public:
  explicit IdempotencyRecords(TenantSession& s) : s_(s) {}

  std::shared_ptr<const application::ClaimTicket> claim(
      const application::IdempotencyScope& s) override {
    using namespace idempotency_sql;
    auto lock = s_.queue_read(Statement(kLock, lock_key(s)));
    auto row = s_.queue_read(
        Statement(kRead, s.tenant_id, s.user_id, s.endpoint, s.key, bytea_hex(s.fingerprint)));
    return std::make_shared<PgClaimTicket>(std::move(lock), std::move(row));
  }

  void complete(const application::IdempotencyScope& s,
                const application::StoredResponse& response) override {
    s_.queue(Statement(idempotency_sql::kDone, s.tenant_id, s.user_id, s.endpoint, s.key,
                       bytea_hex(s.fingerprint), static_cast<std::int32_t>(response.status),
                       response.body));
  }

  std::vector<std::shared_ptr<const application::ClaimTicket>> claim(
      const std::vector<const application::IdempotencyScope*>& scopes) override {
    using namespace idempotency_sql;
    std::vector<std::shared_ptr<const application::ClaimTicket>> tickets;
    if (scopes.empty()) return tickets;
    std::vector<std::string> lock_keys, endpoints, keys, fingerprints;
    std::vector<domain::Uuid> users;
    for (const auto* s : scopes) {
      lock_keys.push_back(lock_key(*s));
      users.push_back(s->user_id);
      endpoints.push_back(s->endpoint);
      keys.push_back(s->key);
      fingerprints.push_back(bytea_hex(s->fingerprint));
    }
    auto lock = s_.queue_read(Statement(kLockMany, text_array(lock_keys)));
    auto rows =
        s_.queue_read(Statement(kReadMany, scopes.front()->tenant_id, uuid_array(users),
                                text_array(endpoints), text_array(keys), text_array(fingerprints)));
    for (std::size_t i = 0; i < scopes.size(); ++i)
      tickets.push_back(std::make_shared<PgClaimTicket>(lock, rows, static_cast<int>(i)));
    return tickets;
  }

  void complete(const std::vector<application::KeyCompletion>& completions) override {
    if (completions.empty()) return;
    std::vector<domain::Uuid> users;
    std::vector<std::string> endpoints, keys, fingerprints, bodies;
    std::vector<std::int64_t> statuses;
    for (const auto& c : completions) {
      users.push_back(c.scope.user_id);
      endpoints.push_back(c.scope.endpoint);
      keys.push_back(c.scope.key);
      fingerprints.push_back(bytea_hex(c.scope.fingerprint));
      statuses.push_back(c.status);
      bodies.emplace_back(c.body);
    }
    s_.queue(Statement(idempotency_sql::kDoneMany, completions.front().scope.tenant_id,
                       uuid_array(users), text_array(endpoints), text_array(keys),
                       text_array(fingerprints), int64_array(statuses), text_array(bodies)));
  }

 private:
  TenantSession& s_;
};

class UnitOfWork final : public application::UnitOfWork {
 public:
  UnitOfWork(Pool& pool, application::IdGenerator& ids, const application::OperationContext& ctx,
             application::Access access, application::TenantOf tenant, OutboxNudge* nudge)
      : session_(pool, ctx, access, std::move(tenant), nudge),
        tenant_(ctx.tenant.value_or(domain::Uuid{})),
        users_(session_),
        products_(session_, tenant_),
        orders_(session_, tenant_),
        payments_(session_, tenant_),
        customers_(session_, tenant_),
        audit_(session_, ids),
        outbox_(session_),
        idempotency_(session_),
        inbox_(session_),
        sales_(session_),
        webhooks_(session_) {}

  application::UserRepository& users() override { return users_; }
  application::ProductRepository& products() override { return products_; }
  application::OrderRepository& orders() override { return orders_; }
  application::PaymentRepository& payments() override { return payments_; }
  application::CustomerRepository& customers() override { return customers_; }
  application::AuditLog& audit() override { return audit_; }
  application::Outbox& outbox() override { return outbox_; }
  application::IdempotencyRecords& idempotency() override { return idempotency_; }
  application::Inbox& inbox() override { return inbox_; }
  application::SalesReadModel& sales() override { return sales_; }
  application::WebhookRepository& webhooks() override { return webhooks_; }

  asio::awaitable<Outcome<std::string>> now() override {
    auto r = co_await session_.now();
    if (!r) co_return std::unexpected(failure_or_throw(r.error()));
    co_return std::move(*r);
  }
  asio::awaitable<Outcome<void>> commit() override {
    auto r = co_await session_.commit();
    if (!r) co_return std::unexpected(failure_or_throw(r.error()));
    co_return Outcome<void>{};
  }
  asio::awaitable<void> rollback() override { co_await session_.rollback(); }

 private:
  TenantSession session_;
  domain::Uuid tenant_;
  UserRepository users_;
  ProductRepository products_;
  OrderRepository orders_;
  PaymentRepository payments_;
  CustomerRepository customers_;
  AuditLog audit_;
  Outbox outbox_;
  IdempotencyRecords idempotency_;
  Inbox inbox_;
  SalesReadModel sales_;
  WebhookRepository webhooks_;
};

}  // namespace

// An xid makes the COMMIT write and flush a commit record, as an audit insert's does.
constexpr Query kAuditedCommitCost{"audit.commit_cost", "SELECT pg_current_xact_id()"};

asio::awaitable<application::Outcome<void>> TenantData::spend_an_audited_commit(
    const application::OperationContext& ctx) {
  auto c = co_await pool_.acquire();
  if (!c) co_return std::unexpected(failure_or_throw(c.error()));
  const std::vector<Statement> work{Statement("BEGIN"), Statement(kAuditedCommitCost),
                                    Statement("COMMIT")};
  // The statement budget whatever the request's deadline, as an audited refusal's commit gets:
  // otherwise a late unknown tenant would answer 503 where a known one answers 401.
  (void)ctx;
  auto r = co_await (*c)->pipeline(work, pool_.deadline());
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return application::Outcome<void>{};
}

std::unique_ptr<application::UnitOfWork> TenantData::begin(const application::OperationContext& ctx,
                                                           application::Access access,
                                                           application::TenantOf tenant) {
  return std::make_unique<UnitOfWork>(pool_, ids_, ctx, access, std::move(tenant), nudge_);
}

}  // namespace brandos::pg
