#pragma once
// The HTTP request and response as the API layer sees them: plain values with no Beast or Asio
// types, so routes, middleware and tests compile without the heavy networking headers. The
// server (http_server.cpp) converts to and from the wire.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brandos::api {

enum class Method { get, head, post, put, patch, del, options, other };
Method method_from_string(std::string_view m);
const char* to_string(Method m);

struct Header {
  std::string name;
  std::string value;
};

struct HttpRequest {
  Method method = Method::get;
  std::string target;  // as received: path and query
  std::string path;    // target up to '?'
  std::string query;   // after '?', without it
  std::vector<Header> headers;
  std::string body;
  std::string client_ip;
  bool keep_alive = true;

  // First header with this name, compared case-insensitively.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  // Replaces an existing header of the same name (case-insensitive) or adds one.
  void set_header(std::string_view name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;
};

// Splits a request target into path and query. False if it is not an origin-form target
// (RFC 9112: starts with '/', no fragment, valid percent-encoding and characters).
bool split_target(std::string_view target, std::string& path, std::string& query);

HttpResponse json_response(int status, std::string body);

bool iequals(std::string_view a, std::string_view b);

}  // namespace brandos::api
