#pragma once
// Port: persistence of the catalog. Every change writes its outbox event (product.created,
// product.updated, product.deleted, inventory.adjusted) in the same transaction, with the
// product's new version as the aggregate version. Scoped to one tenant like every repository.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct ProductRecord {
  domain::Uuid id;
  std::string sku;
  std::string name;
  std::optional<std::string> description;
  std::int64_t price = 0;
  std::string currency;
  std::int64_t stock = 0;
  int version = 1;
  std::string created_at;
  std::string updated_at;
};

struct NewProduct {
  domain::Uuid id;
  std::string sku;
  std::string name;
  std::optional<std::string> description;
  std::int64_t price;
  std::string currency;
  std::int64_t stock;
};

struct ProductChanges {
  std::optional<std::string> name;
  bool set_description = false;  // description may be set to null
  std::optional<std::string> description;
  std::optional<std::int64_t> price;
};

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // Conflict "sku-taken" when a live product of the tenant has the SKU.
  virtual boost::asio::awaitable<Outcome<ProductRecord>> create(const domain::Uuid& tenant,
                                                                const NewProduct& product,
                                                                const domain::Uuid& event_id) = 0;
  virtual boost::asio::awaitable<Outcome<std::optional<ProductRecord>>> get(
      const domain::Uuid& tenant, const domain::Uuid& id) = 0;
  virtual boost::asio::awaitable<Outcome<std::vector<ProductRecord>>> list(
      const domain::Uuid& tenant, const std::optional<std::string>& sku,
      const std::optional<domain::Uuid>& after, int limit) = 0;
  // nullopt: no such live product. precondition_failed when expected_version is set and differs.
  virtual boost::asio::awaitable<Outcome<std::optional<ProductRecord>>> update(
      const domain::Uuid& tenant, const domain::Uuid& id, const ProductChanges& changes,
      std::optional<int> expected_version, const domain::Uuid& event_id) = 0;
  virtual boost::asio::awaitable<Outcome<bool>> remove(const domain::Uuid& tenant,
                                                       const domain::Uuid& id,
                                                       const domain::Uuid& event_id) = 0;
  // Atomic under concurrency. nullopt: no such product; conflict "insufficient-stock" when the
  // stock would go below zero.
  virtual boost::asio::awaitable<Outcome<std::optional<ProductRecord>>> adjust_stock(
      const domain::Uuid& tenant, const domain::Uuid& id, std::int64_t delta,
      const std::string& reason, const domain::Uuid& event_id) = 0;
};

}  // namespace brandos::application
