#pragma once
// Maps method + path to a handler. Patterns are literal segments and `{name}` parameters
// ("/v1/orders/{id}/events"); a literal segment wins over a parameter at the same position.
// Unknown path: 404; known path, other method: 405 with the Allow header. HEAD is served by the
// GET handler when no HEAD route exists.
//
// Built once at start-up, then only read: safe to share between threads.
#include <string>
#include <vector>

#include "api/request_context.hpp"

namespace brandos::api {

class Router {
 public:
  // A public route.
  void add(Method method, std::string pattern, Handler handler);
  // An authenticated route: the caller must be signed in with at least `access.minimum`
  // (403 otherwise, before the handler runs).
  void add(Method method, std::string pattern, RouteAccess access, AuthenticatedHandler handler);

  struct Match {
    enum class Outcome { found, not_found, method_not_allowed } outcome = Outcome::not_found;
    const Handler* handler = nullptr;
    const RouteAccess* access = nullptr;
    const std::string* pattern = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::string allow;  // for method_not_allowed
  };
  Match match(Method method, std::string_view path) const;

  struct RouteInfo {
    Method method;
    std::string pattern;
    RouteAccess access;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;  // "{id}" marks a parameter
    Handler handler;
    RouteAccess access;
  };
  void insert(Method method, std::string pattern, Handler handler, RouteAccess access);
  std::vector<Route> routes_;
};

}  // namespace brandos::api
