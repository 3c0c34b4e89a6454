#pragma once
// The service configuration: built-in defaults, overridden by a TOML file (--config /
// BRANDOS_CONFIG), overridden by BRANDOS_* environment variables, overridden by flags.
// Every setting is documented in docs/configuration.md.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace brandos::app {

struct Endpoint {
  std::string host;
  unsigned short port = 0;
};

struct Config {
  Endpoint listen{"127.0.0.1", 8080};
  Endpoint admin_listen{"127.0.0.1", 9464};
  std::filesystem::path data_dir = "./brandos-data";
  std::string database_url;            // empty: self-managed PostgreSQL under data_dir
  std::string migration_database_url;  // schema owner; empty: same as database_url
  std::filesystem::path pg_bin_dir;    // empty: newest /usr/lib/postgresql/*/bin
  int threads = 0;                     // 0: one per core
  int db_pool_size = 4;           // per I/O thread: ~4 per core keeps PostgreSQL from thrashing
  int db_shared_connections = 1;  // per I/O thread, multiplexed single statements
  std::chrono::milliseconds db_statement_timeout{5000};
  std::chrono::milliseconds db_acquire_timeout{2000};
  bool db_prepared_statements = true;
  int max_connections = 10000;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds shutdown_timeout{10000};
  bool access_log = true;
  std::string log_level = "info";

  std::string environment = "development";  // "production" refuses development keys
  std::string jwt_keys;                     // "kid=base64,kid2=base64"; first signs; empty: dev key
  std::string jwt_issuer = "brandos";
  std::string jwt_audience = "brandos-api";
  std::string data_keys;        // master keys for personal data: "kid=base64(32 bytes),..."
  std::string email_index_key;  // base64(32 bytes); must never change
  std::string trusted_proxies;  // comma-separated peer addresses
  int hash_threads = 0;         // 0: one per core
  int tenant_requests_per_minute = 6000;
  int login_attempts_per_minute_per_ip = 60;
  int sign_ups_per_hour_per_ip = 10;
  int unpaid_order_timeout_s = 30 * 60;  // unpaid orders are cancelled after this
  int order_batch_max = 32;  // orders of one tenant placed in one transaction at most (1 = off)
  int job_interval_s = 30;
  bool api = true;              // false: `brandos worker` (no public listener)
  bool jobs = true;             // serve runs the background jobs too (worker always does)
  int job_lease_ms = 15000;     // a job's lease; renewed every third of it
  int outbox_retention_h = 24;  // published events are kept this long
  int relay_batch = 500;        // events per relay step
  std::string amqp_url;         // empty: events are delivered in process
  bool webhook_allow_private_targets = false;  // tests and closed networks only
  int webhook_timeout_ms = 10000;
  int webhook_retry_base_ms = 30000;
  int webhook_max_attempts = 16;
  int webhook_breaker_after = 5;
  int webhook_breaker_cooldown_ms = 60000;
  int webhook_disable_after = 50;
  // Payments (ADR 0018, docs/payment-gateway.md). Empty URL: the built-in `test` provider.
  std::string payment_gateway_url;
  std::string payment_gateway_key;
  int payment_gateway_timeout_ms = 5000;      // one attempt's deadline
  int payment_gateway_attempts = 3;           // attempts per call (retries with full jitter)
  int payment_attempt_lease_ms = 30000;       // a driver's lease on a payment, refund or saga
  int payment_settlement_interval_ms = 5000;  // how often the settlement job looks
  std::string otlp_endpoint;                  // OTLP/HTTP receiver for traces; empty: tracing off
  double trace_sample_ratio = 1.0;            // share of traces exported (by trace id)
  int operator_history_step_ms = 10000;       // how often the operator page's history is sampled
  int tenant_rates_top = 10;                  // tenants shown in brandos_tenant_requests_per_second
  int tenant_rates_window_ms = 60000;         // the window their rates are taken over
  int slow_query_ms = 200;  // round trips slower than this are logged and counted (0: off)
  // The circuit breakers of outbound dependencies (the payment gateway, PostgreSQL).
  int breaker_failures = 5;
  int breaker_window_ms = 10000;
  int breaker_open_ms = 5000;
  // How long a node may serve a caller's role and names without re-reading them; changes evict
  // them at once (docs/runbook.md). 0 re-reads on every request.
  int principal_cache_ttl_ms = 60000;
  // Where the principal cache LISTENs; must reach PostgreSQL directly (not PgBouncer in
  // transaction mode). Empty: the application's database URL.
  std::string principal_listener_url;
};

// Comma-separated list, items trimmed, empty items dropped.
std::vector<std::string> split_list(const std::string& text);
// 0 means one per core (at least 1); anything else is taken as is.
int resolve_thread_count(int configured);

// Parses "host:port" or "[v6]:port"; false when malformed.
bool parse_endpoint(const std::string& text, Endpoint& out);

}  // namespace brandos::app
