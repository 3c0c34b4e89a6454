#include "infrastructure/http_client/payment_gateway_http.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <random>
#include <stdexcept>

#include "infrastructure/http_client/gateway_messages.hpp"
#include "infrastructure/http_client/host_resolver.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::http_client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using application::Outcome;
using Clock = std::chrono::steady_clock;

struct PaymentGatewayHttp::Target {
  bool tls = false;
  std::string host;
  std::string port;
  std::string prefix;  // path prefix without a trailing slash
  std::string host_header;
};

namespace {

constexpr std::size_t kMaxReply = 64 * 1024;

application::Failure gateway_down(int retry_after_s) {
  return application::failures::unavailable(
      "The payment provider cannot be reached; the payment is settled later, retry shortly.",
      retry_after_s);
}

std::chrono::milliseconds full_jitter(std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                      int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const auto bound = std::min<std::int64_t>(cap.count(), base.count() << std::min(attempt, 20));
  std::uniform_int_distribution<std::int64_t> pick(0, std::max<std::int64_t>(bound, 0));
  return std::chrono::milliseconds(pick(random));
}

template <class Stream>
asio::awaitable<std::optional<PaymentGatewayHttp::Reply>> exchange(
    Stream& stream, http::request<http::string_body>& request) {
  auto [wec, written] =
      co_await http::async_write(stream, request, asio::as_tuple(asio::use_awaitable));
  if (wec) co_return std::nullopt;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(kMaxReply);
  auto [rec, read] =
      co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  if (rec) co_return std::nullopt;
  co_return PaymentGatewayHttp::Reply{static_cast<int>(parser.get().result_int()),
                                      std::move(parser.get().body())};
}

bool is_charge(const PaymentGatewayHttp::Reply& r) {
  return r.status == 200 && parse_charge(r.body).has_value();
}
bool is_refund(const PaymentGatewayHttp::Reply& r) {
  return r.status == 200 && parse_refund(r.body).has_value();
}
bool is_lookup(const PaymentGatewayHttp::Reply& r) {
  return r.status == 404 || is_charge(r);
}

}  // namespace

PaymentGatewayHttp::PaymentGatewayHttp(PaymentGatewayHttpOptions options,
                                       application::CircuitBreaker& breaker)
    : options_(std::move(options)),
      breaker_(breaker),
      target_(std::make_unique<Target>()),
      resolver_(std::make_unique<HostResolver>(2)),
      tls_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {
  auto u = boost::urls::parse_absolute_uri(options_.url);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty() ||
      u->has_query() || u->has_fragment() || u->has_userinfo())
    throw std::invalid_argument("the payment gateway URL must be an http(s) base URL");
  target_->tls = u->scheme() == "https";
  target_->host = u->host_type() == boost::urls::host_type::ipv6 ? u->host_address() : u->host();
  target_->port = u->has_port() ? std::string(u->port()) : (target_->tls ? "443" : "80");
  target_->prefix = std::string(u->encoded_path());
  while (!target_->prefix.empty() && target_->prefix.back() == '/') target_->prefix.pop_back();
  target_->host_header = std::string(u->encoded_host_and_port());
  tls_->set_default_verify_paths();
  tls_->set_verify_mode(asio::ssl::verify_peer);
}

PaymentGatewayHttp::~PaymentGatewayHttp() = default;

void PaymentGatewayHttp::close() {
  resolver_->close();
}

std::optional<application::Failure> PaymentGatewayHttp::refusing() {
  if (auto wait = breaker_.refusing()) return gateway_down(application::retry_after_seconds(*wait));
  return std::nullopt;
}

asio::awaitable<std::optional<PaymentGatewayHttp::Reply>> PaymentGatewayHttp::attempt(
    bool post, const std::string& path, const std::string& key, const std::string& body,
    const std::string& traceparent, Clock::time_point deadline) {
  const Target& t = *target_;
  http::request<http::string_body> request{post ? http::verb::post : http::verb::get,
                                           t.prefix + path, 11};
  request.set(http::field::host, t.host_header);
  request.set(http::field::accept, "application/json");
  if (!options_.api_key.empty())
    request.set(http::field::authorization, "Bearer " + options_.api_key);
  if (!traceparent.empty()) request.set("traceparent", traceparent);
  if (post) {
    request.set("Idempotency-Key", key);
    request.set(http::field::content_type, "application/json");
    request.body() = body;
  }
  request.prepare_payload();
  auto work = [&]() -> asio::awaitable<std::optional<Reply>> {
    auto endpoints = co_await resolver_->resolve(t.host, t.port, deadline);
    if (!endpoints || endpoints->empty()) co_return std::nullopt;
    const auto executor = co_await asio::this_coro::executor;
    if (!t.tls) {
      beast::tcp_stream stream(executor);
      auto [ec, ep] =
          co_await stream.async_connect(*endpoints, asio::as_tuple(asio::use_awaitable));
      if (ec) co_return std::nullopt;
      auto reply = co_await exchange(stream, request);
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      co_return reply;
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, *tls_);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str())) co_return std::nullopt;
    stream.set_verify_callback(asio::ssl::host_name_verification(t.host));
    auto [ec, ep] = co_await beast::get_lowest_layer(stream).async_connect(
        *endpoints, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return std::nullopt;
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client,
                                                 asio::as_tuple(asio::use_awaitable));
    if (hec) co_return std::nullopt;
    co_return co_await exchange(stream, request);
  };
  asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
  auto r = co_await (work() || timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (r.index() == 1) co_return std::nullopt;
  co_return std::get<0>(std::move(r));
}

asio::awaitable<Outcome<PaymentGatewayHttp::Reply>> PaymentGatewayHttp::call(
    const application::OperationContext& ctx, bool post, const std::string& path,
    const std::string& key, const std::string& body, bool (*accept)(const Reply&)) {
  for (int n = 1;; ++n) {
    const auto permit = breaker_.admit();
    if (!permit.allowed)
      co_return std::unexpected(gateway_down(application::retry_after_seconds(permit.retry_after)));
    const auto own_deadline = Clock::now() + options_.attempt_timeout;
    const bool callers_deadline_first = ctx.deadline < own_deadline;
    // The attempt is a span of its own, the operation's child, and the gateway continues it.
    const bool traced = ctx.trace.trace_id.size() == 32 && ctx.trace.span_id.size() == 16;
    const std::string span_id = traced ? observability::new_span_id() : std::string();
    const std::string traceparent =
        traced ? "00-" + ctx.trace.trace_id + "-" + span_id + "-01" : std::string();
    const std::uint64_t started_ns = observability::unix_ns_now();
    const auto attempt_deadline = std::min(ctx.deadline, own_deadline);
    auto reply = co_await attempt(post, path, key, body, traceparent, attempt_deadline);
    if (traced && options_.spans != nullptr && options_.spans->sampled(ctx.trace.trace_id)) {
      observability::Span s;
      s.trace_id = ctx.trace.trace_id;
      s.span_id = span_id;
      s.parent_span_id = ctx.trace.span_id;
      s.name = std::string(post ? "POST " : "GET ") + path.substr(0, path.find('?'));
      s.kind = observability::Span::Kind::client;
      s.start_unix_ns = started_ns;
      s.end_unix_ns = observability::unix_ns_now();
      s.attributes = {{"server.address", target_->host}, {"brandos.attempt", std::to_string(n)}};
      if (reply)
        s.attributes.emplace_back("http.response.status_code", std::to_string(reply->status));
      s.error = !reply || reply->status >= 500;
      options_.spans->record(std::move(s));
    }
    if (reply && (accept(*reply) || (reply->status >= 400 && reply->status < 500))) {
      // The gateway answered (a 4xx is our request's fault, not the gateway's health).
      breaker_.succeeded(permit);
      co_return std::move(*reply);
    }
    // Out of the caller's time is not the gateway's fault: no verdict for the breaker.
    if (reply || !callers_deadline_first) breaker_.failed(permit);
    const auto pause = full_jitter(options_.retry_base, options_.retry_cap, n - 1);
    if (n >= options_.attempts || Clock::now() + pause >= ctx.deadline)
      co_return std::unexpected(gateway_down(2));
    asio::steady_timer wait(co_await asio::this_coro::executor, pause);
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

// A 4xx answer to a write is final: the gateway refuses the request as made (a wrong key, a
// malformed request), and asking again with the same key would be refused again. It ends the
// payment or refund as failed, with the status in its code, rather than leaving it pending for
// ever; the log line tells operators.
namespace {
std::string rejected(const std::string& path, int status) {
  observability::log_warn("payment_gateway_rejected")
      .str("path", path)
      .num("status", static_cast<std::int64_t>(status))
      .write();
  return "gateway_rejected_" + std::to_string(status);
}
}  // namespace

asio::awaitable<Outcome<application::GatewayCharge>> PaymentGatewayHttp::charge(
    const application::OperationContext& ctx, const application::ChargeRequest& r) {
  const std::string body = charge_body(r);
  auto reply = co_await call(ctx, true, "/v1/charges", r.key, body, is_charge);
  if (!reply) co_return std::unexpected(reply.error());
  if (reply->status != 200)
    co_return application::GatewayCharge{false, "", rejected("/v1/charges", reply->status)};
  co_return *parse_charge(reply->body);
}

asio::awaitable<Outcome<application::GatewayRefund>> PaymentGatewayHttp::refund(
    const application::OperationContext& ctx, const application::RefundRequest& r) {
  const std::string body = refund_body(r);
  auto reply = co_await call(ctx, true, "/v1/refunds", r.key, body, is_refund);
  if (!reply) co_return std::unexpected(reply.error());
  if (reply->status != 200)
    co_return application::GatewayRefund{false, "", rejected("/v1/refunds", reply->status)};
  co_return *parse_refund(reply->body);
}

asio::awaitable<Outcome<std::optional<application::GatewayCharge>>> PaymentGatewayHttp::find_charge(
    const application::OperationContext& ctx, const std::string& key) {
  const std::string path =
      "/v1/charges?idempotency_key=" + boost::urls::encode(key, boost::urls::unreserved_chars);
  const std::string no_body;  // named: no temporary inside the co_await (GCC 12)
  auto reply = co_await call(ctx, false, path, key, no_body, is_lookup);
  if (!reply) co_return std::unexpected(reply.error());
  if (reply->status == 404) co_return std::optional<application::GatewayCharge>{};
  if (reply->status != 200)  // the lookup refused (a wrong key): the outcome stays unknown
    co_return std::unexpected(gateway_down(5));
  co_return parse_charge(reply->body);
}

}  // namespace brandos::http_client
