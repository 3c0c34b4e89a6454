#pragma once
// What route handlers share: JSON bodies in and out, problem responses for failures, keyset
// pages (limit 1..100 → else 422; opaque cursor → else 400), path ids, and rate-limit headers.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "api/cursor.hpp"
#include "api/failure_response.hpp"
#include "api/request_context.hpp"
#include "application/ports/rate_limiter.hpp"

namespace brandos::api {

HttpResponse json_ok(int status, const boost::json::value& v);
HttpResponse no_content();
HttpResponse validation_problem(const RequestContext& ctx,
                                std::vector<application::FieldIssue> issues);
// The body as a JSON object, or the 415/400 response saying why not.
std::variant<boost::json::object, HttpResponse> body_of(const RequestContext& ctx);
// The {id} path parameter; nullopt when it is not a UUID (answer 404, as for an unknown id).
std::optional<domain::Uuid> id_param(const RequestContext& ctx);
void add_rate_headers(HttpResponse& r, const application::RateLimit& limit,
                      const application::RateDecision& d);

struct Page {
  std::optional<domain::Uuid> after;
  int limit = 20;
  std::map<std::string, std::string> filters;  // the other query parameters, decoded
};
// `list` names the collection so a cursor from another list is refused.
std::variant<Page, HttpResponse> page_of(const RequestContext& ctx, const domain::Uuid& tenant,
                                         std::string_view list);

// {"data": [...], "next_cursor": ...} from up to limit + 1 items (the extra one means "more").
template <class T, class ToJson>
HttpResponse list_response(const domain::Uuid& tenant, std::string_view list, std::vector<T> items,
                           int limit, ToJson to_json) {
  boost::json::array data;
  std::optional<domain::Uuid> next;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(limit);
    next = items.back().id;
  }
  for (const auto& i : items) data.push_back(to_json(i));
  boost::json::object body{{"data", std::move(data)}};
  body["next_cursor"] =
      next ? boost::json::value(encode_cursor(list, tenant, *next)) : boost::json::value(nullptr);
  return json_ok(200, body);
}

}  // namespace brandos::api
