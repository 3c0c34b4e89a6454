#pragma once
// HTTP mapping of tenancy and identity (API.md "Tenancy and identity", GET /v1/audit-events),
// and the authentication middleware every other route sits behind.
#include <boost/json/object.hpp>
#include <vector>

#include "api/middleware.hpp"
#include "api/router.hpp"
#include "application/identity/manage_users.hpp"
#include "application/identity/sessions.hpp"
#include "application/identity/sign_up.hpp"

namespace brandos::api {

struct IdentityLimits {
  application::RateLimit sign_up_per_ip{10, std::chrono::hours(1)};
  application::RateLimit login_per_ip{60, std::chrono::minutes(1)};
  application::RateLimit requests_per_tenant{6000, std::chrono::minutes(1)};
};

// Borrowed use cases (one set per I/O thread) and shared ports.
struct IdentityApi {
  const application::SignUp& sign_up;
  const application::Login& login;
  const application::RefreshSession& refresh;
  const application::Logout& logout;
  const application::Authenticate& authenticate;
  const application::ManageUsers& users;
  const application::ListAuditEvents& audit;
  application::RateLimiter& limiter;
  IdentityLimits limits;
};

void add_identity_routes(Router& router, const IdentityApi& api);

// The bodies of sign-up, login and user creation read into commands; problems go to `issues`
// (unknown fields, missing or mistyped ones). Exposed for the fuzz target.
application::SignUpCommand read_sign_up(const boost::json::object& body,
                                        std::vector<application::FieldIssue>& issues);
application::LoginCommand read_login(const boost::json::object& body,
                                     std::vector<application::FieldIssue>& issues);
application::CreateUserCommand read_new_user(const boost::json::object& body,
                                             std::vector<application::FieldIssue>& issues);

// Requires a valid bearer token on every route registered as authenticated (RouteAccess); puts the
// principal (re-read from the database) into the context; applies the per-tenant request limit with
// RateLimit headers.
Middleware authentication(const IdentityApi& api);

}  // namespace brandos::api
