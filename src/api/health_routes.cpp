#include "api/health_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdio>

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
               // Built by hand: Boost.JSON would print latencies as 4.12E-1.
               std::string body = R"({"status":")";
               body += application::to_string(result.status);
               body += R"(","checks":{)";
               for (std::size_t i = 0; i < result.checks.size(); ++i) {
                 const auto& c = result.checks[i];
                 char latency[32];
                 std::snprintf(latency, sizeof latency, "%.3f", c.latency_ms);
                 if (i) body += ',';
                 body += boost::json::serialize(boost::json::string(c.name));
                 body += R"(:{"status":")";
                 body += application::to_string(c.status);
                 body += R"(","latency_ms":)";
                 body += latency;
                 body += '}';
               }
               body += "}}";
               const bool down = result.status == application::HealthStatus::down;
               HttpResponse r = json_response(down ? 503 : 200, std::move(body));
               r.set_header("Cache-Control", "no-store");
               if (down) r.set_header("Retry-After", "5");
               co_return r;
             });
}

}  // namespace brandos::api
