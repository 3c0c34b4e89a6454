#pragma once
// Port: the catalog's rows, on a unit of work. It maps rows and nothing else: what a valid
// product or a permitted stock change is, is decided by the domain and the use cases.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "domain/catalog/product.hpp"
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

struct ProductChanges {
  std::optional<std::string> name;
  bool set_description = false;  // description may be set to null
  std::optional<std::string> description;
  std::optional<std::int64_t> price;
};

struct StockChange {
  domain::Uuid product_id;
  std::int64_t quantity = 0;  // taken out of stock
};

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  // Queued. A live product of the tenant with the same SKU fails the commit with conflict
  // "sku-taken".
  virtual void add(const ProductRecord& product) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<ProductRecord>>> get(
      const domain::Uuid& id) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<ProductRecord>>> list(
      const std::optional<std::string>& sku, const std::optional<domain::Uuid>& after,
      int limit) = 0;
  // The live product, locked until the unit of work ends.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<ProductRecord>>> lock(
      const domain::Uuid& id) = 0;
  // Queued: writes name, description, price, stock and version as given; updated_at = now.
  virtual void save(const ProductRecord& product) = 0;
  // Queued: soft delete with the given (new) version.
  virtual void remove(const domain::Uuid& id, int version) = 0;
  // Queued: takes the quantities out of stock (the products must be locked and checked).
  virtual void reserve(const std::vector<StockChange>& changes) = 0;
  // Queued: puts an order's items back into stock.
  virtual void release_order_stock(const domain::Uuid& order_id) = 0;
};

}  // namespace brandos::application
