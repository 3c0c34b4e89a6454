#pragma once
// The database: the self-managed PostgreSQL cluster (or the configured one), migrations, and per
// I/O thread a connection pool with the unit-of-work factory, the authentication re-read, the
// readiness probe and the cross-tenant maintenance lookups on it. Pool and query metrics.
#include <memory>
#include <vector>

#include "app/config.hpp"
#include "app/module.hpp"
#include "app/runtime.hpp"
#include "application/check_readiness.hpp"
#include "infrastructure/embedded_pg/cluster.hpp"
#include "infrastructure/embedded_pg/cluster_supervisor.hpp"
#include "infrastructure/local/cached_authenticated_users.hpp"
#include "infrastructure/observability/recent_slow_queries.hpp"
#include "infrastructure/postgres/authenticated_users.hpp"
#include "infrastructure/postgres/cross_tenant_maintenance.hpp"
#include "infrastructure/postgres/database_probe.hpp"
#include "infrastructure/postgres/job_leases.hpp"
#include "infrastructure/postgres/outbox_feed.hpp"
#include "infrastructure/postgres/pool.hpp"
#include "infrastructure/postgres/unit_of_work.hpp"
#include "infrastructure/postgres/webhook_delivery_feed.hpp"

namespace brandos::app {

// Where the database is: started here (self-managed) or given by URL.
struct DatabaseTarget {
  std::unique_ptr<embedded_pg::Cluster> cluster;  // set in self-managed mode
  std::string app_conninfo;
  std::string owner_conninfo;
};

// Starts the self-managed cluster when no URL is configured, sized for config.threads.
DatabaseTarget prepare_database(const Config& config);
void run_migrations(const std::string& owner_conninfo);

class DatabaseModule final : public Module {
 public:
  // `spans` (may be null) receives a span per round trip of a sampled trace.
  DatabaseModule(const Config& config, Runtime& runtime, observability::Registry& registry,
                 application::IdGenerator& ids, observability::SpanExporter* spans = nullptr);
  std::string_view name() const override { return "database"; }
  void start() override;
  void stop() override;
  void close() override;

  // Per I/O thread.
  application::TenantData& tenant_data(int thread) { return *at(thread).data; }
  // With the node's principal cache in front when it is on.
  application::AuthenticatedUsers& authenticated_users(int thread) {
    auto& t = at(thread);
    if (t.cached_users) return *t.cached_users;
    return *t.users;
  }
  application::CheckReadiness& readiness(int thread) { return *at(thread).readiness; }
  application::CrossTenantMaintenance& maintenance(int thread) { return *at(thread).maintenance; }

  // The background jobs' own pool, on thread 0.
  application::TenantData& jobs_tenant_data() { return *jobs_.data; }
  application::CrossTenantMaintenance& jobs_maintenance() { return *jobs_.maintenance; }
  application::JobLeases& job_leases() { return *jobs_.leases; }
  application::OutboxFeed& outbox_feed() { return *jobs_.outbox; }
  application::WebhookDeliveryFeed& webhook_feed() { return *jobs_.webhooks; }
  // The last slow round trips of every pool, for the operator page.
  const observability::RecentSlowQueries& recent_slow_queries() const { return slow_; }
  // How to open a connection of the application role of one's own (a LISTEN, say).
  pg::ConnectionOptions connection_options(std::string application_name) const;

 private:
  struct PerThread {
    std::unique_ptr<pg::Pool> pool;
    std::unique_ptr<pg::OutboxNudge> nudge;
    std::unique_ptr<pg::TenantData> data;
    std::unique_ptr<pg::AuthenticatedUsers> users;
    std::unique_ptr<local::CachedAuthenticatedUsers> cached_users;
    std::unique_ptr<pg::DatabaseProbe> probe;
    std::unique_ptr<application::CheckReadiness> readiness;
    std::unique_ptr<pg::CrossTenantMaintenance> maintenance;
  };
  struct Jobs {
    std::unique_ptr<pg::Pool> pool;
    std::unique_ptr<pg::OutboxNudge> nudge;
    std::unique_ptr<pg::TenantData> data;
    std::unique_ptr<pg::CrossTenantMaintenance> maintenance;
    std::unique_ptr<pg::JobLeases> leases;
    std::unique_ptr<pg::OutboxFeed> outbox;
    std::unique_ptr<pg::WebhookDeliveryFeed> webhooks;
  };
  void supervise(embedded_pg::Cluster& cluster);
  void refuse_unconfined_role();
  PerThread& at(int thread) { return threads_.at(static_cast<std::size_t>(thread)); }

  const Config& config_;
  Runtime& runtime_;
  observability::Registry& registry_;
  application::IdGenerator& ids_;
  observability::SpanExporter* spans_;
  DatabaseTarget target_;
  observability::RecentSlowQueries slow_;
  std::unique_ptr<application::CircuitBreaker> breaker_;  // every pool's connects go through it
  std::unique_ptr<embedded_pg::ClusterSupervisor> supervisor_;  // self-managed mode only
  std::unique_ptr<local::PrincipalCache> principals_;           // null: no cache
  std::vector<PerThread> threads_;
  Jobs jobs_;
};

}  // namespace brandos::app
