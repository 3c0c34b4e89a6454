#pragma once
// The request pipeline: middleware around the router, composed once at start-up.
//
//   request id -> trace context -> error boundary -> router (404/405 end here)
//   -> [application middleware: authentication, tenant rate limit, idempotency...] -> handler
//   -> observation (metrics, access log) of whatever came out
//
// The first four are built in because every response depends on them (an unhandled exception
// still gets a problem+json 500 with the request id, and is still counted and logged).
#include <memory>
#include <vector>

#include "api/client_ip.hpp"
#include "api/request_context.hpp"
#include "api/router.hpp"
#include "application/ports/id_generator.hpp"

namespace brandos::api {

using Next = std::function<boost::asio::awaitable<HttpResponse>(RequestContext&)>;
using Middleware =
    std::function<boost::asio::awaitable<HttpResponse>(RequestContext&, const Next&)>;

// What the API reports about each finished request; implemented by the composition root with
// metrics and logging adapters (the API layer never talks to them directly).
struct RequestRecord {
  Method method;
  const std::string& route;
  int status;
  double duration_seconds;
  std::size_t bytes_in;
  std::size_t bytes_out;
  const std::string& request_id;
  const TraceContext& trace;
  const std::string& client_ip;
  // The path only: query strings can carry personal data (?email=) and stay out of logs.
  const std::string& path;
  const domain::Uuid* tenant;  // the authenticated caller's tenant; null when there is none
};

class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // Called on the I/O thread that served the request: must not block.
  virtual void on_request(const RequestRecord& record) = 0;
  // Called when a handler threw: a bug. what() is for logs only.
  virtual void on_unhandled_exception(const RequestContext& ctx, const char* what) = 0;
};

// One per io_context (holds no locks; the router may be shared).
class HttpApplication {
 public:
  HttpApplication(std::shared_ptr<const Router> router, std::vector<Middleware> middleware,
                  application::IdGenerator& ids, RequestObserver* observer,
                  TrustedProxies trusted_proxies = {});

  boost::asio::awaitable<HttpResponse> handle(HttpRequest& request);

 private:
  boost::asio::awaitable<HttpResponse> run_chain(RequestContext& ctx, std::size_t index);

  std::shared_ptr<const Router> router_;
  std::vector<Middleware> middleware_;
  application::IdGenerator& ids_;
  RequestObserver* observer_;
  TrustedProxies trusted_proxies_;
};

}  // namespace brandos::api
