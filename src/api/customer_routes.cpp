#include "api/customer_routes.hpp"

#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/resource_json.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

namespace {

json::value address_json(const std::optional<domain::Address>& a) {
  if (!a) return nullptr;
  return json::object{{"line1", a->line1},
                      {"line2", a->line2 ? json::value(*a->line2) : json::value(nullptr)},
                      {"city", a->city},
                      {"postal_code", a->postal_code},
                      {"country", a->country}};
}

json::object customer_json(const application::CustomerView& c) {
  return {{"id", c.id.to_string()},
          {"email", c.email},
          {"name", c.name},
          {"phone", c.phone ? json::value(*c.phone) : json::value(nullptr)},
          {"address", address_json(c.address)},
          {"created_at", c.created_at}};
}

}  // namespace

application::CustomerData read_customer(const json::object& o, std::vector<FieldIssue>& issues) {
  JsonFields f(o, issues);
  application::CustomerData d;
  d.email = f.required_string("email").value_or("");
  d.name = f.required_string("name").value_or("");
  if (auto phone = f.nullable_string("phone")) d.phone = *phone;
  f.mark_read("address");
  f.finish();
  if (const auto* a = o.if_contains("address"); a && !a->is_null()) {
    if (!a->is_object()) {
      issues.push_back({"address", "must be an object"});
    } else {
      JsonFields af(a->as_object(), issues, "address.");
      domain::Address addr;
      addr.line1 = af.required_string("line1").value_or("");
      if (auto l2 = af.nullable_string("line2")) addr.line2 = *l2;
      addr.city = af.required_string("city").value_or("");
      addr.postal_code = af.required_string("postal_code").value_or("");
      addr.country = af.required_string("country").value_or("");
      af.finish();
      d.address = std::move(addr);
    }
  }
  return d;
}

void add_customer_routes(Router& router, const application::ManageCustomers& customers) {
  router.add(Method::post, "/v1/customers", RouteAccess::needs(domain::Permission::customers_write),
             [&customers](RequestContext& ctx,
                          const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               application::CustomerData d = read_customer(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result = co_await customers.create(operation_context(ctx, p), std::move(d));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(201, customer_json(*result));
             });

  router.add(Method::get, "/v1/customers", RouteAccess::needs(domain::Permission::customers_read),
             [&customers](RequestContext& ctx,
                          const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto page = page_of(ctx, p.tenant_id, "customers");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               std::optional<std::string> email;
               if (auto it = pg.filters.find("email"); it != pg.filters.end()) email = it->second;
               auto result =
                   co_await customers.list(operation_context(ctx, p), email, pg.after, pg.limit);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(p.tenant_id, "customers", std::move(*result), pg.limit,
                                       customer_json);
             });

  router.add(Method::get, "/v1/customers/{id}",
             RouteAccess::needs(domain::Permission::customers_read),
             [&customers](RequestContext& ctx,
                          const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await customers.get(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return json_ok(200, customer_json(*result));
             });

  router.add(Method::get, "/v1/customers/{id}/export",
             RouteAccess::needs(domain::Permission::customers_export),
             [&customers](RequestContext& ctx,
                          const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await customers.export_data(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               json::array orders;
               for (const auto& o : result->order_ids) orders.emplace_back(o);
               HttpResponse r =
                   json_ok(200, json::object{{"customer", customer_json(result->customer)},
                                             {"order_ids", std::move(orders)}});
               r.set_header("Cache-Control", "no-store");
               co_return r;
             });

  router.add(Method::del, "/v1/customers/{id}",
             RouteAccess::needs(domain::Permission::customers_erase),
             [&customers](RequestContext& ctx,
                          const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await customers.erase(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return no_content();
             });
}

}  // namespace brandos::api
