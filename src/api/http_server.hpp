#pragma once
// The HTTP/1.1 server: Beast over Asio coroutines, one instance per io_context (thread per
// core; the kernel spreads connections across the instances' SO_REUSEPORT acceptors).
//
// Limits: header block (431), body (413), a deadline for reading a request once its first byte
// arrived (408, against slow clients), an idle timeout between keep-alive requests, a write
// deadline, and a process-wide cap on open connections. Malformed requests get a 4xx problem
// and the connection is closed; the handler never sees them.
//
// Shutdown: begin_shutdown() stops accepting, closes idle keep-alive connections, and lets
// requests in flight finish (their responses carry Connection: close). Call it on the server's
// executor (post it); active_connections() tells when it is drained.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/http_message.hpp"
#include "api/open_connections.hpp"

namespace brandos::api {

struct ServerLimits {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  // For requests without credentials (sign-up, login, refresh: small bodies), so anonymous
  // clients cannot make the server buffer a mebibyte per connection.
  std::size_t anonymous_body_limit = 64 * 1024;
  // Whether an Authorization header is a credential that may send up to body_limit (a valid
  // access token), asked only for a body that would exceed anonymous_body_limit; when unset, any
  // Authorization header may. Called on the I/O thread: it must be cheap and not block.
  std::function<bool(std::string_view authorization)> credential_lifts_body_limit;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{10000};
};

using RequestHandler = std::function<boost::asio::awaitable<HttpResponse>(HttpRequest&)>;

// Told about a server coroutine (a connection's session, the accept loop) that ended with an
// exception: a bug, to be logged and counted by the composition root. Called on the I/O thread.
using TaskFailureReporter = std::function<void(std::string_view task, std::exception_ptr error)>;

// Renders a problem for failures the server answers itself (before any handler runs).
using ProtocolErrorRenderer = std::function<HttpResponse(int status, const std::string& path)>;

class HttpServer {
 public:
  // `open_connections` is shared by every server instance of the process (the global cap).
  HttpServer(boost::asio::io_context& io, RequestHandler handler, ProtocolErrorRenderer errors,
             ServerLimits limits, OpenConnections& open_connections,
             TaskFailureReporter report = {});
  ~HttpServer();

  // Binds host:port (port 0 picks a free one) with SO_REUSEPORT; returns the bound port.
  // Throws std::system_error naming the address when it cannot.
  unsigned short listen(const std::string& host, unsigned short port);
  void begin_shutdown();
  int active_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with the connections it serves
};

}  // namespace brandos::api
