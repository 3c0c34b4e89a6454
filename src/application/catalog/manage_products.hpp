#pragma once
// Catalog use cases (API.md "Catalog"): who may read and write products and stock, what a valid
// product and stock change are, and the event each change publishes — all in one unit of work.
#include "application/identity/principal.hpp"
#include "application/operation_context.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/resource_documents.hpp"
#include "application/ports/unit_of_work.hpp"

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
  ManageProducts(TenantData& data, const ResourceDocuments& documents, IdGenerator& ids)
      : data_(data), documents_(documents), ids_(ids) {}

  boost::asio::awaitable<Outcome<ProductRecord>> create(const OperationContext& ctx,
                                                        CreateProductCommand c) const;
  boost::asio::awaitable<Outcome<ProductRecord>> get(const OperationContext& ctx,
                                                     const domain::Uuid& id) const;
  // Fetches limit + 1 so the caller knows whether there is a next page.
  boost::asio::awaitable<Outcome<std::vector<ProductRecord>>> list(
      const OperationContext& ctx, const std::optional<std::string>& sku,
      const std::optional<domain::Uuid>& after, int limit) const;
  // precondition_failed when expected_version is set and is not the product's version.
  boost::asio::awaitable<Outcome<ProductRecord>> update(const OperationContext& ctx,
                                                        const domain::Uuid& id,
                                                        ProductChanges changes,
                                                        std::optional<int> expected_version) const;
  boost::asio::awaitable<Outcome<void>> remove(const OperationContext& ctx,
                                               const domain::Uuid& id) const;
  // conflict "insufficient-stock" when the stock would go below zero.
  boost::asio::awaitable<Outcome<ProductRecord>> adjust_stock(const OperationContext& ctx,
                                                              const domain::Uuid& id,
                                                              std::int64_t delta,
                                                              std::string reason) const;

 private:
  OutboxEvent event(const char* type, const ProductRecord& p, std::string data) const;
  TenantData& data_;
  const ResourceDocuments& documents_;
  IdGenerator& ids_;
};

}  // namespace brandos::application
