#include "api/order_routes.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/idempotent_answers.hpp"
#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/problem.hpp"
#include "api/resource_json.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

std::optional<application::PlaceOrderCommand> read_place_order(const json::object& body,
                                                               std::vector<FieldIssue>& issues) {
  application::PlaceOrderCommand c;
  JsonFields f(body, issues);
  if (auto customer = f.nullable_string("customer_id"); customer && *customer) {
    c.customer_id = domain::Uuid::parse(**customer);
    if (!c.customer_id) issues.push_back({"customer_id", "must be a customer id"});
  }
  // Items are read by hand (JsonFields has no arrays); marking the key read keeps finish() quiet.
  const auto* items = body.if_contains("items");
  f.mark_read("items");
  f.finish();
  if (items == nullptr || !items->is_array()) {
    issues.push_back({"items", "must be an array of {product_id, quantity}"});
    return std::nullopt;
  }
  for (std::size_t k = 0; k < items->as_array().size(); ++k) {
    const std::string at = "items[" + std::to_string(k) + "]";
    const auto& item = items->as_array()[k];
    if (!item.is_object()) {
      issues.push_back({at, "must be an object"});
      continue;
    }
    JsonFields i(item.as_object(), issues, at + ".");
    const auto product = i.required_string("product_id");
    const auto quantity = i.required_integer("quantity");
    i.finish();
    const auto id = product ? domain::Uuid::parse(*product) : std::nullopt;
    if (product && !id) issues.push_back({at + ".product_id", "must be a product id"});
    if (id && quantity) c.items.push_back({*id, *quantity});
  }
  return c;
}

bool valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (char c : key)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

void add_order_routes(Router& router, const OrderingApi& api) {
  router.add(Method::post, "/v1/orders", RouteAccess::needs(domain::Permission::orders_write),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto key = ctx.request.header("Idempotency-Key");
               if (!key || !valid_idempotency_key(*key))
                 co_return render_problem(
                     problems::bad_request(
                         "Idempotency-Key is required: 1 to 255 visible ASCII characters."),
                     ctx.request.path, ctx.request_id);
               const application::OperationContext op = operation_context(ctx, p);
               const application::IdempotencyScope scope{
                   p.tenant_id, p.user_id, "POST /v1/orders", std::string(*key),
                   api.fingerprints.of("POST", ctx.request.path, ctx.request.body)};
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body))
                 co_return co_await record_answer(api.idempotency, ctx, op, scope, std::move(*r));
               std::vector<FieldIssue> issues;
               auto command = read_place_order(std::get<json::object>(body), issues);
               if (!issues.empty())
                 co_return co_await record_answer(api.idempotency, ctx, op, scope,
                                                  validation_problem(ctx, std::move(issues)));
               // The key is claimed in the order's transaction and completed there with this
               // document.
               auto placed = co_await api.orders.place(op, std::move(*command), &scope);
               if (!placed)
                 co_return co_await record_answer(api.idempotency, ctx, op, scope,
                                                  render_failure(placed.error(), ctx));
               if (placed->not_claimed) co_return *claim_answer(*placed->not_claimed, ctx);
               co_return stored_response({201, std::move(placed->placed->document)});
             });

  router.add(Method::get, "/v1/orders", RouteAccess::needs(domain::Permission::orders_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto page = page_of(ctx, p.tenant_id, "orders");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               application::OrderFilter filter;
               filter.after = pg.after;
               filter.limit = pg.limit;
               auto get = [&](const char* k) -> std::optional<std::string> {
                 if (auto it = pg.filters.find(k); it != pg.filters.end()) return it->second;
                 return std::nullopt;
               };
               filter.status = get("status");
               filter.created_from = get("created_from");
               filter.created_to = get("created_to");
               if (auto c = get("customer_id")) {
                 filter.customer_id = domain::Uuid::parse(*c);
                 if (!filter.customer_id)
                   co_return validation_problem(ctx, {{"customer_id", "must be a customer id"}});
               }
               auto result = co_await api.orders.list(operation_context(ctx, p), std::move(filter));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(
                   p.tenant_id, "orders", std::move(*result), pg.limit,
                   [](const application::OrderRecord& o) { return order_json(o); });
             });

  router.add(Method::get, "/v1/orders/{id}", RouteAccess::needs(domain::Permission::orders_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.orders.get(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_response(200, order_document(*result));
             });

  router.add(Method::post, "/v1/orders/{id}/fulfill",
             RouteAccess::needs(domain::Permission::orders_write),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               if (!ctx.request.body.empty()) {
                 auto body = body_of(ctx);
                 if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
                 std::vector<FieldIssue> issues;
                 JsonFields(std::get<json::object>(body), issues).finish();
                 if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               }
               auto result = co_await api.orders.fulfill(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_response(200, order_document(*result));
             });

  router.add(Method::get, "/v1/orders/{id}/events",
             RouteAccess::needs(domain::Permission::orders_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.orders.history(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               json::array data;
               for (const auto& e : *result) data.push_back(order_event_json(e));
               co_return json_ok(200, json::object{{"data", std::move(data)}});
             });
}

}  // namespace brandos::api
