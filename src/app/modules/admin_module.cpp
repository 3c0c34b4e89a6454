#include "app/modules/admin_module.hpp"

#include <boost/asio/post.hpp>

#include "api/health_routes.hpp"
#include "api/problem.hpp"
#include "app/operator_page.hpp"
#include "infrastructure/observability/wall_clock.hpp"

namespace brandos::app {

namespace asio = boost::asio;

std::size_t AdminModule::history_capacity(const Config& config) {
  // A day of samples, at most 100,000 (under three hours at the shortest step).
  const std::size_t per_day =
      86'400'000 / static_cast<std::size_t>(config.operator_history_step_ms);
  return std::min<std::size_t>(per_day + 1, 100'000);
}

void AdminModule::sample_history() {
  if (stopping_) return;
  history_.sample(observability::unix_seconds_now(), observability::steady_seconds_now());
  sampler_->expires_after(std::chrono::milliseconds(config_.operator_history_step_ms));
  sampler_->async_wait([this](boost::system::error_code ec) {
    if (!ec) sample_history();
  });
}

void AdminModule::start() {
  auto admin = std::make_shared<api::Router>();
  admin->add(api::Method::get, "/metrics",
             [this](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
               api::HttpResponse r;
               r.headers.push_back({"Content-Type", "text/plain; version=0.0.4"});
               r.body = registry_.expose();
               co_return r;
             });
  admin->add(api::Method::get, "/errors",
             [this](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
               co_return api::json_response(200, errors_.to_json());
             });
  api::add_health_routes(*admin, database_.readiness(0));
  add_operator_page(*admin, history_, database_.recent_slow_queries());
  if (http_)
    admin->add(
        api::Method::get, "/routes",
        [router = http_->router(0)](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
          std::string body = "[";
          for (const auto& r : router->routes()) {
            if (body.size() > 1) body += ',';
            body += R"({"method":")" + std::string(api::to_string(r.method)) + R"(","path":")" +
                    r.pattern + R"(","authenticated":)" +
                    (r.access.authenticated ? "true" : "false") + "}";
          }
          body += "]";
          co_return api::json_response(200, std::move(body));
        });
  app_ =
      std::make_unique<api::HttpApplication>(admin, std::vector<api::Middleware>{}, ids_, nullptr);
  api::ServerLimits limits;
  limits.read_timeout = config_.read_timeout;
  limits.idle_timeout = config_.idle_timeout;
  server_ = std::make_unique<api::HttpServer>(
      runtime_.io(0), [app = app_.get()](api::HttpRequest& r) { return app->handle(r); },
      make_protocol_error_renderer(ids_), limits, open_,
      [this](std::string_view task, std::exception_ptr e) { runtime_.report_failure(task, e); });
  port_ = server_->listen(config_.admin_listen.host, config_.admin_listen.port);
  // The first sample is the baseline the first step's rates are taken against.
  sampler_ = std::make_unique<asio::steady_timer>(runtime_.io(0));
  asio::post(runtime_.io(0), [this] { sample_history(); });
}

void AdminModule::begin_stop() {
  asio::post(runtime_.io(0), [this] {
    stopping_ = true;
    sampler_->cancel();
    server_->begin_shutdown();
  });
}

void AdminModule::stop() {
  server_.reset();
  sampler_.reset();
}

}  // namespace brandos::app
