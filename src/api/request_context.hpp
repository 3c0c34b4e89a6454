#pragma once
// Everything known about one request while it travels through middleware and its handler.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/http_message.hpp"
#include "api/trace_context.hpp"
#include "application/identity/principal.hpp"
#include "domain/identity/role.hpp"

namespace brandos::api {

// Who may call a route, declared when it is registered: anyone, or an authenticated user with at
// least a minimum role. The authentication middleware and the router enforce it, so a handler of
// an authenticated route always has a principal.
struct RouteAccess {
  bool authenticated = false;
  domain::Role minimum = domain::Role::viewer;

  static RouteAccess open() { return {}; }
  // Any signed-in user; the use case decides (and audits) the rest.
  static RouteAccess signed_in() { return {true, domain::Role::viewer}; }
  static RouteAccess needs(domain::Permission p) { return {true, domain::minimum_role(p)}; }
};

struct RequestContext {
  HttpRequest& request;
  std::chrono::steady_clock::time_point received_at;
  std::string request_id;
  TraceContext trace;
  std::string route = "unmatched";  // the matched pattern ("/v1/orders/{id}"), for metrics
  std::vector<std::pair<std::string, std::string>> params;
  std::string client_ip;                            // after trusted-proxy resolution
  RouteAccess access;                               // of the matched route
  std::optional<application::Principal> principal;  // set by the authentication middleware
  // The matched route's handler (set by routing, called at the end of the middleware chain).
  const std::function<boost::asio::awaitable<HttpResponse>(RequestContext&)>* handler = nullptr;

  std::string_view param(std::string_view name) const {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
};

using Handler = std::function<boost::asio::awaitable<HttpResponse>(RequestContext&)>;
// The handler of an authenticated route: it gets the principal the middleware established.
using AuthenticatedHandler = std::function<boost::asio::awaitable<HttpResponse>(
    RequestContext&, const application::Principal&)>;

}  // namespace brandos::api
