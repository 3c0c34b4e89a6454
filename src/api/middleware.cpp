#include "api/middleware.hpp"

#include <exception>

#include "api/client_ip.hpp"
#include "api/problem.hpp"
#include "api/request_id.hpp"

namespace brandos::api {

namespace asio = boost::asio;

HttpApplication::HttpApplication(std::shared_ptr<const Router> router,
                                 std::vector<Middleware> middleware, application::IdGenerator& ids,
                                 RequestObserver* observer, TrustedProxies trusted_proxies)
    : router_(std::move(router)),
      middleware_(std::move(middleware)),
      ids_(ids),
      observer_(observer),
      trusted_proxies_(std::move(trusted_proxies)) {}

asio::awaitable<HttpResponse> HttpApplication::run_chain(RequestContext& ctx, std::size_t index) {
  if (index == middleware_.size()) co_return co_await (*ctx.handler)(ctx);
  const Next next = [this, index](RequestContext& c) { return run_chain(c, index + 1); };
  co_return co_await middleware_[index](ctx, next);
}

asio::awaitable<HttpResponse> HttpApplication::handle(HttpRequest& request) {
  RequestContext ctx{request, std::chrono::steady_clock::now(), {}, {}, "unmatched", {}, {}, {}, {},
                     nullptr};
  ctx.client_ip = resolve_client_ip(
      request.client_ip, request.header("X-Forwarded-For").value_or(""), trusted_proxies_);

  if (auto id = request.header("X-Request-Id"); id && acceptable_request_id(*id)) {
    ctx.request_id = std::string(*id);
  } else {
    ctx.request_id = ids_.new_id().to_string();
  }

  std::array<std::uint8_t, 24> rnd{};
  ids_.fill_random(rnd);
  std::copy_n(rnd.begin(), 8, ctx.trace.span_id.begin());
  if (auto tp = request.header("traceparent"); tp) {
    if (auto parsed = parse_traceparent(*tp)) {
      ctx.trace.trace_id = parsed->trace_id;
      ctx.trace.parent_span_id = parsed->parent_id;
      ctx.trace.flags = parsed->flags;
    }
  }
  if (ctx.trace.parent_span_id == decltype(ctx.trace.parent_span_id){})
    std::copy_n(rnd.begin() + 8, 16, ctx.trace.trace_id.begin());

  HttpResponse response;
  std::exception_ptr failure;
  try {
    // Routing comes first, so unknown paths are 404 and wrong methods 405 for everyone, and
    // middleware sees the matched route (its pattern and parameters).
    auto m = router_->match(request.method, request.path);
    switch (m.outcome) {
      case Router::Match::Outcome::not_found:
        response = render_problem(problems::not_found(), request.path, ctx.request_id);
        break;
      case Router::Match::Outcome::method_not_allowed:
        ctx.route = "method_not_allowed";
        response = render_problem(problems::method_not_allowed(std::move(m.allow)), request.path,
                                  ctx.request_id);
        break;
      case Router::Match::Outcome::found:
        ctx.route = *m.pattern;
        ctx.params = std::move(m.params);
        ctx.handler = m.handler;
        ctx.access = *m.access;
        response = co_await run_chain(ctx, 0);
        break;
    }
  } catch (const std::exception& e) {
    if (observer_) observer_->on_unhandled_exception(ctx, e.what());
    failure = std::current_exception();
  } catch (...) {
    if (observer_) observer_->on_unhandled_exception(ctx, "non-standard exception");
    failure = std::current_exception();
  }
  if (failure) response = render_problem(problems::internal_error(), request.path, ctx.request_id);

  response.set_header("X-Request-Id", ctx.request_id);
  if (observer_) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - ctx.received_at).count();
    observer_->on_request(RequestRecord{request.method, ctx.route, response.status, seconds,
                                        request.body.size(), response.body.size(), ctx.request_id,
                                        ctx.trace, ctx.client_ip, request.path,
                                        ctx.principal ? &ctx.principal->tenant_id : nullptr});
  }
  co_return response;
}

}  // namespace brandos::api
