#pragma once
// Adapts what the API reports about each request to Prometheus metrics and the JSON access log.
#include "api/middleware.hpp"
#include "infrastructure/observability/busiest_tenants.hpp"
#include "infrastructure/observability/error_tracker.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/span_exporter.hpp"

namespace brandos::app {

class RequestObserver final : public api::RequestObserver {
 public:
  // `spans` (may be null: tracing off) receives a server span per sampled request.
  // `tenants` (may be null) counts each authenticated request against its tenant.
  RequestObserver(observability::Registry& registry, bool access_log,
                  observability::SpanExporter* spans = nullptr,
                  observability::ErrorTracker* errors = nullptr,
                  observability::BusiestTenants* tenants = nullptr)
      : registry_(registry),
        access_log_(access_log),
        spans_(spans),
        errors_(errors),
        tenants_(tenants) {}
  void on_request(const api::RequestRecord& r) override;
  void on_unhandled_exception(const api::RequestContext& ctx, const char* what) override;

 private:
  observability::Registry& registry_;
  bool access_log_;
  observability::SpanExporter* spans_;
  observability::ErrorTracker* errors_;
  observability::BusiestTenants* tenants_;
};

}  // namespace brandos::app
