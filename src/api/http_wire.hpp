#pragma once
// The boundary between Beast's wire-level messages and the API's plain HttpRequest. Kept apart
// from http_server.cpp so the fuzz target runs exactly the parsing the server runs.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string>

#include "api/http_message.hpp"

namespace brandos::api {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;
using WireParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A parser with the server's limits applied.
void apply_limits(WireParser& parser, std::size_t header_limit, std::size_t body_limit);

// What the server answers to a failed read: 400, 408, 413 or 431; 0 means just close (the peer
// went away, the connection idled out, or the server is shutting down).
int status_for_read_error(const boost::beast::error_code& ec);

// After the header: 0 when the request's framing and host are unambiguous, else the status to
// answer before closing. 400: an HTTP/1.1 request without exactly one Host, Transfer-Encoding
// together with Content-Length (a request-smuggling shape), or Transfer-Encoding in HTTP/1.0;
// 501: a Transfer-Encoding other than exactly "chunked" ("gzip, chunked" would otherwise reach
// the handler as undecoded gzip).
int framing_problem(const WireParser& parser);

// nullopt when the target is not origin-form (absolute URLs, '*', bad percent-encoding): 400.
std::optional<HttpRequest> to_http_request(WireRequest&& message, const std::string& client_ip);

}  // namespace brandos::api
