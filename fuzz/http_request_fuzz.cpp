// Fuzzes the whole HTTP entry point as the server runs it: Beast's parser with the server's
// limits, the conversion to HttpRequest, request-id and traceparent handling, routing (404/405),
// and a JSON route's body parsing. Invariant: any input ends in a parse error the server answers
// with a 4xx or a close, or in a response below 500.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/http/read.hpp>
#include <cstdlib>

#include "api/http_wire.hpp"
#include "api/json_body.hpp"
#include "api/middleware.hpp"
#include "api/problem.hpp"
#include "deterministic_ids.hpp"

namespace asio = boost::asio;
using namespace brandos;

namespace {

api::HttpApplication& fuzzed_app() {
  static fuzz::DeterministicIds ids;
  static auto router = [] {
    auto r = std::make_shared<api::Router>();
    r->add(api::Method::get, "/health/live",
           [](api::RequestContext&) -> asio::awaitable<api::HttpResponse> {
             co_return api::json_response(200, R"({"status":"ok"})");
           });
    r->add(api::Method::post, "/v1/things/{id}",
           [](api::RequestContext& ctx) -> asio::awaitable<api::HttpResponse> {
             auto parsed = api::parse_json_object(ctx.request);
             if (auto* p = std::get_if<api::Problem>(&parsed))
               co_return api::render_problem(*p, ctx.request.path, ctx.request_id);
             co_return api::json_response(201, std::string(ctx.param("id")));
           });
    return r;
  }();
  static api::HttpApplication app(router, {}, ids, nullptr);
  return app;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  api::WireParser parser;
  api::apply_limits(parser, 16 * 1024, 1024 * 1024);
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (offset < size && !parser.is_done()) {
    const std::size_t used = parser.put(asio::buffer(data + offset, size - offset), ec);
    if (ec == boost::beast::http::error::need_more) break;
    if (ec) {
      const int status = api::status_for_read_error(ec);
      if (status != 0 && (status < 400 || status > 499)) std::abort();
      return 0;
    }
    if (used == 0) break;
    offset += used;
  }
  if (!parser.is_done()) return 0;
  if (const int status = api::framing_problem(parser)) {
    if (status != 400 && status != 501) std::abort();
    return 0;
  }
  auto request = api::to_http_request(parser.release(), "127.0.0.1");
  if (!request) return 0;  // answered with 400

  asio::io_context io;
  auto f = asio::co_spawn(io, fuzzed_app().handle(*request), asio::use_future);
  io.run();
  const api::HttpResponse response = f.get();
  if (response.status < 200 || response.status >= 500) std::abort();
  if (!response.header("X-Request-Id")) std::abort();
  return 0;
}
