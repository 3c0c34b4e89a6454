#include "app/modules/identity_module.hpp"

#include "app/signing_keys.hpp"
#include "infrastructure/crypto/random.hpp"

namespace brandos::app {

IdentityModule::IdentityModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                               application::IdGenerator& ids)
    : config_(config),
      runtime_(runtime),
      database_(database),
      ids_(ids),
      hasher_(std::make_unique<crypto::Argon2PasswordHasher>(config.hash_threads)) {}

void IdentityModule::start() {
  crypto::TokenSettings token_settings;
  token_settings.keys = load_signing_keys(config_.jwt_keys, config_.data_dir);
  token_settings.issuer = config_.jwt_issuer;
  token_settings.audience = config_.jwt_audience;
  tokens_ = std::make_unique<crypto::JwtTokenService>(token_settings);
  // Verified when a login names an unknown tenant or user, so those take as long as a wrong
  // password.
  std::array<std::uint8_t, 32> decoy_secret{};
  ids_.fill_random(decoy_secret);
  decoy_hash_ = crypto::Argon2PasswordHasher::hash_now(
      std::string(reinterpret_cast<const char*>(decoy_secret.data()), decoy_secret.size()));

  // Live limits dropped because the limiter was full: a flood of distinct keys (ADR 0014).
  runtime_.registry().gauge("rate_limit_keys_evicted",
                            "Rate-limit keys forgotten early because the limiter was full.", {},
                            [this] { return static_cast<double>(limiter_.evictions()); });
  runtime_.registry().gauge("rate_limit_keys", "Keys the rate limiter holds.", {},
                            [this] { return static_cast<double>(limiter_.size()); });
  api::IdentityLimits limits;
  limits.requests_per_tenant = {config_.tenant_requests_per_minute, std::chrono::minutes(1)};
  limits.login_per_ip = {config_.login_attempts_per_minute_per_ip, std::chrono::minutes(1)};
  limits.sign_up_per_ip = {config_.sign_ups_per_hour_per_ip, std::chrono::hours(1)};
  for (int i = 0; i < runtime_.threads(); ++i) {
    PerThread t;
    t.deps = std::make_unique<application::IdentityDependencies>(application::IdentityDependencies{
        database_.tenant_data(i), database_.authenticated_users(i), *hasher_, strength_, *tokens_,
        limiter_, ids_});
    t.sign_up = std::make_unique<application::SignUp>(*t.deps);
    t.login = std::make_unique<application::Login>(*t.deps, decoy_hash_);
    t.refresh = std::make_unique<application::RefreshSession>(*t.deps);
    t.logout = std::make_unique<application::Logout>(*t.deps);
    t.authenticate = std::make_unique<application::Authenticate>(*t.deps);
    t.users = std::make_unique<application::ManageUsers>(*t.deps);
    t.audit = std::make_unique<application::ListAuditEvents>(*t.deps);
    t.api = std::make_unique<api::IdentityApi>(
        api::IdentityApi{*t.sign_up, *t.login, *t.refresh, *t.logout, *t.authenticate, *t.users,
                         *t.audit, limiter_, limits});
    threads_.push_back(std::move(t));
  }
}

// Hashes still queued are abandoned (their requests are past the shutdown bound), and destroyed
// now, while the I/O io_contexts whose sockets and timers their callers hold still exist.
void IdentityModule::stop() {
  hasher_->shut_down();
  hasher_.reset();
}

void IdentityModule::add_routes(int thread, api::Router& router) {
  api::add_identity_routes(router, *threads_.at(static_cast<std::size_t>(thread)).api);
}

api::Middleware IdentityModule::authentication(int thread) {
  return api::authentication(*threads_.at(static_cast<std::size_t>(thread)).api);
}

}  // namespace brandos::app
