#include "app/serve.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "api/catalog_routes.hpp"
#include "api/customer_routes.hpp"
#include "api/health_routes.hpp"
#include "api/http_server.hpp"
#include "api/identity_routes.hpp"
#include "api/middleware.hpp"
#include "api/order_routes.hpp"
#include "api/problem.hpp"
#include "api/resource_json.hpp"
#include "app/background_jobs.hpp"
#include "app/request_observer.hpp"
#include "app/signing_keys.hpp"
#include "application/catalog/manage_products.hpp"
#include "application/check_readiness.hpp"
#include "application/customers/manage_customers.hpp"
#include "infrastructure/crypto/argon2_password_hasher.hpp"
#include "infrastructure/crypto/jwt_token_service.hpp"
#include "infrastructure/crypto/personal_data_cipher.hpp"
#include "infrastructure/crypto/random.hpp"
#include "infrastructure/crypto/request_fingerprints.hpp"
#include "infrastructure/embedded_pg/cluster.hpp"
#include "infrastructure/local/in_process_rate_limiter.hpp"
#include "infrastructure/observability/log.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/process_metrics.hpp"
#include "infrastructure/postgres/authenticated_users.hpp"
#include "infrastructure/postgres/cross_tenant_maintenance.hpp"
#include "infrastructure/postgres/database_probe.hpp"
#include "infrastructure/postgres/migration.hpp"
#include "infrastructure/postgres/pool.hpp"
#include "infrastructure/postgres/unit_of_work.hpp"
#include "infrastructure/security/zxcvbn_password_strength.hpp"

namespace brandos::app {

namespace asio = boost::asio;
using observability::log_error;
using observability::log_info;
using observability::log_warn;

namespace {

struct DatabaseTarget {
  std::unique_ptr<embedded_pg::Cluster> cluster;  // set in self-managed mode
  std::string app_conninfo;
  std::string owner_conninfo;
};

DatabaseTarget prepare_database(const Config& config) {
  DatabaseTarget t;
  if (config.database_url.empty()) {
    const auto started = std::chrono::steady_clock::now();
    embedded_pg::ClusterOptions opts;
    opts.data_dir = config.data_dir;
    opts.bin_dir = config.pg_bin_dir;
    const int threads = config.threads > 0 ? config.threads : 1;
    opts.max_connections =
        std::max(100, threads * (config.db_pool_size + config.db_shared_connections) + 20);
    t.cluster = std::make_unique<embedded_pg::Cluster>(opts);
    t.cluster->start();
    log_info("database_started")
        .str("mode", "self-managed")
        .str("cluster_dir", t.cluster->cluster_dir().string())
        .str("initialised_now", t.cluster->initialised_now() ? "true" : "false")
        .num("ms", static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::steady_clock::now() - started)
                                                 .count()))
        .write();
    t.app_conninfo = t.cluster->app_conninfo();
    t.owner_conninfo = t.cluster->owner_conninfo();
  } else {
    t.app_conninfo = config.database_url;
    t.owner_conninfo =
        config.migration_database_url.empty() ? config.database_url : config.migration_database_url;
  }
  return t;
}

void run_migrations(const std::string& owner_conninfo) {
  const auto report = pg::migrate(owner_conninfo, pg::embedded_migrations());
  for (const auto& f : report.applied) log_info("migration_applied").str("file", f).write();
  for (const auto& f : report.unknown_applied)
    log_warn("migration_unknown")
        .str("file", f)
        .str("hint", "a newer binary migrated this database")
        .write();
  log_info("migrations_done")
      .num("applied", static_cast<std::int64_t>(report.applied.size()))
      .num("already_applied", static_cast<std::int64_t>(report.already_applied))
      .write();
}

// Everything one I/O thread owns. Nothing in here is shared with another thread except the
// metrics registry and the connection counter, both thread-safe.
struct Worker {
  // Destroyed explicitly, in order, by the shutdown sequence in serve().
  std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>(1);
  std::unique_ptr<pg::Pool> pool;
  std::unique_ptr<pg::DatabaseProbe> probe;
  std::unique_ptr<application::CheckReadiness> readiness;
  std::unique_ptr<pg::TenantData> data;
  std::unique_ptr<pg::AuthenticatedUsers> authenticated_users;
  std::unique_ptr<application::IdentityDependencies> identity;
  std::unique_ptr<application::SignUp> sign_up;
  std::unique_ptr<application::Login> login;
  std::unique_ptr<application::RefreshSession> refresh;
  std::unique_ptr<application::Logout> logout;
  std::unique_ptr<application::Authenticate> authenticate;
  std::unique_ptr<application::ManageUsers> users;
  std::unique_ptr<application::ListAuditEvents> audit;
  std::unique_ptr<api::IdentityApi> identity_api;
  std::unique_ptr<application::ManageProducts> products;
  std::unique_ptr<application::IdempotentRequests> idempotency;
  std::unique_ptr<application::ManageOrders> orders;
  std::unique_ptr<api::OrderingApi> ordering_api;
  std::unique_ptr<application::ManageCustomers> customers;
  std::unique_ptr<pg::CrossTenantMaintenance> maintenance;  // first worker only
  std::unique_ptr<application::ExpireUnpaidOrders> expire_unpaid;
  std::unique_ptr<api::HttpApplication> app;
  std::unique_ptr<api::HttpServer> server;
  std::unique_ptr<api::HttpApplication> admin_app;  // first worker only
  std::unique_ptr<api::HttpServer> admin_server;
  std::thread thread;
};

api::ProtocolErrorRenderer make_protocol_error_renderer(application::IdGenerator& ids) {
  return [&ids](int status, const std::string& path) {
    api::Problem p = api::problems::bad_request("The request is not valid HTTP/1.1.");
    if (status == 408) p = api::problems::request_timeout();
    if (status == 413) p = api::problems::payload_too_large();
    if (status == 431) p = api::problems::header_fields_too_large();
    const std::string id = ids.new_id().to_string();
    api::HttpResponse r = api::render_problem(p, path, id);
    r.set_header("X-Request-Id", id);
    return r;
  };
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
  DatabaseTarget db = prepare_database(config);
  run_migrations(db.owner_conninfo);

  observability::Registry registry;
  observability::register_process_metrics(registry);
  auto& query_seconds = registry.histogram("db_query_duration_seconds",
                                           "PostgreSQL round trips (one pipeline) by duration.", {},
                                           observability::latency_buckets());
  auto& query_errors =
      registry.counter("db_query_errors_total", "PostgreSQL round trips that failed.", {});

  crypto::SodiumIdGenerator ids;
  RequestObserver observer(registry, config.access_log);

  // Shared by all I/O threads (each is thread-safe).
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  crypto::Argon2PasswordHasher hasher(config.hash_threads > 0 ? config.hash_threads : cores);
  security::ZxcvbnPasswordStrength strength;
  crypto::TokenSettings token_settings;
  token_settings.keys = load_signing_keys(config.jwt_keys, config.data_dir);
  token_settings.issuer = config.jwt_issuer;
  token_settings.audience = config.jwt_audience;
  crypto::JwtTokenService tokens(token_settings);
  local::InProcessRateLimiter limiter;
  const api::JsonDocuments documents;
  const crypto::Sha256RequestFingerprints fingerprints;
  crypto::SodiumPersonalDataCipher personal_data(
      load_master_keys(config.data_keys, config.data_dir),
      load_email_index_key(config.email_index_key, config.data_dir));
  // Verified when a login names an unknown tenant or user, so those take as long as a wrong
  // password.
  std::array<std::uint8_t, 32> decoy_secret{};
  ids.fill_random(decoy_secret);
  const std::string decoy_hash = crypto::Argon2PasswordHasher::hash_now(
      std::string(reinterpret_cast<const char*>(decoy_secret.data()), decoy_secret.size()));
  api::IdentityLimits identity_limits;
  identity_limits.requests_per_tenant = {config.tenant_requests_per_minute,
                                         std::chrono::minutes(1)};
  identity_limits.login_per_ip = {config.login_attempts_per_minute_per_ip, std::chrono::minutes(1)};
  identity_limits.sign_up_per_ip = {config.sign_ups_per_hour_per_ip, std::chrono::hours(1)};
  const std::vector<std::string> trusted_proxies = split_list(config.trusted_proxies);
  std::atomic<int> open_connections{0};
  api::ServerLimits limits;
  limits.read_timeout = config.read_timeout;
  limits.idle_timeout = config.idle_timeout;
  limits.max_connections = config.max_connections;

  const int threads = config.threads > 0
                          ? config.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<Worker>> workers;
  unsigned short port = config.listen.port;
  unsigned short admin_port = config.admin_listen.port;
  try {
    for (int i = 0; i < threads; ++i) {
      auto w = std::make_unique<Worker>();
      pg::PoolOptions po;
      po.connection.conninfo = db.app_conninfo;
      po.connection.statement_timeout = config.db_statement_timeout;
      po.connection.prepared_statements = config.db_prepared_statements;
      po.connection.on_round_trip = [&query_seconds, &query_errors](double s, bool ok,
                                                                    std::string_view) {
        query_seconds.observe(s);
        if (!ok) query_errors.inc();
      };
      po.max_size = config.db_pool_size;
      po.shared_connections = config.db_shared_connections;
      po.acquire_timeout = config.db_acquire_timeout;
      po.query_timeout = config.db_statement_timeout;
      w->pool = std::make_unique<pg::Pool>(w->io->get_executor(), po);
      w->probe = std::make_unique<pg::DatabaseProbe>(*w->pool, std::chrono::milliseconds(2000));
      w->readiness = std::make_unique<application::CheckReadiness>(
          std::vector<application::DependencyProbe*>{w->probe.get()});

      w->data = std::make_unique<pg::TenantData>(*w->pool, ids);
      w->authenticated_users = std::make_unique<pg::AuthenticatedUsers>(*w->pool);
      w->identity =
          std::make_unique<application::IdentityDependencies>(application::IdentityDependencies{
              *w->data, *w->authenticated_users, hasher, strength, tokens, limiter, ids});
      w->sign_up = std::make_unique<application::SignUp>(*w->identity);
      w->login = std::make_unique<application::Login>(*w->identity, decoy_hash);
      w->refresh = std::make_unique<application::RefreshSession>(*w->identity);
      w->logout = std::make_unique<application::Logout>(*w->identity);
      w->authenticate = std::make_unique<application::Authenticate>(*w->identity);
      w->users = std::make_unique<application::ManageUsers>(*w->identity);
      w->audit = std::make_unique<application::ListAuditEvents>(*w->identity);
      w->identity_api = std::make_unique<api::IdentityApi>(
          api::IdentityApi{*w->sign_up, *w->login, *w->refresh, *w->logout, *w->authenticate,
                           *w->users, *w->audit, limiter, identity_limits});

      w->products = std::make_unique<application::ManageProducts>(*w->data, documents, ids);
      w->idempotency = std::make_unique<application::IdempotentRequests>(*w->data);
      w->orders = std::make_unique<application::ManageOrders>(*w->data, documents, ids);
      w->ordering_api = std::make_unique<api::OrderingApi>(
          api::OrderingApi{*w->orders, *w->idempotency, fingerprints});
      w->customers =
          std::make_unique<application::ManageCustomers>(*w->data, personal_data, documents, ids);
      if (i == 0) {
        w->maintenance = std::make_unique<pg::CrossTenantMaintenance>(*w->pool);
        w->expire_unpaid =
            std::make_unique<application::ExpireUnpaidOrders>(*w->maintenance, *w->orders);
      }

      auto router = std::make_shared<api::Router>();
      api::add_health_routes(*router, *w->readiness);
      api::add_customer_routes(*router, *w->customers);
      api::add_order_routes(*router, *w->ordering_api);
      api::add_identity_routes(*router, *w->identity_api);
      api::add_catalog_routes(*router, *w->products);
      w->app = std::make_unique<api::HttpApplication>(
          router, std::vector<api::Middleware>{api::authentication(*w->identity_api)}, ids,
          &observer, trusted_proxies);
      w->server = std::make_unique<api::HttpServer>(
          *w->io, [app = w->app.get()](api::HttpRequest& r) { return app->handle(r); },
          make_protocol_error_renderer(ids), limits, open_connections);
      // Port 0 picks a free port once; the other threads share that same port.
      port = w->server->listen(config.listen.host, port);

      if (i == 0) {
        auto admin = std::make_shared<api::Router>();
        admin->add(api::Method::get, "/metrics",
                   [&registry](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
                     api::HttpResponse r;
                     r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
                     r.body = registry.expose();
                     co_return r;
                   });
        api::add_health_routes(*admin, *w->readiness);
        // What the public listener serves, for operators and for the OpenAPI coverage test.
        admin->add(api::Method::get, "/routes",
                   [router](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
                     std::string body = "[";
                     for (const auto& r : router->routes()) {
                       if (body.size() > 1) body += ',';
                       body += R"({"method":")" + std::string(api::to_string(r.method)) +
                               R"(","path":")" + r.pattern + R"("})";
                     }
                     body += "]";
                     co_return api::json_response(200, std::move(body));
                   });
        w->admin_app = std::make_unique<api::HttpApplication>(admin, std::vector<api::Middleware>{},
                                                              ids, nullptr);
        w->admin_server = std::make_unique<api::HttpServer>(
            *w->io, [app = w->admin_app.get()](api::HttpRequest& r) { return app->handle(r); },
            make_protocol_error_renderer(ids), limits, open_connections);
        admin_port = w->admin_server->listen(config.admin_listen.host, admin_port);
      }
      workers.push_back(std::move(w));
    }
  } catch (const std::system_error& e) {
    log_error("listen_failed").str("error", e.what()).write();
    observability::flush_log();
    return 1;
  }

  auto pool_sum = [&workers](auto field) {
    return [&workers, field]() {
      double n = 0;
      for (const auto& w : workers) n += (w->pool->stats().*field).load(std::memory_order_relaxed);
      return n;
    };
  };
  registry.gauge("db_pool_connections", "Database connections by state.", {{"state", "open"}},
                 pool_sum(&pg::PoolStats::open));
  registry.gauge("db_pool_connections", "Database connections by state.", {{"state", "busy"}},
                 pool_sum(&pg::PoolStats::busy));
  registry.gauge("db_pool_waiting", "Requests waiting for a database connection.", {},
                 pool_sum(&pg::PoolStats::waiting));
  registry.gauge("http_open_connections", "Open client connections.", {},
                 [&open_connections] { return static_cast<double>(open_connections.load()); });

  // Maintenance jobs run on the first I/O thread, with its pool.
  asio::co_spawn(
      *workers.front()->io,
      run_background_jobs(*workers.front()->maintenance, *workers.front()->expire_unpaid,
                          JobSettings{std::chrono::seconds(config.unpaid_order_timeout_s),
                                      std::chrono::seconds(config.job_interval_s)}),
      asio::detached);

  using Guard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<Guard> guards;
  for (auto& w : workers) {
    guards.emplace_back(w->io->get_executor());
    w->thread = std::thread([io = w->io.get()] { io->run(); });
  }

  log_info("listening")
      .str("address", config.listen.host)
      .num("port", static_cast<std::int64_t>(port))
      .str("admin_address", config.admin_listen.host)
      .num("admin_port", static_cast<std::int64_t>(admin_port))
      .num("threads", static_cast<std::int64_t>(threads))
      .num("startup_ms",
           static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now() - started)
                                         .count()))
      .write();
  observability::flush_log();

  // The main thread only waits for a signal and flushes the log now and then.
  asio::io_context main_io;
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) received = sig;
    main_io.stop();
  });
  asio::steady_timer flusher(main_io);
  std::function<void()> schedule_flush = [&] {
    flusher.expires_after(std::chrono::milliseconds(500));
    flusher.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      observability::flush_log();
      schedule_flush();
    });
  };
  schedule_flush();
  main_io.run();

  log_info("shutdown_started").num("signal", static_cast<std::int64_t>(received)).write();
  observability::flush_log();
  for (auto& w : workers) {
    asio::post(*w->io, [s = w->server.get(), a = w->admin_server.get()] {
      s->begin_shutdown();
      if (a) a->begin_shutdown();
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + config.shutdown_timeout;
  auto in_flight = [&workers] {
    int n = 0;
    for (const auto& w : workers) {
      if (w->server) n += w->server->active_connections();
      if (w->admin_server) n += w->admin_server->active_connections();
    }
    return n;
  };
  while (in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int abandoned = in_flight();
  guards.clear();
  for (auto& w : workers) w->io->stop();
  for (auto& w : workers) w->thread.join();
  hasher.shut_down();
  for (auto& w : workers) {
    // Coroutines abandoned past the shutdown bound still hold connections and sockets: the pool
    // closes those connections as the io_context destroys the coroutines, and the io_context
    // goes before the pool and servers it was serving.
    w->server.reset();
    w->admin_server.reset();
    w->pool->shut_down();
    w->io.reset();
  }
  workers.clear();
  if (db.cluster) db.cluster->stop();
  log_info("shutdown_complete")
      .num("abandoned_connections", static_cast<std::int64_t>(abandoned))
      .write();
  observability::flush_log();
  return 0;
}

}  // namespace brandos::app
