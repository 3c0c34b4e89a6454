#include "api/analytics_routes.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>
#include <chrono>

#include "api/failure_response.hpp"
#include "api/operation_context.hpp"
#include "api/problem.hpp"
#include "api/route_support.hpp"
#include "domain/timestamp.hpp"

namespace brandos::api {

namespace asio = boost::asio;
namespace json = boost::json;
using application::FieldIssue;
using application::SalesGranularity;

namespace {

constexpr std::int64_t kHourUs = 3'600'000'000;

json::object sales_json(const application::SalesReport& r) {
  json::array data;
  for (const auto& b : r.buckets)
    data.push_back(json::object{{"bucket_start", b.bucket_start},
                                {"orders", b.orders},
                                {"revenue", b.revenue},
                                {"currency", b.currency}});
  return {{"data", std::move(data)},
          {"as_of", r.as_of ? json::value(*r.as_of) : json::value(nullptr)}};
}

}  // namespace

std::variant<application::SalesQuery, HttpResponse> read_sales_query(const RequestContext& ctx,
                                                                     std::int64_t now_us) {
  auto params = boost::urls::parse_query(ctx.request.query);
  if (!params)
    return render_problem(problems::bad_request("The query string is malformed."), ctx.request.path,
                          ctx.request_id);
  std::optional<std::int64_t> from, to;
  application::SalesQuery q;
  std::vector<FieldIssue> issues;
  for (const auto& encoded : *params) {
    const auto k = *encoded.key;
    const auto v = *encoded.value;
    const std::string key(k.begin(), k.end()), value(v.begin(), v.end());
    if (key == "from" || key == "to") {
      auto t = domain::parse_rfc3339_us(value);
      if (!t)
        issues.push_back({key, "must be an RFC 3339 timestamp"});
      else
        (key == "from" ? from : to) = *t;
    } else if (key == "granularity") {
      if (value == "hour")
        q.granularity = SalesGranularity::hour;
      else if (value == "day")
        q.granularity = SalesGranularity::day;
      else
        issues.push_back({"granularity", "must be hour or day"});
    }
  }
  if (!issues.empty()) return validation_problem(ctx, std::move(issues));
  q.to_us = to.value_or(now_us);
  q.from_us =
      from.value_or(q.to_us - (q.granularity == SalesGranularity::hour ? 24 : 30 * 24) * kHourUs);
  return q;
}

void add_analytics_routes(Router& router, const application::ReportSales& report) {
  router.add(
      Method::get, "/v1/analytics/sales", RouteAccess::needs(domain::Permission::analytics_read),
      [&report](RequestContext& ctx,
                const application::Principal& p) -> asio::awaitable<HttpResponse> {
        const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        auto query = read_sales_query(ctx, now_us);
        if (auto* r = std::get_if<HttpResponse>(&query)) co_return std::move(*r);
        auto result =
            co_await report(operation_context(ctx, p), std::get<application::SalesQuery>(query));
        if (!result) co_return render_failure(result.error(), ctx);
        co_return json_ok(200, sales_json(*result));
      });
}

}  // namespace brandos::api
