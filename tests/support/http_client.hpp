#pragma once
// A deliberately small blocking HTTP/1.1 client over a raw TCP socket, for black-box tests that
// must send exactly the bytes they mean (malformed requests, slow clients, pipelining).
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brandos::testing {

struct RawResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
};

class Connection {
 public:
  explicit Connection(unsigned short port);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool send(const std::string& bytes);
  // Reads one response (Content-Length framed); nullopt on timeout or close before a response.
  std::optional<RawResponse> read_response(
      std::chrono::milliseconds timeout = std::chrono::seconds(10), bool head = false);
  // True if the server closes the connection (EOF or reset) within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout);
  bool connected() const { return fd_ >= 0; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// One request on a new connection.
std::optional<RawResponse> http_request(
    unsigned short port, const std::string& method, const std::string& target,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    const std::string& body = "");

// One series of a node's /metrics on its admin port ("name" or "name{labels}", as exposed):
// its value, `absent` when the series is not there, -1 when the node did not answer.
double metric_value(unsigned short admin_port, const std::string& series, double absent = 0);

}  // namespace brandos::testing
