#pragma once
// What the payment use cases share: the gateway, and how long a driver's lease on a payment,
// refund or cancellation lasts (it must outlast the longest gateway call a driver may make,
// retries included, or a second driver could take over while the first still waits).
#include <chrono>

#include "application/ports/business_metrics.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/payment_gateway.hpp"
#include "application/ports/resource_documents.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

struct PaymentServices {
  TenantData& data;
  PaymentGateway& gateway;
  const ResourceDocuments& documents;
  IdGenerator& ids;
  std::chrono::milliseconds lease{30'000};
  BusinessMetrics* business = nullptr;  // may be null
};

}  // namespace brandos::application
