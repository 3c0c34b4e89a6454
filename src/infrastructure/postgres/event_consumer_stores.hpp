#pragma once
// What event consumers write on a TenantSession: the inbox and the sales read model
// (migration 0013).
#include "application/ports/inbox.hpp"
#include "application/ports/sales_read_model.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class Inbox final : public application::Inbox {
 public:
  explicit Inbox(TenantSession& session) : s_(session) {}
  boost::asio::awaitable<application::Outcome<std::vector<domain::Uuid>>> accept(
      const std::string& consumer, const std::vector<domain::Uuid>& events) override;

 private:
  TenantSession& s_;
};

class SalesReadModel final : public application::SalesReadModel {
 public:
  explicit SalesReadModel(TenantSession& session) : s_(session) {}
  void apply(const std::vector<application::SaleChange>& changes) override;
  boost::asio::awaitable<application::Outcome<application::SalesReport>> report(
      std::int64_t from_us, std::int64_t to_us, application::SalesGranularity granularity) override;

 private:
  TenantSession& s_;
};

}  // namespace brandos::pg
