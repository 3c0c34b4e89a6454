#pragma once
// IdempotencyStore on PostgreSQL (table brandos.idempotency_keys, migration 0004). Claiming is
// one round trip: INSERT … ON CONFLICT DO NOTHING (concurrent claims of one key queue on the
// primary key and all but one find the row), a takeover of an expired lock, and a read.
#include "application/ports/idempotency_store.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class IdempotencyStore final : public application::IdempotencyStore {
 public:
  explicit IdempotencyStore(Pool& pool) : pool_(pool) {}
  std::array<std::uint8_t, 32> fingerprint(std::string_view method, std::string_view path,
                                           std::string_view body) const override;
  boost::asio::awaitable<application::Outcome<application::Claim>> claim(
      const application::IdempotencyScope& scope, std::chrono::seconds lock) override;
  boost::asio::awaitable<application::Outcome<void>> complete(
      const application::IdempotencyScope& scope,
      const application::StoredResponse& response) override;
  boost::asio::awaitable<application::Outcome<void>> release(
      const application::IdempotencyScope& scope) override;

  // Statement that marks the scope's key done with `response`, for the work's own transaction.
  static Statement mark_done(const application::IdempotencyScope& scope,
                             const application::StoredResponse& response);

 private:
  Pool& pool_;
};

// "\x…" hex form of bytes, as PostgreSQL's bytea input expects.
std::string bytea_literal(const std::uint8_t* data, std::size_t n);

}  // namespace brandos::pg
