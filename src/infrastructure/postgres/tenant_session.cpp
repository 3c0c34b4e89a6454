#include "infrastructure/postgres/tenant_session.hpp"

#include <stdexcept>

#include "infrastructure/postgres/job_lease_sql.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"
#include "infrastructure/postgres/tenant_sql.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using namespace tenant_sql;
using application::Access;
using application::TenantOf;
using job_lease_sql::hold_lease;

namespace {

Expected<void> finished_error() {
  return std::unexpected(Error{ErrorKind::protocol, "", "unit of work is finished"});
}

}  // namespace

TenantSession::TenantSession(Pool& pool, const application::OperationContext& ctx, Access access,
                             TenantOf tenant, OutboxNudge* nudge)
    : pool_(pool),
      access_(access),
      tenant_of_(std::move(tenant)),
      tenant_(ctx.tenant),
      fence_(ctx.fence),
      trace_id_(ctx.trace.trace_id.size() == 32 ? ctx.trace.trace_id : std::string_view()),
      parent_span_id_(ctx.trace.span_id.size() == 16 ? ctx.trace.span_id : std::string_view()),
      ctx_deadline_(ctx.deadline),
      nudge_(nudge) {
  if (tenant_of_.kind == TenantOf::Kind::context && !tenant_)
    throw std::logic_error("a unit of work needs a tenant");
}

// Dropped without commit: the pool rolls the connection back before anyone reuses it.
TenantSession::~TenantSession() = default;

Statement TenantSession::set_tenant() const {
  switch (tenant_of_.kind) {
    case TenantOf::Kind::slug:
      return Statement(kSetTenantOfSlug, tenant_of_.key);
    case TenantOf::Kind::refresh_token:
      return Statement(kSetTenantOfRefreshToken, bytea_hex(tenant_of_.key));
    case TenantOf::Kind::context:
      break;
  }
  return Statement(kSetTenant, tenant_->to_string());
}

Clock::time_point TenantSession::deadline() const {
  return std::min(ctx_deadline_, pool_.deadline());
}

void TenantSession::remember_now(const Result& r) {
  if (!now_ && r.rows() == 1) now_ = std::string(r.text(0, r.column("now")));
}

void TenantSession::queue(Statement statement) {
  if (access_ == Access::read || access_ == Access::read_by_key)
    throw std::logic_error("a read unit of work cannot write");
  if (finished_) throw std::logic_error("unit of work is finished");
  queued_.push_back(std::move(statement));
}

std::shared_ptr<std::optional<Result>> TenantSession::queue_read(Statement statement) {
  if (access_ != Access::write) throw std::logic_error("deferred reads need a write unit of work");
  auto slot = std::make_shared<std::optional<Result>>();
  const std::size_t index = queued_.size();
  queue(std::move(statement));
  queued_reads_.emplace_back(index, slot);
  return slot;
}

void TenantSession::report_if_slow(Clock::time_point started, std::span<const Statement> sent,
                                   bool ok) const {
  const auto& o = pool_.options();
  if (o.slow_query.count() <= 0 || !o.on_slow_query) return;
  const auto took = Clock::now() - started;
  if (took < o.slow_query) return;
  SlowQuery q;
  for (const auto& s : sent) {
    if (!q.statements.empty()) q.statements += ',';
    q.statements += s.name();
  }
  q.milliseconds = std::chrono::duration<double, std::milli>(took).count();
  if (tenant_) q.tenant = tenant_->to_string();
  q.trace_id = std::string(trace_id_.view());
  q.ok = ok;
  o.on_slow_query(q);
}

std::optional<std::string> TenantSession::traceparent(const application::TraceSpan* trace) const {
  const std::string_view trace_id = trace ? std::string_view(trace->trace_id) : trace_id_.view();
  const std::string_view span_id =
      trace ? std::string_view(trace->span_id) : parent_span_id_.view();
  if (trace_id.size() != 32 || span_id.size() != 16) return std::nullopt;
  const auto* spans = pool_.options().spans;
  const bool sampled = spans != nullptr && spans->sampled(trace_id);
  std::string out;
  out.reserve(55);
  out.append("00-").append(trace_id).append("-").append(span_id).append(sampled ? "-01" : "-00");
  return out;
}

void TenantSession::trace_round_trip(std::uint64_t started_unix_ns, std::span<const Statement> sent,
                                     bool ok) const {
  auto* spans = pool_.options().spans;
  if (trace_id_.empty() || !spans->sampled(trace_id_.view())) return;
  observability::Span s;
  s.trace_id = std::string(trace_id_.view());
  s.span_id = observability::new_span_id();
  s.parent_span_id = std::string(parent_span_id_.view());
  for (const auto& st : sent) {
    if (!s.name.empty()) s.name += ',';
    s.name += st.name();
  }
  s.kind = observability::Span::Kind::client;
  s.start_unix_ns = started_unix_ns;
  s.end_unix_ns = observability::unix_ns_now();
  s.attributes = {{"db.system", "postgresql"}, {"db.operation.batch", s.name}};
  if (tenant_) s.attributes.emplace_back("brandos.tenant_id", tenant_->to_string());
  s.error = !ok;
  spans->record(std::move(s));
}

asio::awaitable<Expected<std::vector<Result>>> TenantSession::run(std::vector<Statement> batch) {
  if (finished_) co_return std::unexpected(finished_error().error());
  if (failed_)
    co_return std::unexpected(Error{ErrorKind::other, "25P02", "transaction already failed"});
  // Past the operation's deadline nothing is sent: a round trip started now would time out at
  // once, and a timed-out round trip costs the connection (its cancel could hit the next one).
  if (Clock::now() >= ctx_deadline_) {
    failed_ = true;
    co_return std::unexpected(Error{ErrorKind::timeout, "", "operation deadline passed"});
  }
  std::vector<Statement> sent;
  sent.reserve(queued_.size() + batch.size() + 2);
  std::size_t skip = queued_.size();  // results that are not the caller's
  const bool opens = access_ != Access::write || !began_;
  const bool with_begin = access_ == Access::write && !began_;
  if (with_begin) {
    sent.emplace_back("BEGIN");
    ++skip;
  }
  if (opens) {
    sent.push_back(set_tenant());
    ++skip;
    // A job's write is fenced in its own transaction, before anything it changes.
    if (fence_ && access_ != Access::read && access_ != Access::read_by_key) {
      sent.push_back(hold_lease(*fence_));
      ++skip;
    }
  }
  const std::size_t first_queued = sent.size();
  for (auto& s : queued_) sent.push_back(std::move(s));
  queued_.clear();
  auto reads = std::move(queued_reads_);
  queued_reads_.clear();
  for (auto& s : batch) sent.push_back(std::move(s));

  Expected<std::vector<Result>> r;
  const auto started = Clock::now();
  const std::uint64_t started_unix_ns =
      pool_.options().spans != nullptr ? observability::unix_ns_now() : 0;
  if (access_ == Access::write) {
    if (!conn_) {
      auto c = co_await pool_.acquire();
      if (!c) {
        failed_ = true;  // what was queued went with `sent`: the commit must not succeed
        co_return std::unexpected(std::move(c.error()));
      }
      conn_ = std::move(*c);
    }
    began_ = true;
    r = co_await conn_->pipeline(sent, deadline());
  } else if (access_ == Access::read_by_key) {
    // One implicit transaction per round trip, tenant set first, and fast: it can share the
    // thread's multiplexed connection, its own Sync keeping it apart from its neighbours.
    r = co_await pool_.pipeline_shared(sent, deadline());
  } else {
    r = co_await pool_.pipeline(sent);
  }
  report_if_slow(started, sent, r.has_value());
  if (started_unix_ns != 0) trace_round_trip(started_unix_ns, sent, r.has_value());
  if (!r) {
    failed_ = true;
    co_return r;
  }
  if (opens) remember_now((*r)[with_begin ? 1 : 0]);
  for (auto& [index, slot] : reads) *slot = std::move((*r)[first_queued + index]);
  r->erase(r->begin(), r->begin() + static_cast<std::ptrdiff_t>(skip));
  co_return r;
}

asio::awaitable<Expected<Result>> TenantSession::run(Statement statement) {
  std::vector<Statement> batch;
  batch.push_back(std::move(statement));
  auto r = co_await run(std::move(batch));
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->front());
}

asio::awaitable<Expected<std::string>> TenantSession::now() {
  if (!now_) {
    auto r = co_await run(std::vector<Statement>{});
    if (!r) co_return std::unexpected(std::move(r.error()));
  }
  co_return *now_;
}

asio::awaitable<Expected<void>> TenantSession::commit() {
  if (finished_) co_return finished_error();
  if (failed_) {
    co_await rollback();
    co_return std::unexpected(Error{ErrorKind::other, "25P02", "transaction failed; rolled back"});
  }
  if (access_ != Access::write || !began_) {
    // No transaction open: what is queued (if anything) is one implicit transaction of its own,
    // the tenant set first, atomic up to the pipeline's Sync.
    if (!queued_.empty()) {
      std::vector<Statement> sent;
      sent.reserve(queued_.size() + 2);
      sent.push_back(set_tenant());
      if (fence_) sent.push_back(hold_lease(*fence_));
      for (auto& q : queued_) sent.push_back(std::move(q));
      queued_.clear();
      const auto started = Clock::now();
      const std::uint64_t started_unix_ns =
          pool_.options().spans != nullptr ? observability::unix_ns_now() : 0;
      auto r = co_await pool_.pipeline(sent);
      report_if_slow(started, sent, r.has_value());
      if (started_unix_ns != 0) trace_round_trip(started_unix_ns, sent, r.has_value());
      if (!r) {
        finished_ = true;
        co_return std::unexpected(std::move(r.error()));
      }
    }
    finished_ = true;
    conn_ = PooledConnection();
    if (outbox_written_ && nudge_) nudge_->written();
    co_return Expected<void>{};
  }
  std::vector<Statement> rest;
  rest.swap(queued_);
  rest.emplace_back("COMMIT");
  // Once decided, the commit gets the statement budget even if the request's deadline has
  // passed: cutting it short would answer 503 for work that may well have committed.
  const auto started = Clock::now();
  const std::uint64_t started_unix_ns =
      pool_.options().spans != nullptr ? observability::unix_ns_now() : 0;
  auto r = co_await conn_->pipeline(rest, pool_.deadline());
  report_if_slow(started, rest, r.has_value());
  if (started_unix_ns != 0) trace_round_trip(started_unix_ns, rest, r.has_value());
  finished_ = true;
  // A statement PostgreSQL refused aborted the transaction, which is still open: roll it back and
  // wait, so its locks (rows, the keys' advisory locks) are free when the caller learns of the
  // failure and, say, retries the same keys.
  if (!r && !conn_->broken() && conn_->in_transaction()) {
    auto rolled = co_await conn_->execute(Statement("ROLLBACK"), pool_.deadline());
    if (!rolled) conn_->mark_broken();
  }
  conn_ = PooledConnection();  // back to the pool; it rolls back if COMMIT never arrived
  if (!r) co_return std::unexpected(std::move(r.error()));
  if (outbox_written_ && nudge_) nudge_->written();
  co_return Expected<void>{};
}

// Waits for the ROLLBACK, with the statement budget whatever the operation's deadline, so what the
// transaction held (row locks, an idempotency key's advisory lock) is free when this returns.
// Should it fail, the connection is dropped, which ends the transaction too.
asio::awaitable<void> TenantSession::rollback() {
  queued_.clear();
  queued_reads_.clear();
  if (finished_) co_return;
  finished_ = true;
  if (conn_ && began_ && !conn_->broken()) {
    auto r = co_await conn_->execute(Statement("ROLLBACK"), pool_.deadline());
    if (!r) conn_->mark_broken();
  }
  conn_ = PooledConnection();
}

}  // namespace brandos::pg
