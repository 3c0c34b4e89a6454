#include "app/operator_page.hpp"

#include <boost/asio/awaitable.hpp>

#include "api/problem.hpp"
#include "app/operator_history_query.hpp"
#include "app/operator_page_assets.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {

std::string content_type_of(std::string_view path) {
  if (path.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (path.ends_with(".css")) return "text/css; charset=utf-8";
  if (path.ends_with(".svg")) return "image/svg+xml";
  return "text/html; charset=utf-8";
}

}  // namespace

void add_operator_page(api::Router& router, const observability::OperatorHistory& history,
                       const observability::RecentSlowQueries& slow_queries) {
  for (const auto& asset : operator_page_assets()) {
    router.add(api::Method::get, std::string(asset.path),
               [asset](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
                 api::HttpResponse r;
                 r.headers.push_back({"Content-Type", content_type_of(asset.path)});
                 r.headers.push_back({"X-Content-Type-Options", "nosniff"});
                 // Everything comes from this listener: no inline code, no other origin.
                 r.headers.push_back({"Content-Security-Policy",
                                      "default-src 'none'; script-src 'self'; style-src 'self'; "
                                      "connect-src 'self'; img-src 'self'; "
                                      "frame-ancestors 'none'; base-uri 'none'"});
                 r.headers.push_back({"Cache-Control", "no-cache"});
                 r.body = std::string(asset.bytes);
                 co_return r;
               });
  }
  router.add(api::Method::get, "/operator/history",
             [&history](api::RequestContext& ctx) -> asio::awaitable<api::HttpResponse> {
               const auto minutes = history_minutes(ctx.request.query);
               if (!minutes)
                 co_return api::render_problem(
                     api::problems::bad_request("minutes must be a whole number from 1 to 1440"),
                     ctx.request.path, ctx.request_id);
               co_return api::json_response(200, history.to_json(*minutes * 60.0));
             });
  router.add(api::Method::get, "/operator/slow-queries",
             [&slow_queries](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
               co_return api::json_response(200, slow_queries.to_json());
             });
}

}  // namespace brandos::app
