#pragma once
// ProductRepository on PostgreSQL: each change and its outbox event are one statement (a
// data-modifying CTE) inside one tenant-scoped transaction, one round trip.
#include "application/ports/product_repository.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class ProductRepository final : public application::ProductRepository {
 public:
  explicit ProductRepository(Pool& pool) : pool_(pool) {}

  boost::asio::awaitable<application::Outcome<application::ProductRecord>> create(
      const domain::Uuid& tenant, const application::NewProduct& product,
      const domain::Uuid& event_id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::ProductRecord>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) override;
  boost::asio::awaitable<application::Outcome<std::vector<application::ProductRecord>>> list(
      const domain::Uuid& tenant, const std::optional<std::string>& sku,
      const std::optional<domain::Uuid>& after, int limit) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::ProductRecord>>> update(
      const domain::Uuid& tenant, const domain::Uuid& id,
      const application::ProductChanges& changes, std::optional<int> expected_version,
      const domain::Uuid& event_id) override;
  boost::asio::awaitable<application::Outcome<bool>> remove(const domain::Uuid& tenant,
                                                            const domain::Uuid& id,
                                                            const domain::Uuid& event_id) override;
  boost::asio::awaitable<application::Outcome<std::optional<application::ProductRecord>>>
  adjust_stock(const domain::Uuid& tenant, const domain::Uuid& id, std::int64_t delta,
               const std::string& reason, const domain::Uuid& event_id) override;

 private:
  Pool& pool_;
};

}  // namespace brandos::pg
