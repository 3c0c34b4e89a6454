#pragma once
// The admin listener, on the first I/O thread: Prometheus /metrics, the health probes and
// /routes (what the public listener serves, for operators and the OpenAPI coverage test).
#include <memory>

#include "app/modules/http_module.hpp"
#include "infrastructure/observability/error_tracker.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::app {

class AdminModule final : public Module {
 public:
  AdminModule(const Config& config, Runtime& runtime, DatabaseModule& database, HttpModule* http,
              observability::Registry& registry, api::OpenConnections& open_connections,
              application::IdGenerator& ids, const observability::ErrorTracker& errors)
      : config_(config),
        runtime_(runtime),
        database_(database),
        http_(http),
        registry_(registry),
        open_(open_connections),
        ids_(ids),
        errors_(errors) {}
  std::string_view name() const override { return "admin"; }
  void start() override;
  void begin_stop() override;
  void stop() override;

  unsigned short port() const { return port_; }

 private:
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  HttpModule* http_;  // null in a worker: no /routes
  observability::Registry& registry_;
  api::OpenConnections& open_;
  application::IdGenerator& ids_;
  const observability::ErrorTracker& errors_;
  unsigned short port_ = 0;
  std::unique_ptr<api::HttpApplication> app_;
  std::unique_ptr<api::HttpServer> server_;
};

}  // namespace brandos::app
