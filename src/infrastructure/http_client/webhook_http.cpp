#include "infrastructure/http_client/webhook_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include "infrastructure/http_client/host_resolver.hpp"
#include "infrastructure/http_client/target_address.hpp"
#include "infrastructure/observability/span_exporter.hpp"

namespace brandos::http_client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

struct Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // origin-form: path and query
  std::string host_header;
};

// The target, or why the URL cannot be one.
std::variant<Target, std::string> parse_target(const std::string& url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return std::string("must be an absolute http or https URL");
  Target t;
  if (u->scheme() == "https")
    t.tls = true;
  else if (u->scheme() != "http")
    return std::string("must be an http or https URL");
  if (!u->has_authority() || u->encoded_host().empty()) return std::string("must name a host");
  if (u->has_userinfo()) return std::string("must not carry credentials");
  if (u->has_fragment()) return std::string("must not have a fragment");
  t.host = u->host();
  if (u->host_type() == boost::urls::host_type::ipv6) t.host = u->host_address();
  if (u->has_port()) {
    if (u->port_number() == 0) return std::string("has an invalid port");
    t.port = std::to_string(u->port_number());
  } else {
    t.port = t.tls ? "443" : "80";
  }
  t.path = std::string(u->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  t.host_header = std::string(u->encoded_host_and_port());
  return t;
}

// What may be connected to, or why nothing may.
struct Resolved {
  std::vector<tcp::endpoint> endpoints;
  std::string refused;  // empty: endpoints may be connected to
};

asio::awaitable<Resolved> resolve(HostResolver& resolver, const Target& t, bool allow_private,
                                  Clock::time_point deadline) {
  auto results = co_await resolver.resolve(t.host, t.port, deadline);
  if (!results) co_return Resolved{{}, "does not resolve (in time)"};
  std::vector<tcp::endpoint> endpoints;
  for (const auto& ep : *results) {
    // Any internal address refuses the whole target: a name that also points inside is not a
    // public endpoint, whichever address a connection would happen to use.
    if (!allow_private && !is_public_address(ep.address()))
      co_return Resolved{{}, "resolves to a private, loopback or link-local address"};
    endpoints.push_back(ep);
  }
  if (endpoints.empty()) co_return Resolved{{}, "the host does not resolve"};
  co_return Resolved{std::move(endpoints), ""};
}

template <class Stream>
asio::awaitable<application::WebhookResponse> exchange(Stream& stream, const Target& t,
                                                       const application::WebhookRequest& req,
                                                       const std::string& traceparent) {
  http::request<http::string_body> r{http::verb::post, t.path, 11};
  r.set(http::field::host, t.host_header);
  for (const auto& [k, v] : req.headers) r.set(k, v);
  if (!traceparent.empty()) r.set("traceparent", traceparent);
  r.body() = req.body;
  r.prepare_payload();
  auto [wec, written] = co_await http::async_write(stream, r, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return application::WebhookResponse{std::nullopt, "send: " + wec.message(), {}};
  beast::flat_buffer buffer;
  http::response_parser<http::empty_body> parser;
  parser.header_limit(16 * 1024);
  auto [rec, read] =
      co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (rec) co_return application::WebhookResponse{std::nullopt, "receive: " + rec.message(), {}};
  co_return application::WebhookResponse{static_cast<int>(parser.get().result_int()), "", {}};
}

}  // namespace

WebhookHttp::WebhookHttp(bool allow_private_targets, observability::SpanExporter* spans)
    : allow_private_(allow_private_targets),
      spans_(spans),
      resolver_(std::make_unique<HostResolver>()),
      tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
  tls_->set_default_verify_paths();
  tls_->set_verify_mode(asio::ssl::verify_peer);
  tls_->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                    asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
}

WebhookHttp::~WebhookHttp() = default;

void WebhookHttp::close() {
  resolver_->close();
}

asio::awaitable<std::optional<std::string>> WebhookHttp::refuse(
    const application::OperationContext&, const std::string& url) {
  auto target = parse_target(url);
  if (auto* why = std::get_if<std::string>(&target)) co_return *why;
  const auto resolved = co_await resolve(*resolver_, std::get<Target>(target), allow_private_,
                                         Clock::now() + std::chrono::seconds(3));
  if (!resolved.refused.empty()) co_return resolved.refused;
  co_return std::nullopt;
}

asio::awaitable<application::WebhookResponse> WebhookHttp::post(
    const application::WebhookRequest& request, std::chrono::milliseconds timeout) {
  const auto started = Clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  };
  auto parsed = parse_target(request.url);
  if (auto* why = std::get_if<std::string>(&parsed))
    co_return application::WebhookResponse{std::nullopt, "the URL " + *why, elapsed()};
  const Target& t = std::get<Target>(parsed);
  // The attempt is a span of its own, a child of the event's trace, and the receiver gets it as
  // the request's parent.
  const auto parent = observability::parse_trace_parent(request.traceparent);
  const auto span =
      parent ? std::optional(parent->child(observability::new_span_id())) : std::nullopt;
  // One that does not parse (it cannot come from us) is passed on as given, without a span.
  const std::string traceparent = span ? span->header() : request.traceparent;
  const std::uint64_t started_ns = observability::unix_ns_now();
  auto work = [&]() -> asio::awaitable<application::WebhookResponse> {
    const auto resolved = co_await resolve(*resolver_, t, allow_private_, started + timeout);
    if (!resolved.refused.empty())
      co_return application::WebhookResponse{std::nullopt, "the target " + resolved.refused, {}};
    const auto& endpoints = resolved.endpoints;
    const auto executor = co_await asio::this_coro::executor;
    if (!t.tls) {
      beast::tcp_stream stream(executor);
      auto [ec, ep] = co_await stream.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return application::WebhookResponse{std::nullopt, "connect: " + ec.message(), {}};
      auto r = co_await exchange(stream, t, request, traceparent);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return r;
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, *tls_);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()))
      co_return application::WebhookResponse{std::nullopt, "TLS: cannot set the server name", {}};
    stream.set_verify_callback(asio::ssl::host_name_verification(t.host));
    auto [ec, ep] = co_await beast::get_lowest_layer(stream).async_connect(
        endpoints, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return application::WebhookResponse{std::nullopt, "connect: " + ec.message(), {}};
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) co_return application::WebhookResponse{std::nullopt, "TLS: " + hec.message(), {}};
    co_return co_await exchange(stream, t, request, traceparent);
  };
  asio::steady_timer deadline(co_await asio::this_coro::executor, timeout);
  auto r = co_await (work() || deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 1) {
    application::WebhookResponse late{
        std::nullopt, "no answer within " + std::to_string(timeout.count()) + " ms", elapsed()};
    record_span(span, parent, started_ns, t.host, request, late);
    co_return late;
  }
  auto response = std::get<0>(std::move(r));
  response.latency = elapsed();
  record_span(span, parent, started_ns, t.host, request, response);
  co_return response;
}

void WebhookHttp::record_span(const std::optional<observability::TraceParent>& span,
                              const std::optional<observability::TraceParent>& parent,
                              std::uint64_t started_ns, const std::string& host,
                              const application::WebhookRequest& request,
                              const application::WebhookResponse& response) const {
  if (!span || spans_ == nullptr || !spans_->sampled(span->trace_id)) return;
  observability::Span s;
  s.trace_id = span->trace_id;
  s.span_id = span->span_id;
  s.parent_span_id = parent->span_id;
  s.name = "webhook " + request.event_type;
  s.kind = observability::Span::Kind::client;
  s.start_unix_ns = started_ns;
  s.end_unix_ns = observability::unix_ns_now();
  s.attributes = {{"server.address", host}, {"http.request.method", "POST"}};
  for (const auto& [k, v] : request.headers)
    if (k == "BrandOS-Event-Id") s.attributes.emplace_back("brandos.event_id", v);
  if (response.status_code)
    s.attributes.emplace_back("http.response.status_code", std::to_string(*response.status_code));
  else
    s.attributes.emplace_back("error.type", response.error);
  s.error = !response.status_code || *response.status_code >= 300;
  spans_->record(std::move(s));
}

asio::awaitable<std::vector<application::WebhookResponse>> WebhookHttp::post_all(
    const application::OperationContext&, const std::vector<application::WebhookRequest>& requests,
    std::chrono::milliseconds timeout) {
  // All at once on this thread; each bounded by the deadline, so the batch is too.
  struct Batch {
    explicit Batch(asio::any_io_executor ex, std::size_t n) : done(ex), responses(n) {}
    asio::steady_timer done;
    std::vector<application::WebhookResponse> responses;
    std::size_t left = 0;
  };
  const auto executor = co_await asio::this_coro::executor;
  auto batch = std::make_shared<Batch>(executor, requests.size());
  batch->left = requests.size();
  batch->done.expires_at(Clock::time_point::max());
  for (std::size_t i = 0; i < requests.size(); ++i)
    asio::co_spawn(
        executor,
        [this, batch, i, request = requests[i], timeout]() -> asio::awaitable<void> {
          batch->responses[i] = co_await post(request, timeout);
        },
        [batch, i](std::exception_ptr e) {
          if (e) {
            // Recorded as this delivery's failure; the others go on.
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& ex) {
              batch->responses[i].error = std::string("internal error: ") + ex.what();
            } catch (...) {
              batch->responses[i].error = "internal error";
            }
          }
          if (--batch->left == 0) batch->done.cancel();
        });
  while (batch->left > 0) co_await batch->done.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return std::move(batch->responses);
}

}  // namespace brandos::http_client
