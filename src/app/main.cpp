// brandos: the composition root's command line. Wiring only: parsing settings and handing them
// to the commands in serve.cpp.
#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>

#include "api/client_ip.hpp"
#include "app/config.hpp"
#include "app/serve.hpp"
#include "app/signing_keys.hpp"
#include "infrastructure/amqp/amqp_session.hpp"
#include "infrastructure/observability/log.hpp"

namespace {

using brandos::app::Config;

// A configuration error: one line naming the setting, exit code 2 (see docs/configuration.md).
[[noreturn]] void config_error(const std::string& message) {
  std::cerr << "brandos: " << message << "\n";
  std::exit(2);
}

// The TOML file gives defaults that env and flags override; keys are the long flag names with
// '_' for '-' ("admin_listen"). Unknown keys are errors, as typos in config must not pass.
std::map<std::string, std::string> load_config_file(const std::string& path) {
  std::map<std::string, std::string> out;
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    config_error("cannot read config file " + path + ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    std::string value;
    if (auto s = node.value<std::string>())
      value = *s;
    else if (auto i = node.value<std::int64_t>())
      value = std::to_string(*i);
    else if (auto b = node.value<bool>())
      value = *b ? "true" : "false";
    else
      config_error("config file " + path + ": " + std::string(key.str()) +
                   " must be a string, integer or boolean");
    out[std::string(key.str())] = value;
  }
  return out;
}

std::string find_config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) return argv[i + 1];
    if (std::strncmp(argv[i], "--config=", 9) == 0) return argv[i] + 9;
  }
  if (const char* env = std::getenv("BRANDOS_CONFIG")) return env;
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Config config;
  CLI::App app{
      "BrandOS: the multi-tenant back office for direct-to-consumer brands.\n\n"
      "With no database URL, `brandos serve` runs and manages its own PostgreSQL under the data\n"
      "directory: one command from nothing to a running server. Settings come from flags, then\n"
      "BRANDOS_* environment variables, then the --config TOML file, then defaults.",
      "brandos"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");

  std::string listen = "127.0.0.1:8080", admin_listen = "127.0.0.1:9464";
  std::string data_dir = config.data_dir.string(), pg_bin_dir;
  int statement_timeout_ms = 5000, acquire_timeout_ms = 2000, read_timeout_ms = 10000,
      idle_timeout_ms = 60000, shutdown_timeout_ms = 10000;
  std::string config_path;

  struct Setting {
    CLI::Option* option;
    std::string key;
  };
  std::vector<Setting> settings;
  auto add = [&](const std::string& key, auto& target, const std::string& help) {
    std::string flag = key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::string env = "BRANDOS_" + key;
    std::transform(env.begin(), env.end(), env.begin(), ::toupper);
    CLI::Option* o = app.add_option("--" + flag, target, help)->envname(env)->capture_default_str();
    settings.push_back({o, key});
    return o;
  };
  add("listen", listen, "Public API address, host:port");
  add("admin_listen", admin_listen, "Admin address for /metrics, host:port");
  add("data_dir", data_dir, "Directory for the self-managed PostgreSQL and local state");
  add("database_url", config.database_url,
      "PostgreSQL URL for the application role; unset = self-managed database");
  add("migration_database_url", config.migration_database_url,
      "PostgreSQL URL for the schema owner role that runs migrations (default: database-url)");
  add("pg_bin_dir", pg_bin_dir, "PostgreSQL server binaries for the self-managed database");
  add("threads", config.threads, "I/O threads, each with its own connections (0 = one per core)")
      ->check(CLI::Range(0, 256));
  add("db_pool_size", config.db_pool_size, "Database connections per I/O thread")
      ->check(CLI::Range(1, 1000));
  add("db_shared_connections", config.db_shared_connections,
      "Connections per I/O thread that single statements are multiplexed over (0 = none)")
      ->check(CLI::Range(0, 64));
  add("db_statement_timeout_ms", statement_timeout_ms,
      "Deadline of one database round trip; also the server-side statement_timeout")
      ->check(CLI::Range(1, 600000));
  add("db_acquire_timeout_ms", acquire_timeout_ms, "How long a request waits for a connection")
      ->check(CLI::Range(1, 600000));
  add("db_prepared_statements", config.db_prepared_statements,
      "Named prepared statements (turn off behind PgBouncer in transaction mode)");
  add("max_connections", config.max_connections, "Open client connections at most")
      ->check(CLI::Range(1, 1000000));
  add("read_timeout_ms", read_timeout_ms, "Deadline for receiving a whole request")
      ->check(CLI::Range(1, 600000));
  add("idle_timeout_ms", idle_timeout_ms, "Keep-alive idle timeout")->check(CLI::Range(1, 3600000));
  add("shutdown_timeout_ms", shutdown_timeout_ms,
      "How long in-flight requests may finish after SIGTERM")
      ->check(CLI::Range(0, 600000));
  add("access_log", config.access_log, "One JSON line per request on stdout");
  add("log_level", config.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  add("env", config.environment, "development or production (production refuses development keys)")
      ->check(CLI::IsMember({"development", "production"}));
  add("jwt_keys", config.jwt_keys,
      "Access-token keys, kid=base64(>=32 bytes),...; the first signs (unset: a development key)");
  add("data_keys", config.data_keys,
      "Master keys for customers' personal data, kid=base64(32 bytes),...; the first wraps new "
      "keys (unset: a development key)");
  add("email_index_key", config.email_index_key,
      "Key of the customer e-mail blind index, base64(32 bytes); never change it (unset: "
      "development)");
  add("jwt_issuer", config.jwt_issuer, "The iss claim of access tokens");
  add("jwt_audience", config.jwt_audience, "The aud claim of access tokens");
  add("trusted_proxies", config.trusted_proxies,
      "Peer addresses or CIDR ranges whose X-Forwarded-For is believed, comma-separated");
  add("hash_threads", config.hash_threads, "Password hashing threads (0 = one per core)")
      ->check(CLI::Range(0, 64));
  add("tenant_requests_per_minute", config.tenant_requests_per_minute,
      "API requests per tenant per minute")
      ->check(CLI::Range(1, 10000000));
  add("login_attempts_per_minute_per_ip", config.login_attempts_per_minute_per_ip,
      "Login attempts per client address per minute")
      ->check(CLI::Range(1, 1000000));
  add("sign_ups_per_hour_per_ip", config.sign_ups_per_hour_per_ip,
      "Sign-ups per client address per hour")
      ->check(CLI::Range(1, 1000000));
  add("unpaid_order_timeout_s", config.unpaid_order_timeout_s,
      "Seconds after which unpaid orders are cancelled and their stock released")
      ->check(CLI::Range(1, 365 * 24 * 3600));
  add("order_batch_max", config.order_batch_max,
      "Concurrent orders of one tenant placed together in one transaction, at most (1 = each "
      "alone)")
      ->check(CLI::Range(1, 1000));
  add("job_interval_s", config.job_interval_s, "Seconds between runs of the maintenance jobs")
      ->check(CLI::Range(1, 3600));
  add("jobs", config.jobs,
      "Run background jobs (unpaid-order expiry, outbox relay, housekeeping) in serve; one node "
      "leads each job at a time (on/off)");
  add("job_lease_ms", config.job_lease_ms,
      "Lease of a background job's leader; renewed every third of it, taken over after it")
      ->check(CLI::Range(300, 600000));
  add("outbox_retention_h", config.outbox_retention_h,
      "Hours published events stay in the outbox before they are pruned")
      ->check(CLI::Range(1, 24 * 365));
  add("relay_batch", config.relay_batch, "Events the outbox relay publishes per step")
      ->check(CLI::Range(1, 1000));
  add("amqp_url", config.amqp_url,
      "RabbitMQ URL amqp://user:pass@host:port/vhost for events; unset = delivered in process");
  add("webhook_allow_private_targets", config.webhook_allow_private_targets,
      "Deliver webhooks to private, loopback and link-local addresses too (tests, closed "
      "networks); off, such targets are refused");
  add("webhook_timeout_ms", config.webhook_timeout_ms,
      "A webhook delivery must be answered with a 2xx within this")
      ->check(CLI::Range(100, 60000));
  add("webhook_retry_base_ms", config.webhook_retry_base_ms,
      "First retry's delay bound; doubles per attempt (full jitter), capped at 4 hours")
      ->check(CLI::Range(10, 3600000));
  add("webhook_max_attempts", config.webhook_max_attempts,
      "Attempts per delivery before it is failed (it also fails after 24 hours)")
      ->check(CLI::Range(1, 100));
  add("webhook_breaker_after", config.webhook_breaker_after,
      "Failed attempts in a row that open an endpoint's circuit breaker")
      ->check(CLI::Range(1, 1000));
  add("webhook_breaker_cooldown_ms", config.webhook_breaker_cooldown_ms,
      "How long an open breaker holds an endpoint's deliveries before a probe")
      ->check(CLI::Range(10, 86400000));
  add("webhook_disable_after", config.webhook_disable_after,
      "Failed attempts in a row after which an endpoint is disabled")
      ->check(CLI::Range(1, 100000));
  add("payment_gateway_url", config.payment_gateway_url,
      "Base URL of the card gateway (docs/payment-gateway.md); unset = the built-in test provider");
  add("payment_gateway_key", config.payment_gateway_key, "Bearer key for the card gateway");
  add("payment_gateway_timeout_ms", config.payment_gateway_timeout_ms,
      "Deadline of one attempt at the card gateway")
      ->check(CLI::Range(50, 120000));
  add("payment_gateway_attempts", config.payment_gateway_attempts,
      "Attempts per gateway call; retries keep the key, with full-jitter backoff")
      ->check(CLI::Range(1, 10));
  add("payment_attempt_lease_ms", config.payment_attempt_lease_ms,
      "Lease of whoever drives a payment, refund or cancellation; after it lapses, the "
      "settlement job or a retry takes over (must exceed the gateway calls' time)")
      ->check(CLI::Range(500, 3600000));
  add("payment_settlement_interval_ms", config.payment_settlement_interval_ms,
      "How often the settlement job looks for unfinished payments, refunds and cancellations")
      ->check(CLI::Range(100, 3600000));
  add("otlp_endpoint", config.otlp_endpoint,
      "OTLP/HTTP receiver for traces, http://host:port (spans POSTed as JSON to /v1/traces); "
      "unset = tracing off");
  add("trace_sample_ratio", config.trace_sample_ratio,
      "Share of traces exported, decided by trace id (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  add("operator_history_step_ms", config.operator_history_step_ms,
      "How often the admin listener's operator page samples this node's figures (a day of them "
      "is kept, at most 100,000 samples)")
      ->check(CLI::Range(100, 600000));
  add("tenant_rates_top", config.tenant_rates_top,
      "The busiest tenants shown by id in brandos_tenant_requests_per_second (the rest are "
      "summed as tenant=\"other\"), which bounds the metric's series")
      ->check(CLI::Range(0, 100));
  add("tenant_rates_window_ms", config.tenant_rates_window_ms,
      "The window the busiest tenants' request rates are counted over")
      ->check(CLI::Range(100, 3600000));
  add("slow_query_ms", config.slow_query_ms,
      "Database round trips slower than this are logged (slow_query: statements, duration, "
      "tenant, trace id) and counted in db_slow_queries_total (0 = off)")
      ->check(CLI::Range(0, 3600000));
  add("breaker_failures", config.breaker_failures,
      "Failures within the window that open a dependency's circuit breaker")
      ->check(CLI::Range(1, 1000));
  add("breaker_window_ms", config.breaker_window_ms, "The circuit breakers' failure window")
      ->check(CLI::Range(10, 3600000));
  add("breaker_open_ms", config.breaker_open_ms,
      "How long an open circuit breaker refuses calls before a probe")
      ->check(CLI::Range(10, 3600000));
  add("principal_cache_ttl_ms", config.principal_cache_ttl_ms,
      "How long a cached caller (role, names) may be served; changes evict at once (0 = no cache)")
      ->check(CLI::Range(0, 3600000));
  add("principal_listener_url", config.principal_listener_url,
      "PostgreSQL URL the principal cache listens on, directly (default: database-url)");
  app.add_option("--config", config_path, "TOML file with any of the settings above")
      ->envname("BRANDOS_CONFIG");

  CLI::App* serve = app.add_subcommand("serve", "Run the API server (the default deployment)");
  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending schema migrations and exit");
  CLI::App* worker = app.add_subcommand(
      "worker", "Run only the background jobs (and the admin listener), no public API");
  CLI::App* version = app.add_subcommand("version", "Print the version and exit");
  for (CLI::App* sub : {serve, migrate, worker, version}) sub->fallthrough();

  // File values become defaults, so the environment and flags still win over them.
  if (const std::string path = find_config_path(argc, argv); !path.empty()) {
    for (const auto& [key, value] : load_config_file(path)) {
      auto it = std::find_if(settings.begin(), settings.end(),
                             [&](const Setting& s) { return s.key == key; });
      if (it == settings.end()) config_error("config file " + path + ": unknown setting " + key);
      it->option->default_str(value);
      it->option->default_val(value);
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    std::replace(what.begin(), what.end(), '\n', ' ');
    config_error(what + " (see brandos --help)");
  } catch (const std::exception& e) {
    config_error(e.what());
  }

  if (version->parsed()) {
    std::cout << "brandos " << BRANDOS_VERSION << "\n";
    return 0;
  }
  if (!brandos::app::parse_endpoint(listen, config.listen))
    config_error("--listen (BRANDOS_LISTEN) must be host:port, got \"" + listen + "\"");
  if (!brandos::app::parse_endpoint(admin_listen, config.admin_listen))
    config_error("--admin-listen (BRANDOS_ADMIN_LISTEN) must be host:port, got \"" + admin_listen +
                 "\"");
  if (data_dir.empty()) config_error("--data-dir (BRANDOS_DATA_DIR) must not be empty");
  config.data_dir = data_dir;
  if (!config.jwt_keys.empty()) {
    try {
      brandos::app::validate_signing_keys(config.jwt_keys);
    } catch (const std::exception& e) {
      config_error(std::string("--jwt-keys (BRANDOS_JWT_KEYS): ") + e.what());
    }
  } else if (config.environment == "production") {
    config_error("--jwt-keys (BRANDOS_JWT_KEYS) is required with BRANDOS_ENV=production");
  }
  if (config.environment == "production" &&
      (config.data_keys.empty() || config.email_index_key.empty()))
    config_error(
        "--data-keys and --email-index-key (BRANDOS_DATA_KEYS, BRANDOS_EMAIL_INDEX_KEY) are "
        "required with BRANDOS_ENV=production");
  try {
    const brandos::api::TrustedProxies proxies(brandos::app::split_list(config.trusted_proxies));
  } catch (const std::invalid_argument& e) {
    config_error(std::string("--trusted-proxies (BRANDOS_TRUSTED_PROXIES): ") + e.what());
  }
  if (!config.amqp_url.empty()) {
    try {
      (void)brandos::amqp::parse_amqp_url(config.amqp_url);
    } catch (const std::invalid_argument& e) {
      config_error(std::string("--amqp-url (BRANDOS_AMQP_URL): ") + e.what() +
                   " (amqp://user:pass@host:port/vhost)");
    }
  }
  // Production keeps the owner's credentials (migrations) out of the serving role's hands.
  if (config.environment == "production" && !config.database_url.empty() &&
      config.migration_database_url.empty())
    config_error(
        "--migration-database-url (BRANDOS_MIGRATION_DATABASE_URL) is required with "
        "BRANDOS_ENV=production and --database-url: migrations run as the owner, requests as a "
        "role that row-level security confines");
  try {
    if (!config.data_keys.empty())
      brandos::app::load_master_keys(config.data_keys, config.data_dir);
    if (!config.email_index_key.empty())
      brandos::app::load_email_index_key(config.email_index_key, config.data_dir);
  } catch (const std::exception& e) {
    config_error(std::string("--data-keys / --email-index-key: ") + e.what());
  }
  config.pg_bin_dir = pg_bin_dir;
  config.db_statement_timeout = std::chrono::milliseconds(statement_timeout_ms);
  config.db_acquire_timeout = std::chrono::milliseconds(acquire_timeout_ms);
  config.read_timeout = std::chrono::milliseconds(read_timeout_ms);
  config.idle_timeout = std::chrono::milliseconds(idle_timeout_ms);
  config.shutdown_timeout = std::chrono::milliseconds(shutdown_timeout_ms);
  using brandos::observability::Level;
  brandos::observability::set_min_level(config.log_level == "debug"   ? Level::debug
                                        : config.log_level == "warn"  ? Level::warn
                                        : config.log_level == "error" ? Level::error
                                                                      : Level::info);
  // Resolved once, here: every module sizes itself (and the self-managed database) from these.
  config.threads = brandos::app::resolve_thread_count(config.threads);
  config.hash_threads = brandos::app::resolve_thread_count(config.hash_threads);
  try {
    if (migrate->parsed()) return brandos::app::migrate(config);
    if (worker->parsed()) {
      config.jobs = true;
      config.api = false;
    }
    return brandos::app::serve(config);
  } catch (const std::exception& e) {
    brandos::observability::log_error("fatal").str("error", e.what()).write();
    brandos::observability::flush_log();
    std::cerr << "brandos: " << e.what() << "\n";
    return 1;
  }
}
