#include "api/catalog_routes.hpp"

#include <charconv>

#include "api/json_fields.hpp"
#include "api/operation_context.hpp"
#include "api/resource_json.hpp"
#include "api/route_support.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;

namespace {

HttpResponse product_response(int status, const application::ProductRecord& p) {
  HttpResponse r = json_ok(status, product_json(p));
  r.set_header("ETag", "\"" + std::to_string(p.version) + "\"");
  return r;
}

}  // namespace

std::optional<int> expected_version(const HttpRequest& request) {
  const auto h = request.header("If-Match");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v == "*") return std::nullopt;
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') return -1;
  int n = 0;
  const auto r = std::from_chars(v.data() + 1, v.data() + v.size() - 1, n);
  if (r.ec != std::errc() || r.ptr != v.data() + v.size() - 1 || n < 1) return -1;
  return n;
}

application::CreateProductCommand read_new_product(const json::object& body,
                                                   std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::CreateProductCommand c;
  c.sku = f.required_string("sku").value_or("");
  c.name = f.required_string("name").value_or("");
  if (auto d = f.nullable_string("description")) c.description = *d;
  c.price = f.required_integer("price").value_or(0);
  c.currency = f.required_string("currency").value_or("");
  c.stock = f.required_integer("stock").value_or(0);
  f.finish();
  return c;
}

application::ProductChanges read_product_changes(const json::object& body,
                                                 std::vector<FieldIssue>& issues) {
  JsonFields f(body, issues);
  application::ProductChanges changes;
  changes.name = f.optional_string("name");
  if (auto d = f.nullable_string("description")) {
    changes.set_description = true;
    changes.description = *d;
  }
  changes.price = f.optional_integer("price");
  f.finish();
  return changes;
}

void add_catalog_routes(Router& router, const application::ManageProducts& products) {
  router.add(Method::post, "/v1/products", RouteAccess::needs(domain::Permission::products_write),
             [&products](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               application::CreateProductCommand c =
                   read_new_product(std::get<json::object>(body), issues);
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result = co_await products.create(operation_context(ctx, p), std::move(c));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return product_response(201, *result);
             });

  router.add(Method::get, "/v1/products", RouteAccess::needs(domain::Permission::products_read),
             [&products](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               auto page = page_of(ctx, p.tenant_id, "products");
               if (auto* r = std::get_if<HttpResponse>(&page)) co_return std::move(*r);
               const Page& pg = std::get<Page>(page);
               std::optional<std::string> sku;
               if (auto it = pg.filters.find("sku"); it != pg.filters.end()) sku = it->second;
               auto result =
                   co_await products.list(operation_context(ctx, p), sku, pg.after, pg.limit);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return list_response(p.tenant_id, "products", std::move(*result), pg.limit,
                                       product_json);
             });

  router.add(Method::get, "/v1/products/{id}",
             RouteAccess::needs(domain::Permission::products_read),
             [&products](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await products.get(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return product_response(200, *result);
             });

  router.add(
      Method::patch, "/v1/products/{id}", RouteAccess::needs(domain::Permission::products_write),
      [&products](RequestContext& ctx,
                  const application::Principal& p) -> asio::awaitable<HttpResponse> {
        const auto id = id_param(ctx);
        if (!id) co_return render_failure(application::failures::not_found(), ctx);
        auto body = body_of(ctx);
        if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
        std::vector<FieldIssue> issues;
        application::ProductChanges changes =
            read_product_changes(std::get<json::object>(body), issues);
        if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
        const auto version = expected_version(ctx.request);
        auto result =
            co_await products.update(operation_context(ctx, p), *id, std::move(changes), version);
        if (!result) co_return render_failure(result.error(), ctx);
        co_return product_response(200, *result);
      });

  router.add(Method::del, "/v1/products/{id}",
             RouteAccess::needs(domain::Permission::products_write),
             [&products](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto result = co_await products.remove(operation_context(ctx, p), *id);
               if (!result) co_return render_failure(result.error(), ctx);
               co_return no_content();
             });

  router.add(Method::post, "/v1/products/{id}/stock-adjustments",
             RouteAccess::needs(domain::Permission::stock_write),
             [&products](RequestContext& ctx,
                         const application::Principal& p) -> asio::awaitable<HttpResponse> {
               const auto id = id_param(ctx);
               if (!id) co_return render_failure(application::failures::not_found(), ctx);
               auto body = body_of(ctx);
               if (auto* r = std::get_if<HttpResponse>(&body)) co_return std::move(*r);
               std::vector<FieldIssue> issues;
               JsonFields f(std::get<json::object>(body), issues);
               const auto delta = f.required_integer("delta");
               auto reason = f.required_string("reason");
               f.finish();
               if (!issues.empty()) co_return validation_problem(ctx, std::move(issues));
               auto result = co_await products.adjust_stock(operation_context(ctx, p), *id, *delta,
                                                            std::move(*reason));
               if (!result) co_return render_failure(result.error(), ctx);
               co_return product_response(200, *result);
             });
}

}  // namespace brandos::api
