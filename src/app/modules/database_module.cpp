#include "app/modules/database_module.hpp"

#include "infrastructure/observability/breaker_metrics.hpp"

#include <unordered_map>

#include "infrastructure/observability/log.hpp"
#include "infrastructure/postgres/migration.hpp"
#include "infrastructure/postgres/principal_changes.hpp"
#include "infrastructure/postgres/runtime_role.hpp"

namespace brandos::app {

using observability::log_error;
using observability::log_info;
using observability::log_warn;

namespace {
// Lets the per-statement histograms be found by string_view (heterogeneous lookup).
struct LabelHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
}  // namespace

DatabaseTarget prepare_database(const Config& config) {
  DatabaseTarget t;
  if (config.database_url.empty()) {
    const auto started = std::chrono::steady_clock::now();
    embedded_pg::ClusterOptions opts;
    opts.data_dir = config.data_dir;
    opts.bin_dir = config.pg_bin_dir;
    opts.max_connections =
        std::max(100, config.threads * (config.db_pool_size + config.db_shared_connections) + 20);
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

// Row-level security is the second wall between tenants only for a role it confines: production
// refuses to serve as any other; elsewhere it is said loudly, at every start.
void DatabaseModule::refuse_unconfined_role() {
  const pg::RuntimeRole role = pg::inspect_runtime_role(target_.app_conninfo);
  const auto escapes = role.escapes();
  if (escapes.empty()) return;
  std::string why;
  for (const auto& e : escapes) why += (why.empty() ? "" : ", ") + e;
  const std::string message = "the database role \"" + role.name + "\" " + why +
                              ": row-level security does not confine it. Serve as a role like "
                              "brandos_app (docs/adr/0004-database-roles.md)";
  if (config_.environment == "production") throw std::runtime_error(message);
  log_error("database_role_unconfined")
      .str("role", role.name)
      .str("escapes", why)
      .str("hint", message)
      .write();
}

// The self-managed server is restarted when it dies; each step is logged and counted.
void DatabaseModule::supervise(embedded_pg::Cluster& cluster) {
  auto& restarts =
      registry_.counter("database_restarts_total",
                        "Times the self-managed PostgreSQL was started again after it died.", {});
  auto& failed =
      registry_.counter("database_restart_failures_total",
                        "Attempts to start the self-managed PostgreSQL again that failed.", {});
  supervisor_ = std::make_unique<embedded_pg::ClusterSupervisor>(
      cluster, embedded_pg::SupervisionOptions{},
      [this, &restarts, &failed](const embedded_pg::SupervisionEvent& e) {
        using Kind = embedded_pg::SupervisionEvent::Kind;
        switch (e.kind) {
          case Kind::found_dead:
            log_error("database_down")
                .str("mode", "self-managed")
                .str("action", "restarting")
                .write();
            break;
          case Kind::restart_failed:
            failed.inc();
            log_error("database_restart_failed")
                .num("attempt", static_cast<std::int64_t>(e.attempts))
                .num("down_ms", static_cast<std::int64_t>(e.down_for.count()))
                .num("retry_in_ms", static_cast<std::int64_t>(e.retry_in.count()))
                .str("error", e.error)
                .write();
            break;
          case Kind::restarted:
            restarts.inc();
            // No need to wait out the breaker: the server is known to be up again.
            breaker_->allow_probe_now();
            log_info("database_restarted")
                .num("attempts", static_cast<std::int64_t>(e.attempts))
                .num("down_ms", static_cast<std::int64_t>(e.down_for.count()))
                .write();
            break;
        }
      });
}

DatabaseModule::DatabaseModule(const Config& config, Runtime& runtime,
                               observability::Registry& registry, application::IdGenerator& ids,
                               observability::SpanExporter* spans)
    : config_(config), runtime_(runtime), registry_(registry), ids_(ids), spans_(spans) {}

void DatabaseModule::start() {
  target_ = prepare_database(config_);
  run_migrations(target_.owner_conninfo);
  refuse_unconfined_role();

  auto& query_seconds = registry_.histogram("db_query_duration_seconds",
                                            "PostgreSQL round trips (one pipeline) by duration.",
                                            {}, observability::latency_buckets());
  auto& query_errors =
      registry_.counter("db_query_errors_total", "PostgreSQL round trips that failed.", {});
  auto& slow_queries = registry_.counter(
      "db_slow_queries_total", "Round trips of units of work slower than --slow-query-ms.", {});
  breaker_ = std::make_unique<application::CircuitBreaker>(
      "postgres",
      application::BreakerSettings{config_.breaker_failures,
                                   std::chrono::milliseconds(config_.breaker_window_ms),
                                   std::chrono::milliseconds(config_.breaker_open_ms), 1});
  observability::register_breaker_metrics(registry_, *breaker_);
  // Supervised once the breaker exists: a restart lets the breaker probe at once.
  if (target_.cluster) supervise(*target_.cluster);
  if (config_.principal_cache_ttl_ms > 0) {
    principals_ = std::make_unique<local::PrincipalCache>(
        std::chrono::milliseconds(config_.principal_cache_ttl_ms));
    const auto* cache = principals_.get();
    const char* help = "Lookups of a node cache: hits answered from it, misses that went on.";
    registry_.counter("cache_requests_total", help, {{"cache", "principals"}, {"result", "hit"}},
                      [cache] { return static_cast<double>(cache->hits()); });
    registry_.counter("cache_requests_total", help, {{"cache", "principals"}, {"result", "miss"}},
                      [cache] { return static_cast<double>(cache->misses()); });
  }
  auto pool_options = [&, this] {
    pg::PoolOptions po;
    po.connection.conninfo = target_.app_conninfo;
    po.connection.statement_timeout = config_.db_statement_timeout;
    po.connection.prepared_statements = config_.db_prepared_statements;
    // Each round trip is also timed by the names of its statements ("tenant.set,orders.get"):
    // a bounded set, since every batch is code. One histogram per name set, found without the
    // registry's lock after its first use: the map belongs to this pool's thread.
    auto by_statements = std::make_shared<
        std::unordered_map<std::string, observability::Histogram*, LabelHash, std::equal_to<>>>();
    po.connection.on_round_trip = [&query_seconds, &query_errors, &registry = registry_,
                                   by_statements](double s, bool ok, std::string_view label) {
      query_seconds.observe(s);
      if (!ok) query_errors.inc();
      if (label.empty()) return;
      auto it = by_statements->find(label);  // no allocation on the hot path
      if (it == by_statements->end())
        it = by_statements
                 ->emplace(std::string(label),
                           &registry.histogram("db_statements_duration_seconds",
                                               "PostgreSQL round trips by the statements in them.",
                                               {{"statements", std::string(label)}},
                                               observability::latency_buckets()))
                 .first;
      it->second->observe(s);
    };
    po.max_size = config_.db_pool_size;
    po.shared_connections = config_.db_shared_connections;
    po.acquire_timeout = config_.db_acquire_timeout;
    po.query_timeout = config_.db_statement_timeout;
    po.breaker = breaker_.get();
    po.spans = spans_;
    po.slow_query = std::chrono::milliseconds(config_.slow_query_ms);
    po.on_slow_query = [&slow_queries, this](const pg::SlowQuery& q) {
      slow_queries.inc();
      slow_.record(q.statements, static_cast<std::int64_t>(q.milliseconds), q.tenant, q.trace_id,
                   q.ok);
      observability::log_warn("slow_query")
          .str("statements", q.statements)
          .num("ms", static_cast<std::int64_t>(q.milliseconds))
          .str("tenant", q.tenant)
          .str("trace_id", q.trace_id)
          .str("outcome", q.ok ? "ok" : "failed")
          .write();
    };
    return po;
  };
  for (int i = 0; i < runtime_.threads(); ++i) {
    auto po = pool_options();
    PerThread t;
    t.pool = std::make_unique<pg::Pool>(runtime_.io(i).get_executor(), po);
    t.nudge = std::make_unique<pg::OutboxNudge>(*t.pool);
    t.data = std::make_unique<pg::TenantData>(*t.pool, ids_, t.nudge.get());
    t.users = std::make_unique<pg::AuthenticatedUsers>(*t.pool);
    if (principals_)
      t.cached_users = std::make_unique<local::CachedAuthenticatedUsers>(*t.users, *principals_);
    t.probe = std::make_unique<pg::DatabaseProbe>(*t.pool, std::chrono::milliseconds(2000));
    t.readiness = std::make_unique<application::CheckReadiness>(
        std::vector<application::DependencyProbe*>{t.probe.get()});
    t.maintenance = std::make_unique<pg::CrossTenantMaintenance>(*t.pool);
    threads_.push_back(std::move(t));
  }

  // The background jobs' own connections, on the first thread: a lease renewal, the relay or a
  // consumer never waits for a connection behind requests (nor they behind a job).
  auto jobs_po = pool_options();
  jobs_po.max_size = 4;
  jobs_po.shared_connections = 0;
  jobs_po.connection.application_name = "brandos-jobs";
  jobs_.pool = std::make_unique<pg::Pool>(runtime_.io(0).get_executor(), jobs_po);
  jobs_.nudge = std::make_unique<pg::OutboxNudge>(*jobs_.pool);
  jobs_.data = std::make_unique<pg::TenantData>(*jobs_.pool, ids_, jobs_.nudge.get());
  jobs_.maintenance = std::make_unique<pg::CrossTenantMaintenance>(*jobs_.pool);
  jobs_.leases = std::make_unique<pg::JobLeases>(*jobs_.pool);
  jobs_.outbox = std::make_unique<pg::OutboxFeed>(*jobs_.pool);
  jobs_.webhooks = std::make_unique<pg::WebhookDeliveryFeed>(*jobs_.pool);

  if (principals_) {
    pg::ConnectionOptions listener;
    listener.conninfo = config_.principal_listener_url.empty() ? target_.app_conninfo
                                                               : config_.principal_listener_url;
    listener.application_name = "brandos-principal-changes";
    runtime_.spawn(0, "principal_changes",
                   pg::follow_principal_changes(std::move(listener), *principals_));
  }

  auto pool_sum = [this](auto field) {
    return [this, field]() {
      double n = 0;
      for (const auto& t : threads_) n += (t.pool->stats().*field).load(std::memory_order_relaxed);
      if (jobs_.pool) n += (jobs_.pool->stats().*field).load(std::memory_order_relaxed);
      return n;
    };
  };
  registry_.gauge("db_pool_connections", "Database connections by state.", {{"state", "open"}},
                  pool_sum(&pg::PoolStats::open));
  registry_.gauge("db_pool_connections", "Database connections by state.", {{"state", "busy"}},
                  pool_sum(&pg::PoolStats::busy));
  registry_.gauge("db_pool_waiting", "Requests waiting for a database connection.", {},
                  pool_sum(&pg::PoolStats::waiting));
}

// Coroutines abandoned past the shutdown bound still hold connections: from now on the pools
// close every connection released to them, as the io_contexts destroy those coroutines.
void DatabaseModule::stop() {
  for (auto& t : threads_) t.pool->shut_down();
  if (jobs_.pool) jobs_.pool->shut_down();
}

pg::ConnectionOptions DatabaseModule::connection_options(std::string application_name) const {
  pg::ConnectionOptions o;
  o.conninfo = target_.app_conninfo;
  o.statement_timeout = config_.db_statement_timeout;
  o.prepared_statements = config_.db_prepared_statements;
  o.application_name = std::move(application_name);
  return o;
}

void DatabaseModule::close() {
  supervisor_.reset();  // before the cluster stops: a stop must not look like a crash
  threads_.clear();
  jobs_ = {};
  if (target_.cluster) target_.cluster->stop();
}

}  // namespace brandos::app
