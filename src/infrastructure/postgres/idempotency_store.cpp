#include "infrastructure/postgres/idempotency_store.hpp"

#include <sodium.h>

#include "infrastructure/postgres/idempotency_sql.hpp"
#include "infrastructure/postgres/tenant_scope.hpp"

namespace brandos::pg {

namespace asio = boost::asio;
using application::Outcome;

using namespace idempotency_sql;

std::string bytea_literal(const std::uint8_t* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "\\x";
  for (std::size_t i = 0; i < n; ++i) {
    s += kHex[data[i] >> 4];
    s += kHex[data[i] & 0xF];
  }
  return s;
}

std::array<std::uint8_t, 32> IdempotencyStore::fingerprint(std::string_view method,
                                                           std::string_view path,
                                                           std::string_view body) const {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (std::string_view part : {method, std::string_view("\n"), path, std::string_view("\n"), body})
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  std::array<std::uint8_t, 32> out{};
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

asio::awaitable<Outcome<application::Claim>> IdempotencyStore::claim(
    const application::IdempotencyScope& s, std::chrono::seconds lock) {
  const std::string fp = bytea_literal(s.fingerprint.data(), s.fingerprint.size());
  const auto secs = static_cast<std::int64_t>(lock.count());
  auto batch = batch_of(Statement(kAsyncCommit),
                        Statement(kInsert, s.tenant_id, s.user_id, s.endpoint, s.key, fp, secs),
                        Statement(kTakeOver, s.tenant_id, s.user_id, s.endpoint, s.key, fp, secs),
                        Statement(kRead, s.tenant_id, s.user_id, s.endpoint, s.key, fp));
  auto r = co_await in_tenant(pool_, s.tenant_id, std::move(batch));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  application::Claim claim;
  if ((*r)[1].rows() == 1 || (*r)[2].rows() == 1) co_return claim;  // ours
  const Result& row = (*r)[3];
  if (row.rows() != 1) {
    claim.result = application::ClaimResult::in_flight;  // released meanwhile; the client retries
    co_return claim;
  }
  if (!row.boolean(0, 1)) {
    claim.result = application::ClaimResult::mismatch;
  } else if (row.text(0, 0) == "done") {
    claim.result = application::ClaimResult::replay;
    claim.response = application::StoredResponse{row.int32(0, 2), std::string(row.text(0, 3))};
  } else {
    claim.result = application::ClaimResult::in_flight;
  }
  co_return claim;
}

Statement IdempotencyStore::mark_done(const application::IdempotencyScope& s,
                                      const application::StoredResponse& response) {
  return Statement(kDone, s.tenant_id, s.user_id, s.endpoint, s.key,
                   static_cast<std::int32_t>(response.status), response.body);
}

asio::awaitable<Outcome<void>> IdempotencyStore::complete(
    const application::IdempotencyScope& s, const application::StoredResponse& response) {
  auto r = co_await in_tenant(pool_, s.tenant_id, batch_of(mark_done(s, response)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<void>> IdempotencyStore::release(const application::IdempotencyScope& s) {
  auto r = co_await in_tenant(
      pool_, s.tenant_id, batch_of(Statement(kRelease, s.tenant_id, s.user_id, s.endpoint, s.key)));
  if (!r) co_return std::unexpected(unexpected_failure(r.error()));
  co_return Outcome<void>{};
}

}  // namespace brandos::pg
