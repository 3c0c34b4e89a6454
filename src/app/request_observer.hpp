#pragma once
// Adapts what the API reports about each request to Prometheus metrics and the JSON access log.
#include "api/middleware.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::app {

class RequestObserver final : public api::RequestObserver {
 public:
  RequestObserver(observability::Registry& registry, bool access_log)
      : registry_(registry), access_log_(access_log) {}
  void on_request(const api::RequestRecord& r) override;
  void on_unhandled_exception(const api::RequestContext& ctx, const char* what) override;

 private:
  observability::Registry& registry_;
  bool access_log_;
};

}  // namespace brandos::app
