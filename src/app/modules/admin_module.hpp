#pragma once
// The admin listener, on the first I/O thread: Prometheus /metrics, the health probes, /errors,
// /routes (what the public listener serves, for operators and the OpenAPI coverage test) and the
// operator page at / with the history it charts, sampled here on a timer.
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "app/modules/http_module.hpp"
#include "infrastructure/observability/error_tracker.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/operator_history.hpp"

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
        errors_(errors),
        history_(registry, history_capacity(config)) {}
  std::string_view name() const override { return "admin"; }
  void start() override;
  void begin_stop() override;
  void stop() override;

  unsigned short port() const { return port_; }

 private:
  static std::size_t history_capacity(const Config& config);
  void sample_history();

  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  HttpModule* http_;  // null in a worker: no /routes
  observability::Registry& registry_;
  api::OpenConnections& open_;
  application::IdGenerator& ids_;
  const observability::ErrorTracker& errors_;
  observability::OperatorHistory history_;
  std::unique_ptr<boost::asio::steady_timer> sampler_;
  bool stopping_ = false;  // on io(0)
  unsigned short port_ = 0;
  std::unique_ptr<api::HttpApplication> app_;
  std::unique_ptr<api::HttpServer> server_;
};

}  // namespace brandos::app
