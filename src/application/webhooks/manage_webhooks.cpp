#include "application/webhooks/manage_webhooks.hpp"

#include <algorithm>
#include <set>

#include "domain/identity/role.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {

std::optional<Failure> lacks(const OperationContext& ctx) {
  if (domain::has_permission(ctx.actor().role, Permission::webhooks_write)) return std::nullopt;
  return failures::forbidden();
}

AuditEntry audit(const OperationContext& ctx, std::string action, const domain::Uuid& id,
                 std::string details = "{}") {
  AuditEntry a;
  a.action = std::move(action);
  a.actor_user_id = ctx.actor().user_id;
  a.target_type = "webhook";
  a.target_id = id.to_string();
  a.origin = ctx.origin();
  a.details_json = std::move(details);
  return a;
}

}  // namespace

const std::vector<std::string>& webhook_event_types() {
  static const std::vector<std::string> types = {
      "tenant.created",     "user.created",     "user.deleted",
      "product.created",    "product.updated",  "product.deleted",
      "inventory.adjusted", "customer.created", "customer.erased",
      "order.created",      "order.paid",       "order.fulfilled",
      "order.cancelled",    "order.refunded",   "payment.succeeded",
      "payment.failed",     "refund.succeeded", "webhook_endpoint.disabled"};
  return types;
}

std::string ManageWebhooks::new_secret() const {
  std::array<std::uint8_t, 32> raw{};
  ids_.fill_random(raw);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "whsec_";
  for (auto b : raw) {
    s += kHex[b >> 4];
    s += kHex[b & 15];
  }
  return s;
}

Bytes ManageWebhooks::seal(const WebhookEndpointRecord& e, const domain::Uuid& tenant,
                           const std::string& secret) const {
  return cipher_.seal(e.key, tenant, e.id, kSecretField, secret);
}

asio::awaitable<std::vector<FieldIssue>> ManageWebhooks::check(
    const OperationContext& ctx, const std::string* url, const std::vector<std::string>* events,
    const std::optional<std::string>* description) const {
  std::vector<FieldIssue> issues;
  if (events) {
    const auto& known = webhook_event_types();
    std::set<std::string> seen;
    if (events->empty() || events->size() > 50)
      issues.push_back({"events", "must list 1 to 50 event types, or [\"*\"]"});
    for (std::size_t i = 0; i < events->size(); ++i) {
      const auto& t = (*events)[i];
      if (t == "*" && events->size() == 1) continue;
      if (std::find(known.begin(), known.end(), t) == known.end())
        issues.push_back({"events[" + std::to_string(i) + "]", "is not an event type"});
      else if (!seen.insert(t).second)
        issues.push_back({"events[" + std::to_string(i) + "]", "is listed twice"});
    }
  }
  if (description && *description && ((*description)->empty() || (*description)->size() > 500))
    issues.push_back({"description", "must be 1 to 500 characters"});
  if (url) {
    if (url->size() > 2048)
      issues.push_back({"url", "must be at most 2048 characters"});
    else if (auto why = co_await targets_.refuse(ctx, *url))
      issues.push_back({"url", *why});
  }
  co_return issues;
}

asio::awaitable<Outcome<WebhookWithSecret>> ManageWebhooks::create(const OperationContext& ctx,
                                                                   NewWebhook w) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto issues = co_await check(ctx, &w.url, &w.events, &w.description);
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  const auto& tenant = *ctx.tenant;
  WebhookEndpointRecord e;
  e.id = ids_.new_id();
  e.url = std::move(w.url);
  e.events = std::move(w.events);
  e.description = std::move(w.description);
  e.key = cipher_.new_data_key(tenant, e.id);
  WebhookWithSecret out;
  out.secret = new_secret();
  e.secret = seal(e, tenant, out.secret);
  auto uow = data_.begin(ctx, Access::write);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  e.created_at = e.updated_at = *now;
  uow->webhooks().add(e);
  uow->audit().append(audit(ctx, "webhook.created", e.id));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  out.endpoint = std::move(e);
  co_return out;
}

asio::awaitable<Outcome<std::vector<WebhookEndpointRecord>>> ManageWebhooks::list(
    const OperationContext& ctx, const std::optional<domain::Uuid>& after, int limit) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  co_return co_await uow->webhooks().list(after, limit + 1);
}

asio::awaitable<Outcome<WebhookEndpointRecord>> ManageWebhooks::get(const OperationContext& ctx,
                                                                    const domain::Uuid& id) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto e = co_await uow->webhooks().get(id, false);
  if (!e) co_return std::unexpected(e.error());
  if (!*e) co_return std::unexpected(failures::not_found());
  co_return std::move(**e);
}

asio::awaitable<Outcome<WebhookEndpointRecord>> ManageWebhooks::update(const OperationContext& ctx,
                                                                       const domain::Uuid& id,
                                                                       WebhookChanges c) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  const std::optional<std::string> no_description;
  auto issues = co_await check(ctx, c.url ? &*c.url : nullptr, c.events ? &*c.events : nullptr,
                               c.set_description ? &c.description : nullptr);
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  auto uow = data_.begin(ctx, Access::write);
  auto found = co_await uow->webhooks().get(id, true);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return std::unexpected(failures::not_found());
  WebhookEndpointRecord e = std::move(**found);
  if (c.url) e.url = std::move(*c.url);
  if (c.events) e.events = std::move(*c.events);
  if (c.set_description) e.description = std::move(c.description);
  if (c.active) {
    if (*c.active && !e.active) {
      e.reset_health = true;  // a fresh start: no failures, breaker closed
      e.disabled_reason.reset();
      e.consecutive_failures = 0;
    }
    e.active = *c.active;
  }
  ++e.version;
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  e.updated_at = *now;
  uow->webhooks().save(e);
  uow->audit().append(audit(ctx, "webhook.updated", e.id,
                            std::string(R"({"active":)") + (e.active ? "true" : "false") + "}"));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return e;
}

asio::awaitable<Outcome<void>> ManageWebhooks::remove(const OperationContext& ctx,
                                                      const domain::Uuid& id) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::write);
  auto found = co_await uow->webhooks().get(id, true);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return std::unexpected(failures::not_found());
  uow->webhooks().remove(id);
  uow->audit().append(audit(ctx, "webhook.deleted", id));
  co_return co_await uow->commit();
}

asio::awaitable<Outcome<WebhookWithSecret>> ManageWebhooks::rotate_secret(
    const OperationContext& ctx, const domain::Uuid& id) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::write);
  auto found = co_await uow->webhooks().get(id, true);
  if (!found) co_return std::unexpected(found.error());
  if (!*found) co_return std::unexpected(failures::not_found());
  WebhookWithSecret out;
  out.endpoint = std::move(**found);
  auto& e = out.endpoint;
  out.secret = new_secret();
  e.previous_secret = e.secret;
  e.start_rotation_overlap = true;
  e.secret = seal(e, *ctx.tenant, out.secret);
  ++e.version;
  uow->webhooks().save(e);
  uow->audit().append(audit(ctx, "webhook.secret_rotated", id));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return out;
}

asio::awaitable<Outcome<std::vector<WebhookDeliveryRecord>>> ManageWebhooks::deliveries(
    const OperationContext& ctx, const domain::Uuid& id, const std::optional<domain::Uuid>& after,
    int limit) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto e = co_await uow->webhooks().get(id, false);
  if (!e) co_return std::unexpected(e.error());
  if (!*e) co_return std::unexpected(failures::not_found());
  co_return co_await uow->webhooks().deliveries(id, after, limit + 1);
}

asio::awaitable<Outcome<WebhookDeliveryRecord>> ManageWebhooks::retry(
    const OperationContext& ctx, const domain::Uuid& id, const domain::Uuid& delivery) const {
  if (auto f = lacks(ctx)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::write);
  auto e = co_await uow->webhooks().get(id, true);
  if (!e) co_return std::unexpected(e.error());
  if (!*e) co_return std::unexpected(failures::not_found());
  if (!(*e)->active)
    co_return std::unexpected(failures::conflict(
        "webhook-disabled", "The endpoint is disabled; enable it (PATCH active) first."));
  auto d = co_await uow->webhooks().retry_delivery(id, delivery);
  if (!d) co_return std::unexpected(d.error());
  if (!*d) co_return std::unexpected(failures::not_found());
  uow->audit().append(audit(ctx, "webhook.delivery_retried", id,
                            std::string(R"({"delivery_id":")") + delivery.to_string() + R"("})"));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return std::move(**d);
}

}  // namespace brandos::application
