#include "infrastructure/postgres/payment_repository.hpp"

#include "infrastructure/postgres/failure_of.hpp"
#include "infrastructure/postgres/payment_sql.hpp"
#include "infrastructure/postgres/row.hpp"
#include "infrastructure/postgres/sql_arrays.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::CancellationRecord;
using application::Outcome;
using application::PaymentRecord;
using application::RefundRecord;
using namespace payment_sql;

namespace {

std::array<std::uint8_t, 32> fingerprint_of(std::string_view hex) {
  std::array<std::uint8_t, 32> out{};
  auto nibble = [](char c) -> std::uint8_t {
    return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  };
  for (std::size_t i = 0; i < out.size() && 2 * i + 1 < hex.size(); ++i)
    out[i] = static_cast<std::uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return out;
}

PaymentRecord payment_of(const Row& row) {
  PaymentRecord p;
  p.id = row.uuid("id");
  p.order_id = row.uuid("order_id");
  p.status = row.text("status");
  p.amount = row.int64("amount");
  p.currency = row.text("currency");
  p.provider = row.text("provider");
  p.payment_method = row.text("payment_method");
  p.provider_reference = row.optional_text("provider_reference");
  p.failure_code = row.optional_text("failure_code");
  p.request_fingerprint = fingerprint_of(row.view("fingerprint"));
  p.attempt_running = row.boolean("attempt_running");
  p.attempts = row.int32("attempts");
  p.created_at = row.text("created_at");
  return p;
}

RefundRecord refund_of(const Row& row) {
  RefundRecord r;
  r.id = row.uuid("id");
  r.order_id = row.uuid("order_id");
  r.payment_id = row.uuid("payment_id");
  r.status = row.text("status");
  r.amount = row.int64("amount");
  r.currency = row.text("currency");
  r.reason = row.text("reason");
  r.provider_reference = row.optional_text("provider_reference");
  r.failure_code = row.optional_text("failure_code");
  r.cancellation_id = row.optional_uuid("cancellation_id");
  r.charge_reference = row.text("charge_reference");
  r.request_fingerprint = fingerprint_of(row.view("fingerprint"));
  r.attempt_running = row.boolean("attempt_running");
  r.attempts = row.int32("attempts");
  r.created_at = row.text("created_at");
  return r;
}

CancellationRecord cancellation_of(const Row& row) {
  CancellationRecord c;
  c.id = row.uuid("id");
  c.order_id = row.uuid("order_id");
  c.step = row.text("step");
  c.reason = row.text("reason");
  c.actor = row.text("actor");
  c.last_error = row.optional_text("last_error");
  c.attempt_running = row.boolean("attempt_running");
  c.attempts = row.int32("attempts");
  return c;
}

template <class T, class Map>
std::optional<T> first(const Result& r, Map map) {
  if (r.rows() == 0) return std::nullopt;
  return map(Row(r, 0));
}

std::int64_t ms(std::chrono::milliseconds d) {
  return static_cast<std::int64_t>(d.count());
}

}  // namespace

asio::awaitable<Outcome<application::PaymentSituation>> PaymentRepository::payment_situation(
    const domain::Uuid& order_id, const application::PaymentRequestKey& request) {
  std::vector<Statement> batch;
  batch.emplace_back(kByRequest, tenant_, request.user_id, request.key);
  batch.emplace_back(kLiveOnOrder, tenant_, order_id);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  application::PaymentSituation out;
  out.by_request = first<PaymentRecord>((*r)[0], payment_of);
  out.live_on_order = first<PaymentRecord>((*r)[1], payment_of);
  co_return out;
}

void PaymentRepository::add(const PaymentRecord& p, const application::PaymentRequestKey& request,
                            Lease lease) {
  s_.queue(Statement(kInsertPayment, tenant_, p.id, p.order_id, p.amount, p.currency, p.provider,
                     p.payment_method, request.user_id, request.key,
                     bytea_hex(request.fingerprint.data(), request.fingerprint.size()), ms(lease)));
}

asio::awaitable<Outcome<std::optional<PaymentRecord>>> PaymentRepository::lock(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kLockPayment, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return first<PaymentRecord>(*r, payment_of);
}

asio::awaitable<Outcome<std::optional<PaymentRecord>>> PaymentRepository::take(
    const domain::Uuid& id, Lease lease) {
  auto r = co_await s_.run(Statement(kTakePayment, tenant_, id, ms(lease)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return first<PaymentRecord>(*r, payment_of);
}

void PaymentRepository::settle(const PaymentRecord& p) {
  s_.queue(
      Statement(kSettlePayment, tenant_, p.id, p.status, p.provider_reference, p.failure_code));
}

void PaymentRepository::release(const domain::Uuid& id, int attempts) {
  s_.queue(Statement(kReleasePayment, tenant_, id, static_cast<std::int32_t>(attempts)));
}

asio::awaitable<Outcome<std::vector<PaymentRecord>>> PaymentRepository::list(
    const domain::Uuid& order_id) {
  auto r = co_await s_.run(Statement(kListPayments, tenant_, order_id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, payment_of);
}

asio::awaitable<Outcome<application::RefundSituation>> PaymentRepository::refund_situation(
    const domain::Uuid& order_id, const std::optional<application::PaymentRequestKey>& request) {
  std::vector<Statement> batch;
  batch.emplace_back(kSucceededPayment, tenant_, order_id);
  batch.emplace_back(kMoneyInMotion, tenant_, order_id);
  batch.emplace_back(kRunningCancellation, tenant_, order_id);
  if (request) batch.emplace_back(kRefundByRequest, tenant_, request->user_id, request->key);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  application::RefundSituation out;
  out.succeeded_payment = first<PaymentRecord>((*r)[0], payment_of);
  const Row motion((*r)[1], 0);
  out.in_progress = motion.int64("refunding");
  out.payment_pending = motion.boolean("paying");
  out.running_cancellation = first<CancellationRecord>((*r)[2], cancellation_of);
  if (request) out.by_request = first<RefundRecord>((*r)[3], refund_of);
  co_return out;
}

void PaymentRepository::add_refund(const RefundRecord& refund,
                                   const std::optional<application::PaymentRequestKey>& request,
                                   Lease lease) {
  std::optional<domain::Uuid> user;
  std::optional<std::string> key, fingerprint;
  if (request) {
    user = request->user_id;
    key = request->key;
    fingerprint = bytea_hex(request->fingerprint.data(), request->fingerprint.size());
  }
  s_.queue(Statement(kInsertRefund, tenant_, refund.id, refund.order_id, refund.payment_id,
                     refund.amount, refund.currency, refund.reason, user, key, fingerprint,
                     refund.cancellation_id, ms(lease)));
}

asio::awaitable<Outcome<std::optional<RefundRecord>>> PaymentRepository::lock_refund(
    const domain::Uuid& id) {
  auto r = co_await s_.run(Statement(kLockRefund, tenant_, id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return first<RefundRecord>(*r, refund_of);
}

asio::awaitable<Outcome<std::optional<RefundRecord>>> PaymentRepository::take_refund(
    const domain::Uuid& id, Lease lease) {
  auto r = co_await s_.run(Statement(kTakeRefund, tenant_, id, ms(lease)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return first<RefundRecord>(*r, refund_of);
}

void PaymentRepository::settle_refund(const RefundRecord& refund) {
  s_.queue(Statement(kSettleRefund, tenant_, refund.id, refund.status, refund.provider_reference,
                     refund.failure_code));
}

void PaymentRepository::release_refund(const domain::Uuid& id, int attempts) {
  s_.queue(Statement(kReleaseRefund, tenant_, id, static_cast<std::int32_t>(attempts)));
}

asio::awaitable<Outcome<std::vector<RefundRecord>>> PaymentRepository::list_refunds(
    const domain::Uuid& order_id) {
  auto r = co_await s_.run(Statement(kListRefunds, tenant_, order_id));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return map_rows(*r, refund_of);
}

void PaymentRepository::add_cancellation(const CancellationRecord& c, Lease lease) {
  s_.queue(Statement(kInsertCancellation, tenant_, c.id, c.order_id, c.step, c.reason, c.actor,
                     ms(lease)));
}

asio::awaitable<Outcome<std::optional<std::pair<CancellationRecord, RefundRecord>>>>
PaymentRepository::lock_cancellation(const domain::Uuid& id) {
  std::vector<Statement> batch;
  batch.emplace_back(kLockCancellation, tenant_, id);
  batch.emplace_back(kLockCancellationRefund, tenant_, id);
  auto r = co_await s_.run(std::move(batch));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  auto c = first<CancellationRecord>((*r)[0], cancellation_of);
  auto refund = first<RefundRecord>((*r)[1], refund_of);
  if (!c || !refund) co_return std::optional<std::pair<CancellationRecord, RefundRecord>>{};
  co_return std::make_pair(std::move(*c), std::move(*refund));
}

asio::awaitable<Outcome<std::optional<CancellationRecord>>> PaymentRepository::take_cancellation(
    const domain::Uuid& id, Lease lease) {
  auto r = co_await s_.run(Statement(kTakeCancellation, tenant_, id, ms(lease)));
  if (!r) co_return std::unexpected(failure_or_throw(r.error()));
  co_return first<CancellationRecord>(*r, cancellation_of);
}

void PaymentRepository::advance_cancellation(const CancellationRecord& c) {
  s_.queue(Statement(kAdvanceCancellation, tenant_, c.id, c.step, c.last_error));
}

void PaymentRepository::release_cancellation(const domain::Uuid& id, int attempts) {
  s_.queue(Statement(kReleaseCancellation, tenant_, id, static_cast<std::int32_t>(attempts)));
}

}  // namespace brandos::pg
