#include "app/modules/http_module.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cctype>

#include "api/health_routes.hpp"
#include "api/problem.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::app {

api::ProtocolErrorRenderer make_protocol_error_renderer(application::IdGenerator& ids) {
  return [&ids](int status, const std::string& path) {
    api::Problem p = api::problems::bad_request("The request is not valid HTTP/1.1.");
    if (status == 408) p = api::problems::request_timeout();
    if (status == 413) p = api::problems::payload_too_large();
    if (status == 431) p = api::problems::header_fields_too_large();
    if (status == 501) p = api::problems::transfer_coding_not_implemented();
    const std::string id = ids.new_id().to_string();
    api::HttpResponse r = api::render_problem(p, path, id);
    r.set_header("X-Request-Id", id);
    return r;
  };
}

void HttpModule::start() {
  api::ServerLimits limits;
  limits.read_timeout = config_.read_timeout;
  limits.idle_timeout = config_.idle_timeout;
  // Only a valid access token lets a request send more than the anonymous body limit: a made-up
  // Authorization header must not make the server buffer a mebibyte before it answers 401.
  limits.credential_lifts_body_limit = [tokens = &identity_.tokens()](std::string_view header) {
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), header.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        }))
      return false;
    return tokens->verify_access_token(header.substr(scheme.size())).has_value();
  };
  // Checked at start-up (main), so this cannot throw.
  const api::TrustedProxies trusted_proxies(split_list(config_.trusted_proxies));
  port_ = config_.listen.port;
  for (int i = 0; i < runtime_.threads(); ++i) {
    PerThread t;
    t.router = std::make_shared<api::Router>();
    api::add_health_routes(*t.router, database_.readiness(i));
    for (RouteSource* source : sources_) source->add_routes(i, *t.router);
    t.app = std::make_unique<api::HttpApplication>(
        t.router, std::vector<api::Middleware>{identity_.authentication(i)}, ids_, &observer_,
        trusted_proxies);
    t.server = std::make_unique<api::HttpServer>(
        runtime_.io(i), [app = t.app.get()](api::HttpRequest& r) { return app->handle(r); },
        make_protocol_error_renderer(ids_), limits, open_,
        [this](std::string_view task, std::exception_ptr e) { runtime_.report_failure(task, e); });
    // Port 0 picks a free port once; the other threads share that same port.
    port_ = t.server->listen(config_.listen.host, port_);
    threads_.push_back(std::move(t));
  }
}

void HttpModule::begin_stop() {
  for (int i = 0; i < runtime_.threads(); ++i)
    boost::asio::post(runtime_.io(i), [s = threads_.at(static_cast<std::size_t>(i)).server.get()] {
      s->begin_shutdown();
    });
}

void HttpModule::stop() {
  for (auto& t : threads_) t.server.reset();
}

}  // namespace brandos::app
