#include "infrastructure/http_client/host_resolver.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace brandos::http_client {

namespace asio = boost::asio;
using asio::ip::tcp;
using Endpoints = std::vector<tcp::endpoint>;

namespace {

constexpr std::size_t kQueueBound = 256;

std::optional<Endpoints> lookup(const std::string& host, const std::string& port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0) return std::nullopt;
  Endpoints out;
  for (auto* a = found; a; a = a->ai_next) {
    tcp::endpoint ep;
    if (a->ai_addrlen > ep.capacity()) continue;
    std::memcpy(ep.data(), a->ai_addr, a->ai_addrlen);
    ep.resize(a->ai_addrlen);
    out.push_back(ep);
  }
  ::freeaddrinfo(found);
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

struct HostResolver::Shared {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::function<void()>> jobs;
  bool closed = false;
};

HostResolver::HostResolver(int threads) : shared_(std::make_shared<Shared>()) {
  for (int i = 0; i < threads; ++i)
    // Detached: a thread stuck in getaddrinfo must not hold up shutdown; it owns the shared
    // state it needs and delivers nothing once closed.
    std::thread([shared = shared_] {
      for (;;) {
        std::function<void()> job;
        {
          std::unique_lock lock(shared->mutex);
          shared->wake.wait(lock, [&] { return shared->closed || !shared->jobs.empty(); });
          if (shared->closed) return;
          job = std::move(shared->jobs.front());
          shared->jobs.pop_front();
        }
        job();
      }
    }).detach();
}

HostResolver::~HostResolver() {
  close();
}

void HostResolver::close() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->closed = true;
    shared_->jobs.clear();
  }
  shared_->wake.notify_all();
}

asio::awaitable<std::optional<Endpoints>> HostResolver::resolve(std::string host, std::string port,
                                                                Clock::time_point deadline) {
  struct Waiting {
    explicit Waiting(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    bool done = false;
    std::optional<Endpoints> result;
  };
  const auto executor = co_await asio::this_coro::executor;
  auto waiting = std::make_shared<Waiting>(executor);
  waiting->timer.expires_at(deadline);
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->closed || shared_->jobs.size() >= kQueueBound) co_return std::nullopt;
    shared_->jobs.push_back([shared = shared_, waiting, executor, host, port] {
      auto found = lookup(host, port);
      // Posted under the lock, so nothing is posted once close() has returned.
      std::lock_guard lock(shared->mutex);
      if (shared->closed) return;
      asio::post(executor, [waiting, found = std::move(found)]() mutable {
        waiting->result = std::move(found);
        waiting->done = true;
        waiting->timer.cancel();
      });
    });
  }
  shared_->wake.notify_one();
  // Ends with the answer or at the deadline, whichever comes first; a late answer is dropped.
  auto [ec] = co_await waiting->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
  if (!waiting->done) co_return std::nullopt;
  co_return std::move(waiting->result);
}

}  // namespace brandos::http_client
