#pragma once
// The business modules: catalog, ordering and customers. Each builds its use cases per I/O thread
// on that thread's unit-of-work factory and serves their routes.
#include <memory>
#include <vector>

#include "api/order_routes.hpp"
#include "app/modules/database_module.hpp"
#include "app/modules/route_source.hpp"
#include "application/catalog/manage_products.hpp"
#include "application/customers/manage_customers.hpp"
#include "application/ordering/expire_unpaid_orders.hpp"
#include "infrastructure/crypto/personal_data_cipher.hpp"
#include "infrastructure/crypto/request_fingerprints.hpp"
#include "infrastructure/observability/order_batch_metrics.hpp"

namespace brandos::app {

class CatalogModule final : public Module, public RouteSource {
 public:
  CatalogModule(Runtime& runtime, DatabaseModule& database,
                const application::ResourceDocuments& documents, application::IdGenerator& ids)
      : runtime_(runtime), database_(database), documents_(documents), ids_(ids) {}
  std::string_view name() const override { return "catalog"; }
  void start() override;
  void add_routes(int thread, api::Router& router) override;

 private:
  Runtime& runtime_;
  DatabaseModule& database_;
  const application::ResourceDocuments& documents_;
  application::IdGenerator& ids_;
  std::vector<std::unique_ptr<application::ManageProducts>> products_;
};

class OrderingModule final : public Module, public RouteSource {
 public:
  OrderingModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                 const application::ResourceDocuments& documents, application::IdGenerator& ids,
                 application::BusinessMetrics& business)
      : config_(config),
        runtime_(runtime),
        database_(database),
        documents_(documents),
        ids_(ids),
        business_(business) {}
  std::string_view name() const override { return "ordering"; }
  void start() override;
  void add_routes(int thread, api::Router& router) override;

  const application::ManageOrders& orders(int thread) const {
    return *threads_.at(static_cast<std::size_t>(thread)).orders;
  }

 private:
  struct PerThread {
    std::unique_ptr<application::ManageOrders> orders;
    std::unique_ptr<application::IdempotentRequests> idempotency;
    std::unique_ptr<api::OrderingApi> api;
  };
  std::unique_ptr<observability::PrometheusOrderBatchMetrics> batch_metrics_;
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  const application::ResourceDocuments& documents_;
  application::IdGenerator& ids_;
  application::BusinessMetrics& business_;
  crypto::Sha256RequestFingerprints fingerprints_;
  std::vector<PerThread> threads_;
};

class CustomersModule final : public Module, public RouteSource {
 public:
  CustomersModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                  const application::ResourceDocuments& documents, application::IdGenerator& ids)
      : config_(config), runtime_(runtime), database_(database), documents_(documents), ids_(ids) {}
  std::string_view name() const override { return "customers"; }
  void start() override;
  void add_routes(int thread, api::Router& router) override;

 private:
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  const application::ResourceDocuments& documents_;
  application::IdGenerator& ids_;
  std::unique_ptr<crypto::SodiumPersonalDataCipher> cipher_;
  std::vector<std::unique_ptr<application::ManageCustomers>> customers_;
};

}  // namespace brandos::app
