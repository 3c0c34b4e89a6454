#include "app/serve.hpp"

#include <memory>
#include <vector>

#include "api/resource_json.hpp"
#include "app/modules/admin_module.hpp"
#include "app/modules/commerce_modules.hpp"
#include "app/modules/database_module.hpp"
#include "app/modules/events_module.hpp"
#include "app/modules/http_module.hpp"
#include "app/modules/identity_module.hpp"
#include "app/modules/jobs_module.hpp"
#include "app/modules/payments_module.hpp"
#include "app/modules/webhooks_module.hpp"
#include "app/request_observer.hpp"
#include "app/runtime.hpp"
#include "infrastructure/crypto/random.hpp"
#include "infrastructure/observability/business_metrics.hpp"
#include "infrastructure/observability/log.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/process_metrics.hpp"

namespace brandos::app {

using observability::log_error;
using observability::log_info;

namespace {

std::int64_t ms_since(std::chrono::steady_clock::time_point t) {
  return static_cast<std::int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
          .count());
}

}  // namespace

int migrate(const Config& config) {
  crypto::initialise_sodium();
  DatabaseTarget db = prepare_database(config);
  run_migrations(db.owner_conninfo);
  observability::flush_log();
  return 0;
}

int serve(const Config& config) {
  crypto::initialise_sodium();
  const auto started = std::chrono::steady_clock::now();

  // Shared by every thread and module (each is thread-safe).
  observability::Registry registry;
  observability::register_process_metrics(registry);
  observability::register_disk_metrics(registry, config.data_dir.string());
  crypto::SodiumIdGenerator ids;
  std::unique_ptr<observability::SpanExporter> spans;
  if (!config.otlp_endpoint.empty())
    spans = std::make_unique<observability::SpanExporter>(config.otlp_endpoint,
                                                          config.trace_sample_ratio, registry);
  observability::ErrorTracker errors(registry);
  observability::BusiestTenants busiest(static_cast<std::size_t>(config.tenant_rates_top),
                                        std::chrono::milliseconds(config.tenant_rates_window_ms));
  busiest.register_metrics(registry);
  RequestObserver observer(registry, config.access_log, spans.get(), &errors, &busiest);
  const api::JsonDocuments documents;
  api::OpenConnections open_connections(config.max_connections);
  registry.gauge("http_open_connections", "Open client connections.", {},
                 [&open_connections] { return static_cast<double>(open_connections.count()); });

  observability::PrometheusBusinessMetrics business(registry);
  Runtime runtime(config.threads, registry);
  runtime.track_errors(&errors);
  runtime.trace_with(spans.get());
  DatabaseModule database(config, runtime, registry, ids, spans.get());
  IdentityModule identity(config, runtime, database, ids);
  CatalogModule catalog(runtime, database, documents, ids);
  OrderingModule ordering(config, runtime, database, documents, ids, business);
  CustomersModule customers(config, runtime, database, documents, ids);
  JobsModule jobs(config, runtime, database, documents, ids, business);
  PaymentsModule payments(config, runtime, database, config.api ? &ordering : nullptr, jobs,
                          documents, ids, business, spans.get());
  EventsModule events(config, runtime, database, jobs);
  WebhooksModule webhooks(config, runtime, database, events, jobs, ids);
  HttpModule http(config, runtime, database, identity,
                  {&customers, &ordering, &payments, &identity, &catalog, &events, &webhooks},
                  observer, open_connections, ids);
  AdminModule admin(config, runtime, database, config.api ? &http : nullptr, registry,
                    open_connections, ids, errors);
  // Started in this order, stopped in reverse. A worker (`brandos worker`) serves no public API:
  // only the database, the events and the jobs, and the admin listener.
  std::vector<Module*> modules{&database, &identity, &catalog, &ordering, &customers, &payments,
                               &webhooks, &events,   &jobs,    &http,     &admin};
  if (!config.api) modules = {&database, &payments, &webhooks, &events, &jobs, &admin};

  std::size_t started_modules = 0;
  try {
    for (Module* m : modules) {
      m->start();
      ++started_modules;
    }
  } catch (const std::system_error& e) {
    log_error("listen_failed").str("error", e.what()).write();
    for (std::size_t i = started_modules; i-- > 0;) modules[i]->stop();
    runtime.destroy_io();
    for (std::size_t i = started_modules; i-- > 0;) modules[i]->close();
    observability::flush_log();
    return 1;
  }
  runtime.run();

  log_info("listening")
      .str("role", config.api ? "serve" : "worker")
      .str("address", config.listen.host)
      .num("port", static_cast<std::int64_t>(config.api ? http.port() : 0))
      .str("admin_address", config.admin_listen.host)
      .num("admin_port", static_cast<std::int64_t>(admin.port()))
      .num("threads", static_cast<std::int64_t>(runtime.threads()))
      .num("startup_ms", ms_since(started))
      .write();
  observability::flush_log();

  const int received = runtime.wait_for_signal();

  // Stop taking work, answer what is in flight (bounded), then tear down in reverse order.
  log_info("shutdown_started").num("signal", static_cast<std::int64_t>(received)).write();
  observability::flush_log();
  for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->begin_stop();
  const auto drained_by = std::chrono::steady_clock::now() + config.shutdown_timeout;
  open_connections.wait_until_closed(drained_by);
  for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->wait_stopped(drained_by);
  const int abandoned = open_connections.count();
  runtime.stop();
  for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->stop();
  // Coroutines abandoned past the bound still hold connections and sockets: they are destroyed
  // with their io_contexts, after the pools were told to close what is released to them.
  runtime.destroy_io();
  for (auto m = modules.rbegin(); m != modules.rend(); ++m) (*m)->close();
  log_info("shutdown_complete")
      .num("abandoned_connections", static_cast<std::int64_t>(abandoned))
      .write();
  observability::flush_log();
  return 0;
}

}  // namespace brandos::app
