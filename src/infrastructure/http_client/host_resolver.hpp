#pragma once
// Name resolution for outbound webhooks that a slow name server cannot stall. getaddrinfo
// blocks and cannot be cancelled (Asio's resolver runs it on one thread per io_context and waits
// for it even when cancelled), so lookups run on a few threads of their own and the caller gives
// up at its deadline: a lookup that hangs is abandoned, not waited for, and holds one of the
// threads at most (beyond the queue bound, lookups fail at once).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace brandos::http_client {

class HostResolver {
 public:
  using Clock = std::chrono::steady_clock;
  explicit HostResolver(int threads = 4);
  ~HostResolver();
  HostResolver(const HostResolver&) = delete;
  HostResolver& operator=(const HostResolver&) = delete;

  // The addresses of host:port, or empty when it does not resolve by `deadline`.
  boost::asio::awaitable<std::optional<std::vector<boost::asio::ip::tcp::endpoint>>> resolve(
      std::string host, std::string port, Clock::time_point deadline);
  // From now on no answer is delivered (call it before the io_contexts go).
  void close();

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace brandos::http_client
