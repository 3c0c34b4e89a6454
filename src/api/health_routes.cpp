#include "api/health_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

namespace brandos::api {

namespace asio = boost::asio;

void add_health_routes(Router& router, const application::CheckReadiness& readiness) {
  router.add(Method::get, "/health/live", [](RequestContext&) -> asio::awaitable<HttpResponse> {
    HttpResponse r = json_response(200, R"({"status":"ok"})");
    r.set_header("Cache-Control", "no-store");
    co_return r;
  });

  router.add(Method::get, "/health/ready",
             [&readiness](RequestContext&) -> asio::awaitable<HttpResponse> {
               const application::Readiness result = co_await readiness();
               boost::json::object checks;
               for (const auto& c : result.checks) {
                 checks[c.name] = {{"status", application::to_string(c.status)},
                                   {"latency_ms", std::round(c.latency_ms * 1000.0) / 1000.0}};
               }
               boost::json::object body{{"status", application::to_string(result.status)},
                                        {"checks", std::move(checks)}};
               const bool down = result.status == application::HealthStatus::down;
               HttpResponse r = json_response(down ? 503 : 200, boost::json::serialize(body));
               r.set_header("Cache-Control", "no-store");
               if (down) r.set_header("Retry-After", "5");
               co_return r;
             });
}

}  // namespace brandos::api
