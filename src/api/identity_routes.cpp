#include "api/identity_routes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "api/client_ip.hpp"
#include "api/cursor.hpp"
#include "api/failure_response.hpp"
#include "api/json_body.hpp"
#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/problem.hpp"
#include "api/resource_json.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

namespace {

// Counts one request against `limit` for `key`; a 429 response if over it.
std::optional<HttpResponse> over_limit(const IdentityApi& api, const RequestContext& ctx,
                                       const std::string& key,
                                       const application::RateLimit& limit) {
  const auto d = api.limiter.hit(key, limit);
  if (d.allowed) return std::nullopt;
  HttpResponse r = render_failure(application::failures::rate_limited(d.reset_seconds), ctx);
  add_rate_headers(r, limit, d);
  return r;
}

// The body of refresh and logout: {"refresh_token"}, or the response saying what is wrong.
std::variant<std::string, HttpResponse> refresh_token_of(const RequestContext& ctx) {
  auto body = body_of(ctx);
  if (auto* r = std::get_if<HttpResponse>(&body)) return std::move(*r);
  std::vector<FieldIssue> issues;
  JsonFields f(std::get<json::object>(body), issues);
  auto token = f.required_string("refresh_token");
  f.finish();
  if (!issues.empty()) return validation_problem(ctx, std::move(issues));
  return std::move(*token);
}

HttpResponse tokens_json(const application::TokenPair& t) {
  HttpResponse r = json_ok(200, json::object{{"access_token", t.access.token},
                                             {"token_type", "Bearer"},
                                             {"expires_in", t.access.expires_in_seconds},
                                             {"refresh_token", t.refresh_token}});
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace

application::SignUpCommand read_sign_up(const json::object& body, std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::SignUpCommand c;
  c.name = f.required_string("name").value_or("");
  c.slug = f.required_string("slug").value_or("");
  if (const json::object* owner = f.required_object("owner")) {
    JsonFields o(*owner, issues, "owner.");
    c.owner_email = o.required_string("email").value_or("");
    c.owner_password = o.required_string("password").value_or("");
    c.owner_name = o.required_string("name").value_or("");
    o.finish();
  }
  f.finish();
  return c;
}

application::LoginCommand read_login(const json::object& body, std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::LoginCommand c;
  c.tenant_slug = f.required_string("tenant").value_or("");
  c.email = f.required_string("email").value_or("");
  c.password = f.required_string("password").value_or("");
  f.finish();
  return c;
}

application::CreateUserCommand read_new_user(const json::object& body,
                                             std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::CreateUserCommand c;
  c.email = f.required_string("email").value_or("");
  c.name = f.required_string("name").value_or("");
  c.password = f.required_string("password").value_or("");
  c.role = f.required_string("role").value_or("");
  f.finish();
  return c;
}

Middleware authentication(const IdentityApi& api) {
  return [&api](RequestContext& ctx, const Next& next) -> asio::awaitable<HttpResponse> {
    if (!ctx.access.authenticated) co_return co_await next(ctx);
    const auto header = ctx.request.header("Authorization");
    if (!header || header->size() < 8 || !iequals(header->substr(0, 7), "Bearer "))
      co_return render_failure(application::failures::unauthorized("A bearer token is required."),
                               ctx);
    auto principal = co_await api.authenticate(operation_context(ctx), header->substr(7));
    if (!principal) co_return render_failure(principal.error(), ctx);
    ctx.principal = std::move(*principal);
    const auto& limit = api.limits.requests_per_tenant;
    const auto d = api.limiter.hit("tenant:" + ctx.principal->tenant_id.to_string(), limit);
    if (!d.allowed) {
      HttpResponse r = render_failure(application::failures::rate_limited(d.reset_seconds), ctx);
      add_rate_headers(r, limit, d);
      co_return r;
    }
    HttpResponse r = co_await next(ctx);
    add_rate_headers(r, limit, d);
    co_return r;
  };
}

void add_identity_routes(Router& router, const IdentityApi& api) {
  router.add(
      Method::post, "/v1/tenants", [&api](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
        if (auto limited = over_limit(api, ctx, "sign-up:" + rate_limit_subject(ctx.client_ip),
                                      api.limits.sign_up_per_ip))
          co_return *limited;
        auto body = body_of(ctx);
        if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
        std::vector<FieldIssue> issues;
        application::SignUpCommand c = read_sign_up(std::get<json::object>(body), issues);
        if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
        auto result = co_await api.sign_up(operation_context(ctx), std::move(c));
        if (!result) co_return render_failure(result.error(), ctx);
        co_return json_ok(201, json::object{{"tenant", tenant_json(result->first)},
                                            {"user", user_json(result->second)}});
      });

  router.add(Method::post, "/v1/auth/login",
             [&api](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
               if (auto limited = over_limit(api, ctx, "login:" + rate_limit_subject(ctx.client_ip),
                                             api.limits.login_per_ip))
                 co_return *limited;
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               application::LoginCommand c = read_login(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result = co_await api.login(operation_context(ctx), std::move(c));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return tokens_json(*result);
             });

  router.add(Method::post, "/v1/auth/refresh",
             [&api](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
               auto token = refresh_token_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&token)) co_return std::move(*r);
               auto result = co_await api.refresh(operation_context(ctx),
                                                  std::move(std::get<std::string>(token)));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return tokens_json(*result);
             });

  router.add(Method::post, "/v1/auth/logout",
             [&api](RequestContext& ctx) -> asio::awaitable<HttpResponse> {
               auto token = refresh_token_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&token)) co_return std::move(*r);
               auto result = co_await api.logout(operation_context(ctx),
                                                 std::move(std::get<std::string>(token)));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return no_content();
             });

  router.add(Method::get, "/v1/me", RouteAccess::signed_in(),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto me = co_await api.users.me(operation_context(ctx, p));
               if (!me) co_return render_failure(me.error(), ctx);
               json::array permissions;
               for (auto& name : domain::permission_names(p.role)) permissions.emplace_back(name);
               co_return json_ok(200, json::object{{"user", user_json(me->user)},
                                                   {"tenant", tenant_json(me->tenant)},
                                                   {"permissions", std::move(permissions)}});
             });

  router.add(Method::post, "/v1/users", RouteAccess::signed_in(),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               application::CreateUserCommand c =
                   read_new_user(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result = co_await api.users.create(operation_context(ctx, p), std::move(c));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(201, user_json(*result));
             });

  router.add(Method::get, "/v1/users", RouteAccess::needs(domain::Permission::users_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto page = page_of(ctx, p.tenant_id, "users");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               auto result = co_await api.users.list(operation_context(ctx, p), pg.after, pg.limit);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(p.tenant_id, "users", std::move(*result), pg.limit,
                                       user_json);
             });

  router.add(Method::get, "/v1/users/{id}", RouteAccess::signed_in(),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.users.get(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(200, user_json(*result));
             });

  router.add(Method::patch, "/v1/users/{id}", RouteAccess::signed_in(),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               JsonFields f(std::get<json::object>(body), issues);
               application::UserPatch patch{f.optional_string("name"), f.optional_string("role")};
               f.finish();
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result =
                   co_await api.users.update(operation_context(ctx, p), *id, std::move(patch));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(200, user_json(*result));
             });

  router.add(Method::del, "/v1/users/{id}", RouteAccess::signed_in(),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.users.remove(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return no_content();
             });

  router.add(
      Method::get, "/v1/audit-events", RouteAccess::needs(domain::Permission::audit_read),
      [&api](RequestContext& ctx,
             const application::Principal& p) -> asio::awaitable<HttpResponse> {
        auto page = page_of(ctx, p.tenant_id, "audit");
        if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
        const Page& pg = std::get<Page>(page);
        std::optional<std::string> action;
        if (auto it = pg.filters.find("action"); it != pg.filters.end()) action = it->second;
        auto result = co_await api.audit(operation_context(ctx, p), action, pg.after, pg.limit);
        if (!result) co_return render_failure(result.error(), ctx);
        co_return list_response(p.tenant_id, "audit", std::move(*result), pg.limit, audit_json);
      });
}

}  // namespace brandos::api
