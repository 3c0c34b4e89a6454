#pragma once
// ProductRepository on a TenantSession: the catalog's rows, mapped. Every query filters on the
// tenant as well as relying on row-level security (defence in depth).
#include "application/ports/product_repository.hpp"
#include "infrastructure/postgres/tenant_session.hpp"

namespace brandos::pg {

class ProductRepository final : public application::ProductRepository {
 public:
  ProductRepository(TenantSession& session, const domain::Uuid& tenant)
      : s_(session), tenant_(tenant) {}

  void add(const application::ProductRecord& product) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::ProductRecord>>> get(
      const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::ProductRecord>>> list(
      const std::optional<std::string>& sku, const std::optional<domain::Uuid>& after,
      int limit) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::ProductRecord>>> lock(
      const domain::Uuid& id) override;
  void save(const application::ProductRecord& product) override;
  void remove(const domain::Uuid& id, int version) override;
  void reserve(const std::vector<application::StockChange>& changes) override;
  void release_order_stock(const domain::Uuid& order_id) override;

 private:
  TenantSession& s_;
  domain::Uuid tenant_;
};

}  // namespace brandos::pg
