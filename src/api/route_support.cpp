#include "api/route_support.hpp"

#include <boost/json/serialize.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>
#include <charconv>

#include "api/json_body.hpp"
#include "api/problem.hpp"

namespace brandos::api {

namespace json = boost::json;

HttpResponse json_ok(int status, const json::value& v) {
  return json_response(status, json::serialize(v));
}

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  return r;
}

HttpResponse validation_problem(const RequestContext& ctx,
                                std::vector<application::FieldIssue> issues) {
  return render_failure(application::failures::validation(std::move(issues)), ctx);
}

std::variant<json::object, HttpResponse> body_of(const RequestContext& ctx) {
  auto parsed = parse_json_object(ctx.request);
  if (auto* p = std::get_if<Problem>(&parsed))
    return render_problem(*p, ctx.request.path, ctx.request_id);
  return std::move(std::get<json::object>(parsed));
}

std::optional<domain::Uuid> id_param(const RequestContext& ctx) {
  return domain::Uuid::parse(ctx.param("id"));
}

void add_rate_headers(HttpResponse& r, const application::RateLimit& limit,
                      const application::RateDecision& d) {
  r.set_header("RateLimit-Policy",
               std::to_string(limit.limit) + ";w=" + std::to_string(limit.window.count()));
  r.set_header("RateLimit", "limit=" + std::to_string(limit.limit) +
                                ", remaining=" + std::to_string(d.remaining) +
                                ", reset=" + std::to_string(d.reset_seconds));
}

std::variant<Page, HttpResponse> page_of(const RequestContext& ctx, const domain::Uuid& tenant,
                                         std::string_view list) {
  Page page;
  auto params = boost::urls::parse_query(ctx.request.query);
  if (!params)
    return render_problem(problems::bad_request("The query string is malformed."), ctx.request.path,
                          ctx.request_id);
  for (const auto& encoded : *params) {
    const auto key_view = *encoded.key;
    const auto value_view = *encoded.value;
    std::string key(key_view.begin(), key_view.end());
    std::string value(value_view.begin(), value_view.end());
    if (key == "limit") {
      int v = 0;
      const auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size() || v < 1 || v > 100)
        return validation_problem(ctx, {{"limit", "must be an integer from 1 to 100"}});
      page.limit = v;
    } else if (key == "cursor") {
      page.after = decode_cursor(value, list, tenant);
      if (!page.after)
        return render_problem(
            problems::bad_request("The cursor is malformed or belongs to another list."),
            ctx.request.path, ctx.request_id);
    } else {
      page.filters[std::move(key)] = std::move(value);
    }
  }
  return page;
}

}  // namespace brandos::api
