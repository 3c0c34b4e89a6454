#pragma once
// OutboxFeed on PostgreSQL: the relay's SECURITY DEFINER functions of migration 0013 (they read
// across tenants, and every write checks the caller's fence), on an exclusive connection.
#include "application/ports/event_stream.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class OutboxFeed final : public application::OutboxFeed {
 public:
  explicit OutboxFeed(Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<application::Outcome<std::vector<application::PublishedEvent>>>
  unpublished(const application::OperationContext& ctx, int limit) override;
  boost::asio::awaitable<application::Outcome<std::int64_t>> mark_published(
      const application::OperationContext& ctx, const std::vector<domain::Uuid>& ids) override;
  boost::asio::awaitable<application::Outcome<std::int64_t>> prune_published(
      const application::OperationContext& ctx, std::chrono::seconds older_than,
      int limit) override;
  boost::asio::awaitable<application::Outcome<std::int64_t>> reap_inbox(
      const application::OperationContext& ctx, std::chrono::seconds older_than,
      int limit) override;

 private:
  boost::asio::awaitable<Expected<Result>> run(const application::OperationContext& ctx,
                                               const Statement& statement);
  Pool& pool_;
};

}  // namespace brandos::pg
