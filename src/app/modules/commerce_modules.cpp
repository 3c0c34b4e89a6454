#include "app/modules/commerce_modules.hpp"

#include "api/catalog_routes.hpp"
#include "api/customer_routes.hpp"
#include "app/signing_keys.hpp"

namespace brandos::app {

void CatalogModule::start() {
  for (int i = 0; i < runtime_.threads(); ++i)
    products_.push_back(
        std::make_unique<application::ManageProducts>(database_.tenant_data(i), documents_, ids_));
}

void CatalogModule::add_routes(int thread, api::Router& router) {
  api::add_catalog_routes(router, *products_.at(static_cast<std::size_t>(thread)));
}

void OrderingModule::start() {
  batch_metrics_ =
      std::make_unique<observability::PrometheusOrderBatchMetrics>(runtime_.registry());
  for (int i = 0; i < runtime_.threads(); ++i) {
    PerThread t;
    t.orders = std::make_unique<application::ManageOrders>(database_.tenant_data(i), documents_,
                                                           ids_, config_.order_batch_max,
                                                           batch_metrics_.get(), &business_);
    t.idempotency = std::make_unique<application::IdempotentRequests>(database_.tenant_data(i));
    t.api = std::make_unique<api::OrderingApi>(
        api::OrderingApi{*t.orders, *t.idempotency, fingerprints_});
    threads_.push_back(std::move(t));
  }
}

void OrderingModule::add_routes(int thread, api::Router& router) {
  api::add_order_routes(router, *threads_.at(static_cast<std::size_t>(thread)).api);
}

void CustomersModule::start() {
  cipher_ = std::make_unique<crypto::SodiumPersonalDataCipher>(
      load_master_keys(config_.data_keys, config_.data_dir),
      load_email_index_key(config_.email_index_key, config_.data_dir));
  for (int i = 0; i < runtime_.threads(); ++i)
    customers_.push_back(std::make_unique<application::ManageCustomers>(
        database_.tenant_data(i), *cipher_, documents_, ids_));
}

void CustomersModule::add_routes(int thread, api::Router& router) {
  api::add_customer_routes(router, *customers_.at(static_cast<std::size_t>(thread)));
}

}  // namespace brandos::app
