#pragma once
// Tenancy and identity: password hashing threads, token signing, rate limits and, per I/O thread,
// the sign-up, session and user-management use cases, their routes and the authentication
// middleware every authenticated route sits behind.
#include <memory>
#include <vector>

#include "api/identity_routes.hpp"
#include "app/modules/database_module.hpp"
#include "app/modules/route_source.hpp"
#include "infrastructure/crypto/argon2_password_hasher.hpp"
#include "infrastructure/crypto/jwt_token_service.hpp"
#include "infrastructure/local/in_process_rate_limiter.hpp"
#include "infrastructure/security/zxcvbn_password_strength.hpp"

namespace brandos::app {

class IdentityModule final : public Module, public RouteSource {
 public:
  IdentityModule(const Config& config, Runtime& runtime, DatabaseModule& database,
                 application::IdGenerator& ids);
  std::string_view name() const override { return "identity"; }
  void start() override;
  void stop() override;
  void add_routes(int thread, api::Router& router) override;

  api::Middleware authentication(int thread);
  application::RateLimiter& limiter() { return limiter_; }
  // The node's access-token verifier (thread-safe), after start().
  application::TokenService& tokens() { return *tokens_; }

 private:
  struct PerThread {
    std::unique_ptr<application::IdentityDependencies> deps;
    std::unique_ptr<application::SignUp> sign_up;
    std::unique_ptr<application::Login> login;
    std::unique_ptr<application::RefreshSession> refresh;
    std::unique_ptr<application::Logout> logout;
    std::unique_ptr<application::Authenticate> authenticate;
    std::unique_ptr<application::ManageUsers> users;
    std::unique_ptr<application::ListAuditEvents> audit;
    std::unique_ptr<api::IdentityApi> api;
  };

  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  application::IdGenerator& ids_;
  std::unique_ptr<crypto::Argon2PasswordHasher> hasher_;
  security::ZxcvbnPasswordStrength strength_;
  std::unique_ptr<crypto::JwtTokenService> tokens_;
  local::InProcessRateLimiter limiter_;
  std::string decoy_hash_;
  std::vector<PerThread> threads_;
};

}  // namespace brandos::app
