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

namespace brandos::api {

struct RequestContext {
  HttpRequest& request;
  std::chrono::steady_clock::time_point received_at;
  std::string request_id;
  TraceContext trace;
  std::string route = "unmatched";  // the matched pattern ("/v1/orders/{id}"), for metrics
  std::vector<std::pair<std::string, std::string>> params;
  std::string client_ip;                            // after trusted-proxy resolution
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

}  // namespace brandos::api
