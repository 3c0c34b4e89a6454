#pragma once
// Outbound webhook HTTP on Boost.Beast, on the caller's I/O thread: a target URL is checked
// (http or https, a host, no credentials in it), its host resolved, and every resolved address
// must be public (target_address.hpp) unless private targets are allowed; the connection then
// goes to exactly the addresses that were checked, so a DNS answer that changes between check
// and connect (rebinding) cannot reach an internal service. https verifies the certificate
// against the system's CAs and the host name (SNI). The whole exchange (resolve, connect, TLS,
// request, response head) runs under one deadline; the response body is not read.
//
// Each attempt is a client span, a child of the request's traceparent (the event's trace), sent
// to the receiver as its traceparent and exported when the trace is sampled.
#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "application/ports/webhooks.hpp"
#include "infrastructure/observability/trace_parent.hpp"

namespace boost::asio::ssl {
class context;
}

namespace brandos::observability {
class SpanExporter;
}

namespace brandos::http_client {

class HostResolver;

class WebhookHttp final : public application::WebhookSender, public application::WebhookTargets {
 public:
  // `spans` (may be null: tracing off) receives a span per attempt of a sampled trace.
  explicit WebhookHttp(bool allow_private_targets, observability::SpanExporter* spans = nullptr);
  ~WebhookHttp() override;
  boost::asio::awaitable<std::vector<application::WebhookResponse>> post_all(
      const application::OperationContext& ctx,
      const std::vector<application::WebhookRequest>& requests,
      std::chrono::milliseconds timeout) override;
  boost::asio::awaitable<std::optional<std::string>> refuse(
      const application::OperationContext& ctx, const std::string& url) override;

  boost::asio::awaitable<application::WebhookResponse> post(
      const application::WebhookRequest& request, std::chrono::milliseconds timeout);
  // No answer of a name lookup is delivered after this (before the io_contexts go).
  void close();

 private:
  void record_span(const std::optional<observability::TraceParent>& span,
                   const std::optional<observability::TraceParent>& parent,
                   std::uint64_t started_ns, const std::string& host,
                   const application::WebhookRequest& request,
                   const application::WebhookResponse& response) const;

  bool allow_private_;
  observability::SpanExporter* spans_;
  std::unique_ptr<HostResolver> resolver_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace brandos::http_client
