// Fuzzes the JSON entry point of every POST/PATCH body directly, with and without the right
// media type: it must answer with an object or a 4xx problem, never crash or accept non-objects.
#include <boost/json/serialize.hpp>
#include <cstdlib>

#include "api/analytics_routes.hpp"
#include "api/catalog_routes.hpp"
#include "api/customer_routes.hpp"
#include "api/identity_routes.hpp"
#include "api/json_body.hpp"
#include "api/order_routes.hpp"
#include "api/webhook_routes.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  api::HttpRequest request;
  request.method = api::Method::post;
  request.path = "/v1/things";
  // The first byte picks the Content-Type, so media-type handling is fuzzed too.
  static const char* kTypes[] = {"application/json",  "application/json; charset=utf-8",
                                 "APPLICATION/JSON",  "text/plain",
                                 "application/jsonx", ""};
  request.headers.push_back({"Content-Type", kTypes[data[0] % 6]});
  request.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  // Header parsers of the same endpoints.
  request.headers.push_back({"If-Match", request.body.substr(0, 40)});
  (void)api::expected_version(request);
  (void)api::valid_idempotency_key(request.body.substr(0, 300));
  // The analytics query string (from, to, granularity) from the same bytes.
  {
    api::HttpRequest get;
    get.method = api::Method::get;
    get.path = "/v1/analytics/sales";
    get.query = request.body.substr(0, 512);
    api::RequestContext ctx{get, {}, "fuzz", {}};
    auto q = api::read_sales_query(ctx, 1'800'000'000'000'000);
    if (auto* r = std::get_if<api::HttpResponse>(&q); r && (r->status < 400 || r->status > 499))
      std::abort();
  }
  auto parsed = api::parse_json_object(request);
  if (auto* p = std::get_if<api::Problem>(&parsed)) {
    if (p->status < 400 || p->status > 499) std::abort();
  } else {
    // Accepted bodies serialize back (valid UTF-8, bounded depth), and the readers of the
    // endpoints that take structured bodies either read them or name what is wrong.
    const auto& object = std::get<boost::json::object>(parsed);
    (void)boost::json::serialize(object);
    std::vector<application::FieldIssue> issues;
    auto order = api::read_place_order(object, issues);
    if (!order && issues.empty()) std::abort();
    issues.clear();
    (void)api::read_customer(object, issues);
    // Every other body reader of the API: each reads or names the problem, never crashes.
    issues.clear();
    (void)api::read_sign_up(object, issues);
    issues.clear();
    (void)api::read_login(object, issues);
    issues.clear();
    (void)api::read_new_user(object, issues);
    issues.clear();
    (void)api::read_new_product(object, issues);
    issues.clear();
    (void)api::read_product_changes(object, issues);
    issues.clear();
    (void)api::read_new_webhook(object, issues);
    issues.clear();
    (void)api::read_webhook_changes(object, issues);
  }
  return 0;
}
