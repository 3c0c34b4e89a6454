#include "api/payment_routes.hpp"

#include "api/failure_response.hpp"
#include "api/idempotent_answers.hpp"
#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/order_routes.hpp"
#include "api/problem.hpp"
#include "api/resource_json.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

namespace {

// The key of a payment or refund request, or the 400 for a missing or malformed one.
std::variant<application::IdempotencyScope, HttpResponse> scope_of(const RequestContext& ctx,
                                                                   const application::Principal& p,
                                                                   const PaymentsApi& api,
                                                                   const char* endpoint) {
  const auto key = ctx.request.header("Idempotency-Key");
  if (!key || !valid_idempotency_key(*key))
    return render_problem(
        problems::bad_request("Idempotency-Key is required: 1 to 255 visible ASCII characters."),
        ctx.request.path, ctx.request_id);
  return application::IdempotencyScope{
      p.tenant_id, p.user_id, endpoint, std::string(*key),
      api.fingerprints.of("POST", ctx.request.path, ctx.request.body)};
}

// The use case's answer: stored (and so replayed) by the use case itself, or a refusal recorded
// here, or the key's own answer.
asio::awaitable<HttpResponse> answer(const PaymentsApi& api, const RequestContext& ctx,
                                     const application::OperationContext& op,
                                     const application::IdempotencyScope& scope,
                                     application::Outcome<application::PaymentAnswer> result) {
  if (!result)
    co_return co_await record_answer(api.idempotency, ctx, op, scope,
                                     render_failure(result.error(), ctx));
  if (result->not_claimed) co_return *claim_answer(*result->not_claimed, ctx);
  co_return stored_response(*result->response);
}

template <class T, class ToJson>
HttpResponse list_of(const std::vector<T>& items, ToJson to_json) {
  json::array data;
  for (const auto& item : items) data.push_back(to_json(item));
  return json_ok(200, json::object{{"data", std::move(data)}, {"next_cursor", nullptr}});
}

}  // namespace

application::PayCommand read_pay_command(const json::object& body,
                                         std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::PayCommand c;
  c.payment_method = f.required_string("payment_method").value_or("");
  c.amount = f.optional_integer("amount");
  f.finish();
  return c;
}

application::RefundCommand read_refund_command(const json::object& body,
                                               std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::RefundCommand c;
  c.amount = f.required_integer("amount").value_or(0);
  c.reason = f.optional_string("reason").value_or("");
  f.finish();
  return c;
}

void add_payment_routes(Router& router, const PaymentsApi& api) {
  router.add(Method::post, "/v1/orders/{id}/payments",
             RouteAccess::needs(domain::Permission::payments_write),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto scope = scope_of(ctx, p, api, "POST /v1/orders/{id}/payments");
               if (auto* r = std::get_if<HttpResponse>(&scope)) co_return std::move(*r);
               const auto& key = std::get<application::IdempotencyScope>(scope);
               const application::OperationContext op = operation_context(ctx, p);
               const auto id = id_param(ctx);
               if (!id)
                 co_return co_await record_answer(
                     api.idempotency, ctx, op, key,
                     render_failure(application::failures::not_found(), ctx));
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body))
                 co_return co_await record_answer(api.idempotency, ctx, op, key, std::move(*r));
               std::vector<FieldIssue> issues;
               application::PayCommand c = read_pay_command(std::get<json::object>(body), issues);
               c.order_id = *id;
               if (!issues.empty())
                 co_return co_await record_answer(api.idempotency, ctx, op, key,
                                                  validation_problem(ctx, std::move(issues)));
               c.key = &key;
               c.render_refusal = [&ctx](const application::Failure& failure) {
                 HttpResponse r = render_failure(failure, ctx);
                 return application::StoredResponse{r.status, std::move(r.body)};
               };
               auto result = co_await api.payments.pay(op, c);
               co_return co_await answer(api, ctx, op, key, std::move(result));
             });

  router.add(Method::get, "/v1/orders/{id}/payments",
             RouteAccess::needs(domain::Permission::payments_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.payments.list(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_of(*result, payment_json);
             });

  router.add(
      Method::post, "/v1/orders/{id}/refunds",
      RouteAccess::needs(domain::Permission::refunds_write),
      [&api](RequestContext& ctx,
             const application::Principal& p) -> asio::awaitable<HttpResponse> {
        auto scope = scope_of(ctx, p, api, "POST /v1/orders/{id}/refunds");
        if (auto* r = std::get_if<HttpResponse>(&scope)) co_return std::move(*r);
        const auto& key = std::get<application::IdempotencyScope>(scope);
        const application::OperationContext op = operation_context(ctx, p);
        const auto id = id_param(ctx);
        if (!id)
          co_return co_await record_answer(api.idempotency, ctx, op, key,
                                           render_failure(application::failures::not_found(), ctx));
        auto body = body_of(ctx);
        if (auto* r = std::get_if<HttpResponse>(&body))
          co_return co_await record_answer(api.idempotency, ctx, op, key, std::move(*r));
        std::vector<FieldIssue> issues;
        application::RefundCommand c = read_refund_command(std::get<json::object>(body), issues);
        c.order_id = *id;
        if (!issues.empty())
          co_return co_await record_answer(api.idempotency, ctx, op, key,
                                           validation_problem(ctx, std::move(issues)));
        c.key = &key;
        c.render_refusal = [&ctx](const application::Failure& failure) {
          HttpResponse r = render_failure(failure, ctx);
          return application::StoredResponse{r.status, std::move(r.body)};
        };
        auto result = co_await api.refunds.refund(op, c);
        co_return co_await answer(api, ctx, op, key, std::move(result));
      });

  router.add(Method::get, "/v1/orders/{id}/refunds",
             RouteAccess::needs(domain::Permission::payments_read),
             [&api](RequestContext& ctx,
                    const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await api.refunds.list(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_of(*result, refund_json);
             });

  router.add(
      Method::post, "/v1/orders/{id}/cancel", RouteAccess::needs(domain::Permission::orders_write),
      [&api](RequestContext& ctx,
             const application::Principal& p) -> asio::awaitable<HttpResponse> {
        const auto id = id_param(ctx);
        if (!id) co_return render_failure(application::failures::not_found(), ctx);
        std::string reason;
        if (!ctx.request.body.empty()) {
          auto body = body_of(ctx);
          if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
          std::vector<FieldIssue> issues;
          JsonFields f(std::get<json::object>(body), issues);
          reason = f.optional_string("reason").value_or("");
          f.finish();
          if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
        }
        auto result =
            co_await api.cancellations.cancel(operation_context(ctx, p), *id, std::move(reason));
        if (!result) co_return render_failure(result.error(), ctx);
        co_return json_response(200, order_document(*result));
      });
}

}  // namespace brandos::api
