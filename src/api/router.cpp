#include "api/router.hpp"

#include "api/failure_response.hpp"

#include <algorithm>
#include <stdexcept>

namespace brandos::api {

namespace asio = boost::asio;

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 1;  // skip the leading '/'
  while (i <= path.size()) {
    const std::size_t j = std::min(path.find('/', i), path.size());
    out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_param(const std::string& s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

// Literal segments score higher than parameters, so "/v1/users/me" beats "/v1/users/{id}".
int specificity(const std::vector<std::string>& segments) {
  int score = 0;
  for (const auto& s : segments) score = score * 2 + (is_param(s) ? 0 : 1);
  return score;
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler) {
  insert(method, std::move(pattern), std::move(handler), RouteAccess::open());
}

void Router::insert(Method method, std::string pattern, Handler handler, RouteAccess access) {
  if (pattern.empty() || pattern.front() != '/') throw std::logic_error("route must start with /");
  Route r{method, pattern, {}, std::move(handler), access};
  for (auto s : split_path(pattern)) r.segments.emplace_back(s);
  routes_.push_back(std::move(r));
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route& a, const Route& b) {
    if (a.segments.size() != b.segments.size()) return a.segments.size() < b.segments.size();
    return specificity(a.segments) > specificity(b.segments);
  });
}

Router::Match Router::match(Method method, std::string_view path) const {
  const auto parts = split_path(path);
  // Routes are sorted most specific first, so the first shape that matches is the best one;
  // every route of that same shape is a candidate for the method.
  const Route* get_route = nullptr;
  const std::vector<std::string>* shape = nullptr;
  std::vector<const Route*> candidates;
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    if (shape && *shape != r.segments) continue;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i)
      ok = is_param(r.segments[i]) ? !parts[i].empty() : r.segments[i] == parts[i];
    if (!ok) continue;
    shape = &r.segments;
    candidates.push_back(&r);
    if (r.method == Method::get) get_route = &r;
  }

  Match m;
  const Route* chosen = nullptr;
  for (const Route* r : candidates)
    if (r->method == method) chosen = r;
  if (!chosen && method == Method::head) chosen = get_route;
  if (chosen) {
    m.outcome = Match::Outcome::found;
    m.handler = &chosen->handler;
    m.access = &chosen->access;
    m.pattern = &chosen->pattern;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string& seg = chosen->segments[i];
      if (is_param(seg)) m.params.emplace_back(seg.substr(1, seg.size() - 2), parts[i]);
    }
    return m;
  }
  if (!candidates.empty()) {
    m.outcome = Match::Outcome::method_not_allowed;
    for (const Route* r : candidates) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += to_string(r->method);
    }
    if (get_route) m.allow += ", HEAD";
  }
  return m;
}

void Router::add(Method method, std::string pattern, RouteAccess access,
                 AuthenticatedHandler handler) {
  if (!access.authenticated) throw std::logic_error("an authenticated route needs access");
  insert(
      method, std::move(pattern),
      [access, handler = std::move(handler)](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
        // The authentication middleware runs before every authenticated route; a route reached
        // without a principal is a wiring bug, never a client's doing.
        if (!ctx.principal)
          throw std::logic_error("authenticated route reached without a principal");
        if (ctx.principal->role < access.minimum)
          co_return render_failure(application::failures::forbidden(), ctx);
        co_return co_await handler(ctx, *ctx.principal);
      },
      access);
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back({r.method, r.pattern, r.access});
  return out;
}

}  // namespace brandos::api
