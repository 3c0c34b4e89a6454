// Fuzzes the whole HTTP entry point as the server runs it: Beast's parser with the server's
// limits, the framing checks, the conversion to HttpRequest, request-id, traceparent and
// X-Forwarded-For handling, routing (404/405), the real authentication middleware (bearer
// parsing, JWT verification, the per-tenant limit, role checks) and a JSON route's body parsing.
// Invariant: any input ends in a parse error the server answers with a 4xx or a close, or in a
// response below 500.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdlib>

#include "api/http_wire.hpp"
#include "api/identity_routes.hpp"
#include "api/json_body.hpp"
#include "api/middleware.hpp"
#include "api/problem.hpp"
#include "authentication_fakes.hpp"
#include "deterministic_ids.hpp"
#include "infrastructure/crypto/jwt_token_service.hpp"
#include "infrastructure/local/in_process_rate_limiter.hpp"

namespace asio = boost::asio;
using namespace brandos;

namespace {

// The real authentication middleware in front of the routes (identity_routes.cpp), with the real
// token service and rate limiter; see authentication_fakes.hpp for the rest.
struct Identity {
  fuzz::DeterministicIds ids;
  fuzz::OneUser users;
  fuzz::NoData data;
  fuzz::NoHashing hasher;
  fuzz::NoStrength strength;
  crypto::JwtTokenService tokens{[] {
    crypto::TokenSettings t;
    t.keys = {{"k1", std::vector<unsigned char>(32, 7)}};
    return t;
  }()};
  local::InProcessRateLimiter limiter{10'000};
  application::IdentityDependencies deps{data, users, hasher, strength, tokens, limiter, ids};
  application::SignUp sign_up{deps};
  application::Login login{deps, ""};
  application::RefreshSession refresh{deps};
  application::Logout logout{deps};
  application::Authenticate authenticate{deps};
  application::ManageUsers manage{deps};
  application::ListAuditEvents audit{deps};
  api::IdentityApi api{sign_up, login, refresh, logout, authenticate, manage, audit, limiter, {}};
  // A token that verifies, for inputs that say "TOKEN" where a bearer token goes: the fuzzer
  // cannot forge a signature, so this is how its inputs reach the signed-in paths.
  std::string valid_token =
      tokens
          .issue_access_token(application::Principal{fuzz::kTenant, fuzz::kUser,
                                                     domain::Role::admin, "a@fuzz.test", "A"})
          .token;
};

Identity& identity() {
  static Identity i;
  return i;
}

api::HttpApplication& fuzzed_app() {
  static auto router = [] {
    auto r = std::make_shared<api::Router>();
    r->add(api::Method::get, "/health/live",
           [](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
             co_return api::json_response(200, R"({"status":"ok"})");
           });
    r->add(api::Method::post, "/v1/things/{id}",
           [](api::RequestContext& ctx) -> asio::awaitable<api::HttpResponse> {
             auto parsed = api::parse_json_object(ctx.request);
             if (auto* p = std::get_if<api::Problem>(&parsed))
               co_return api::render_problem(*p, ctx.request.path, ctx.request_id);
             co_return api::json_response(201, std::string(ctx.param("id")));
           });
    r->add(api::Method::get, "/v1/me", api::RouteAccess::signed_in(),
           [](api::RequestContext&,
              const application::Principal& p) -> asio::awaitable<api::HttpResponse> {
             co_return api::json_response(200, "\"" + p.user_id.to_string() + "\"");
           });
    r->add(api::Method::get, "/v1/users", api::RouteAccess::needs(domain::Permission::users_read),
           [](api::RequestContext&, const application::Principal&)
               -> asio::awaitable<api::HttpResponse> { co_return api::json_response(200, "[]"); });
    return r;
  }();
  static api::HttpApplication app(router, {api::authentication(identity().api)}, identity().ids,
                                  nullptr, api::TrustedProxies({"10.0.0.0/8"}));
  return app;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  if (const auto at = input.find("TOKEN"); at != std::string::npos)
    input.replace(at, 5, identity().valid_token);
  data = reinterpret_cast<const std::uint8_t*>(input.data());
  size = input.size();
  api::WireParser parser;
  api::apply_limits(parser, 16 * 1024, 1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (offset < size && !parser.is_done()) {
    const std::size_t used = parser.put(asio::buffer(data + offset, size - offset), ec);
    if (ec == boost::beast::http::error::need_more) break;
    if (ec) {
      const int status = api::status_for_read_error(ec);
      if (status != 0 && (status < 400 || status > 499)) std::abort();
      return 0;
    }
    if (used == 0) break;
    offset += used;
  }
  if (!parser.is_done()) return 0;
  if (const int status = api::framing_problem(parser)) {
    if (status != 400 && status != 501) std::abort();
    return 0;
  }
  auto request = api::to_http_request(parser.release(), "127.0.0.1");
  if (!request) return 0;  // answered with 400

  asio::io_context io;
  auto f = asio::co_spawn(io, fuzzed_app().handle(*request), asio::use_future);
  io.run();
  const api::HttpResponse response = f.get();
  if (response.status < 200 || response.status >= 500) std::abort();
  if (!response.header("X-Request-Id")) std::abort();
  return 0;
}
