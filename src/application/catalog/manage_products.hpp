#pragma once
// Catalog use cases (API.md "Catalog"): who may read and write products and stock, and what a
// valid product is. Persistence and events are the repository's.
#include "application/identity/principal.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/product_repository.hpp"

namespace brandos::application {

struct CreateProductCommand {
  std::string sku;
  std::string name;
  std::optional<std::string> description;
  std::int64_t price = 0;
  std::string currency;
  std::int64_t stock = 0;
};

class ManageProducts {
 public:
  ManageProducts(ProductRepository& products, IdGenerator& ids) : products_(products), ids_(ids) {}

  boost::asio::awaitable<Outcome<ProductRecord>> create(const Principal& actor,
                                                        CreateProductCommand c) const;
  boost::asio::awaitable<Outcome<ProductRecord>> get(const Principal& actor,
                                                     const domain::Uuid& id) const;
  // Fetches limit + 1 so the caller knows whether there is a next page.
  boost::asio::awaitable<Outcome<std::vector<ProductRecord>>> list(
      const Principal& actor, const std::optional<std::string>& sku,
      const std::optional<domain::Uuid>& after, int limit) const;
  boost::asio::awaitable<Outcome<ProductRecord>> update(const Principal& actor,
                                                        const domain::Uuid& id,
                                                        ProductChanges changes,
                                                        std::optional<int> expected_version) const;
  boost::asio::awaitable<Outcome<void>> remove(const Principal& actor,
                                               const domain::Uuid& id) const;
  boost::asio::awaitable<Outcome<ProductRecord>> adjust_stock(const Principal& actor,
                                                              const domain::Uuid& id,
                                                              std::int64_t delta,
                                                              std::string reason) const;

 private:
  ProductRepository& products_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
