#include "api/webhook_routes.hpp"

#include "api/failure_response.hpp"
#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

namespace {

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

json::object webhook_json(const application::WebhookEndpointRecord& e) {
  json::array events;
  for (const auto& t : e.events) events.push_back(json::value(t));
  return {{"id", e.id.to_string()},      {"url", e.url},
          {"events", std::move(events)}, {"description", nullable(e.description)},
          {"active", e.active},          {"disabled_reason", nullable(e.disabled_reason)},
          {"created_at", e.created_at},  {"updated_at", e.updated_at}};
}

json::object delivery_json(const application::WebhookDeliveryRecord& d) {
  return {{"id", d.id.to_string()},
          {"webhook_id", d.endpoint_id.to_string()},
          {"event_id", d.event_id.to_string()},
          {"event_type", d.event_type},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt_at", nullable(d.next_attempt_at)},
          {"last_attempt_at", nullable(d.last_attempt_at)},
          {"last_status_code",
           d.last_status_code ? json::value(*d.last_status_code) : json::value(nullptr)},
          {"last_error", nullable(d.last_error)},
          {"last_latency_ms",
           d.last_latency_ms ? json::value(*d.last_latency_ms) : json::value(nullptr)},
          {"created_at", d.created_at}};
}

// The "events" member: an array of 1..50 strings (what they name is the use case's to check).
std::optional<std::vector<std::string>> events_of(const json::object& body, bool required,
                                                  std::vector<FieldIssue>& issues) {
  const auto* v = body.if_contains("events");
  if (!v) {
    if (required) issues.push_back({"events", "is required"});
    return std::nullopt;
  }
  if (!v->is_array()) {
    issues.push_back({"events", "must be an array of event types"});
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& t = v->as_array()[i];
    if (!t.is_string()) {
      issues.push_back({"events[" + std::to_string(i) + "]", "must be a string"});
      continue;
    }
    out.emplace_back(t.as_string());
  }
  return out;
}

}  // namespace

application::NewWebhook read_new_webhook(const json::object& body,
                                         std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::NewWebhook w;
  w.url = f.required_string("url").value_or("");
  w.description = f.optional_string("description");
  f.mark_read("events");
  f.finish();
  if (auto events = events_of(body, true, issues)) w.events = std::move(*events);
  return w;
}

application::WebhookChanges read_webhook_changes(const json::object& body,
                                                 std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::WebhookChanges c;
  c.url = f.optional_string("url");
  if (auto d = f.nullable_string("description")) {
    c.set_description = true;
    c.description = *d;
  }
  f.mark_read("events");
  f.mark_read("active");
  f.finish();
  c.events = events_of(body, false, issues);
  if (const auto* a = body.if_contains("active")) {
    if (a->is_bool())
      c.active = a->as_bool();
    else
      issues.push_back({"active", "must be true or false"});
  }
  return c;
}

void add_webhook_routes(Router& router, const application::ManageWebhooks& webhooks) {
  const auto access = RouteAccess::needs(domain::Permission::webhooks_write);
  router.add(Method::post, "/v1/webhooks", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               auto w = read_new_webhook(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto created = co_await webhooks.create(operation_context(ctx, p), std::move(w));
               if (!created) co_return render_failure(created.error(), ctx);
               auto out = webhook_json(created->endpoint);
               out["secret"] = created->secret;  // shown only here
               co_return json_ok(201, out);
             });

  router.add(Method::get, "/v1/webhooks", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto page = page_of(ctx, p.tenant_id, "webhooks");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               auto result = co_await webhooks.list(operation_context(ctx, p), pg.after, pg.limit);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(p.tenant_id, "webhooks", std::move(*result), pg.limit,
                                       webhook_json);
             });

  router.add(Method::get, "/v1/webhooks/{id}", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await webhooks.get(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(200, webhook_json(*result));
             });

  router.add(Method::patch, "/v1/webhooks/{id}", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               auto changes = read_webhook_changes(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result =
                   co_await webhooks.update(operation_context(ctx, p), *id, std::move(changes));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(200, webhook_json(*result));
             });

  router.add(Method::del, "/v1/webhooks/{id}", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await webhooks.remove(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return no_content();
             });

  router.add(Method::post, "/v1/webhooks/{id}/rotate-secret", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await webhooks.rotate_secret(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               auto out = webhook_json(result->endpoint);
               out["secret"] = result->secret;
               co_return json_ok(200, out);
             });

  router.add(Method::get, "/v1/webhooks/{id}/deliveries", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto page = page_of(ctx, p.tenant_id, "webhook-deliveries");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               auto result =
                   co_await webhooks.deliveries(operation_context(ctx, p), *id, pg.after, pg.limit);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(p.tenant_id, "webhook-deliveries", std::move(*result),
                                       pg.limit, delivery_json);
             });

  router.add(Method::post, "/v1/webhooks/{id}/deliveries/{delivery_id}/retry", access,
             [&webhooks](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               const auto delivery = domain::Uuid::parse(ctx.param("delivery_id"));
               if (!id || !delivery)
                 co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await webhooks.retry(operation_context(ctx, p), *id, *delivery);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(202, delivery_json(*result));
             });
}

}  // namespace brandos::api
