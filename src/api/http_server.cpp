#include "api/http_server.hpp"

#include "api/http_wire.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <unordered_set>

namespace brandos::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Whether the request may send up to the full body limit: its body fits the anonymous one
// anyway, or it carries a credential the server was told to trust (an invalid token is verified
// only for a body that would need it, so ordinary requests pay nothing extra).
template <class Parser>
bool may_send_large_body(const Parser& parser, const ServerLimits& limits) {
  const auto declared = parser.content_length();
  if (declared && *declared <= limits.anonymous_body_limit) return true;
  const auto& header = parser.get();
  const auto auth = header.find(http::field::authorization);
  if (auth == header.end()) return false;
  return !limits.credential_lifts_body_limit ||
         limits.credential_lifts_body_limit(std::string_view(auth->value()));
}

struct SessionState {
  beast::tcp_stream* stream;
  bool idle;
};

// The deadline for receiving one request. beast::tcp_stream's own timeout closes the socket,
// which would leave no way to answer 408; this one only cancels the pending read. Its state is
// shared with the timer handler, which may run after the session is gone.
class RequestDeadline {
 public:
  explicit RequestDeadline(beast::tcp_stream& stream)
      : timer_(stream.get_executor()), state_(std::make_shared<State>()) {
    state_->stream = &stream;
  }
  ~RequestDeadline() {
    state_->stream = nullptr;
    timer_.cancel();
  }
  void arm(std::chrono::milliseconds after) {
    state_->fired = false;
    const auto gen = ++state_->generation;
    timer_.expires_after(after);
    timer_.async_wait([s = state_, gen](const beast::error_code& ec) {
      if (ec || s->generation != gen || s->stream == nullptr) return;
      s->fired = true;
      beast::error_code ignored;
      s->stream->socket().cancel(ignored);
    });
  }
  void disarm() {
    ++state_->generation;
    timer_.cancel();
  }
  bool fired() const { return state_->fired; }

 private:
  struct State {
    beast::tcp_stream* stream = nullptr;
    std::uint64_t generation = 0;
    bool fired = false;
  };
  asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, RequestHandler handler, ProtocolErrorRenderer errors,
       ServerLimits limits, OpenConnections& open, TaskFailureReporter report)
      : io(io),
        handler(std::move(handler)),
        errors(std::move(errors)),
        limits(limits),
        open(open),
        report(std::move(report)) {}

  asio::io_context& io;
  RequestHandler handler;
  ProtocolErrorRenderer errors;
  ServerLimits limits;
  OpenConnections& open;
  TaskFailureReporter report;
  std::optional<tcp::acceptor> acceptor;
  bool shutting_down = false;
  std::unordered_set<SessionState*> sessions;
  std::atomic<int> active{0};

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    asio::steady_timer backoff(io);
    while (!shutting_down) {
      auto [ec, socket] = co_await acceptor->async_accept(use_tuple);
      if (ec) {
        if (shutting_down || ec == asio::error::operation_aborted) co_return;
        // Out of file descriptors or similar: back off briefly instead of spinning.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(use_tuple);
        continue;
      }
      if (!open.try_open()) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      // A session that throws is a bug: reported (logged and counted), never silently lost.
      asio::co_spawn(io, session(std::move(socket)), [report = report](std::exception_ptr e) {
        if (e && report) report("http_session", e);
      });
    }
  }

  // Answers a request the server rejects itself, then closes the connection.
  asio::awaitable<void> reject(beast::tcp_stream& stream, int status, unsigned version,
                               const std::string& path) {
    HttpResponse r = errors(status, path);
    http::response<http::string_body> out{static_cast<http::status>(r.status), version};
    for (const auto& h : r.headers) out.set(h.name, h.value);
    out.body() = std::move(r.body);
    out.keep_alive(false);
    out.prepare_payload();
    stream.expires_after(limits.write_timeout);
    co_await http::async_write(stream, out, use_tuple);
  }

  // Close without losing the response: stop sending, then drain what the client still sends
  // for a moment, so the kernel does not reset the connection before the client reads.
  asio::awaitable<void> lingering_close(beast::tcp_stream& stream) {
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    stream.expires_after(std::chrono::seconds(2));
    char sink[8192];
    std::size_t drained = 0;
    while (drained < 2 * 1024 * 1024) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), use_tuple);
      if (rec) break;
      drained += n;
    }
    stream.socket().close(ec);
  }

  asio::awaitable<void> session(tcp::socket socket) {
    auto self = shared_from_this();
    active.fetch_add(1, std::memory_order_relaxed);
    beast::tcp_stream stream(std::move(socket));
    SessionState state{&stream, true};
    sessions.insert(&state);
    struct Leave {
      Impl* impl;
      SessionState* state;
      ~Leave() {
        impl->sessions.erase(state);
        impl->open.close();
        impl->active.fetch_sub(1, std::memory_order_relaxed);
      }
    } leave{this, &state};

    std::string client_ip;
    {
      beast::error_code ec;
      const auto remote = stream.socket().remote_endpoint(ec);
      if (!ec) client_ip = remote.address().to_string();
    }

    beast::flat_buffer buffer;
    RequestDeadline deadline(stream);
    bool close_gracefully = true;
    for (;;) {
      if (shutting_down) break;
      if (buffer.size() == 0) {
        // Between requests: wait for the first byte of the next one under the idle timeout.
        state.idle = true;
        stream.expires_after(limits.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
        state.idle = false;
        if (ec) {
          close_gracefully = false;
          break;
        }
        buffer.commit(n);
      }

      WireParser parser;
      apply_limits(parser, limits.header_limit, limits.body_limit);
      // From the first byte, the whole request must arrive within the read deadline: a client
      // trickling bytes cannot hold a connection open indefinitely.
      stream.expires_never();
      deadline.arm(limits.read_timeout);
      auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
      if (hec) {
        deadline.disarm();
        if (const int status = deadline.fired() ? 408 : status_for_read_error(hec)) {
          co_await reject(stream, status, 11, "/");
          co_await lingering_close(stream);
        }
        co_return;
      }
      const unsigned version = parser.get().version();
      if (const int status = framing_problem(parser)) {
        deadline.disarm();
        co_await reject(stream, status, version, std::string(parser.get().target()));
        co_await lingering_close(stream);
        co_return;
      }
      if (limits.anonymous_body_limit < limits.body_limit && !may_send_large_body(parser, limits)) {
        // A declared length is checked here (the parser checked it against the larger limit); a
        // chunked body counts against the smaller one as it arrives.
        const auto declared = parser.content_length();
        if (declared && *declared > limits.anonymous_body_limit) {
          deadline.disarm();
          co_await reject(stream, 413, version, std::string(parser.get().target()));
          co_await lingering_close(stream);
          co_return;
        }
        parser.body_limit(limits.anonymous_body_limit);
      }
      if (!parser.is_done()) {
        const auto expect = parser.get()[http::field::expect];
        if (iequals(expect, "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, version};
          stream.expires_after(limits.write_timeout);
          auto [cec, cn] = co_await http::async_write(stream, cont, use_tuple);
          if (cec) co_return;
          stream.expires_never();
        }
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (bec) {
          deadline.disarm();
          if (const int status = deadline.fired() ? 408 : status_for_read_error(bec)) {
            co_await reject(stream, status, version, std::string(parser.get().target()));
            co_await lingering_close(stream);
          }
          co_return;
        }
      }
      deadline.disarm();

      auto parsed = to_http_request(parser.release(), client_ip);
      if (!parsed) {
        co_await reject(stream, 400, version, "/");
        co_await lingering_close(stream);
        co_return;
      }
      HttpRequest& request = *parsed;
      HttpResponse response = co_await handler(request);

      const bool keep_alive = request.keep_alive && !shutting_down;
      http::response<http::string_body> out{static_cast<http::status>(response.status), version};
      for (auto& h : response.headers) out.set(h.name, std::move(h.value));
      out.keep_alive(keep_alive);
      if (request.method == Method::head) {
        out.content_length(response.body.size());
      } else {
        out.body() = std::move(response.body);
        out.prepare_payload();
      }
      stream.expires_after(limits.write_timeout);
      http::response_serializer<http::string_body> serializer(out);
      if (request.method == Method::head) {
        auto [wec, wn] = co_await http::async_write_header(stream, serializer, use_tuple);
        if (wec) co_return;
      } else {
        auto [wec, wn] = co_await http::async_write(stream, serializer, use_tuple);
        if (wec) co_return;
      }
      if (!keep_alive) break;
    }
    if (close_gracefully) {
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  void begin_shutdown() {
    shutting_down = true;
    if (acceptor) {
      beast::error_code ec;
      acceptor->close(ec);
    }
    // Idle keep-alive connections are closed now; busy ones finish their request first.
    for (SessionState* s : sessions)
      if (s->idle) s->stream->cancel();
  }
};

HttpServer::HttpServer(asio::io_context& io, RequestHandler handler, ProtocolErrorRenderer errors,
                       ServerLimits limits, OpenConnections& open_connections,
                       TaskFailureReporter report)
    : impl_(std::make_shared<Impl>(io, std::move(handler), std::move(errors), limits,
                                   open_connections, std::move(report))) {}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::listen(const std::string& host, unsigned short port) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::system_error(ec, "invalid listen address " + host);
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(impl_->io);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  const int one = 1;
  if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    throw std::system_error(errno, std::generic_category(), "SO_REUSEPORT");
  acceptor.bind(endpoint, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + host + ":" + std::to_string(port));
  acceptor.listen(asio::socket_base::max_listen_connections);
  const unsigned short bound = acceptor.local_endpoint().port();
  impl_->acceptor.emplace(std::move(acceptor));
  asio::co_spawn(impl_->io, impl_->accept_loop(), [report = impl_->report](std::exception_ptr e) {
    if (e && report) report("http_accept", e);
  });
  return bound;
}

void HttpServer::begin_shutdown() {
  impl_->begin_shutdown();
}

int HttpServer::active_connections() const {
  return impl_->active.load(std::memory_order_relaxed);
}

}  // namespace brandos::api
