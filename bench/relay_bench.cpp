// The relay benchmark's two programs in one (bench/relay.sh runs them):
//
//   relay_bench baseline <amqp port> <seconds>
//     The broker's limit for what the relay does: persistent messages of an order event's size,
//     published in batches of 500 to brandos.events (routed to a durable queue) and confirmed,
//     as fast as it goes. Prints "baseline_msgs_per_s N".
//
//   relay_bench load <http port> <token> <product id> <orders/s> <seconds> <amqp port>
//     Places orders at a steady rate (a schedule per connection, not as fast as possible) and,
//     from a queue bound to order.created, measures commit-to-delivery for each order's event.
//     Prints orders placed and failed, the achieved rate, and p50/p99 of commit-to-delivery.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/timestamp.hpp"
#include "infrastructure/amqp/amqp_session.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using brandos::amqp::AmqpSession;

std::int64_t unix_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

int baseline(int port, int seconds) {
  brandos::amqp::BrokerAddress a;
  a.port = port;
  AmqpSession s(a, std::chrono::seconds(2), "relay-bench-baseline");
  s.declare_topology();
  s.declare_consumer_queue("bench.baseline", {"bench.baseline"});
  s.confirm_select();
  const std::string body(900, 'x');  // about an order.created envelope
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
  props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
  props.message_id = amqp_cstring_bytes("01a20000-0000-7000-8000-000000000000");
  std::uint64_t tag = 0, confirmed = 0;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  const auto start = Clock::now();
  while (Clock::now() < end) {
    for (int i = 0; i < 500; ++i) {
      amqp_basic_publish(s.state(), AmqpSession::kChannel, amqp_cstring_bytes("brandos.events"),
                         amqp_cstring_bytes("bench.baseline"), 1, 0, &props,
                         amqp_bytes_t{body.size(), const_cast<char*>(body.data())});
      ++tag;
    }
    while (confirmed < tag) {
      amqp_frame_t f;
      timeval tv{5, 0};
      if (amqp_simple_wait_frame_noblock(s.state(), &f, &tv) != AMQP_STATUS_OK) return 1;
      if (f.frame_type == AMQP_FRAME_METHOD && f.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        const auto* ack = static_cast<amqp_basic_ack_t*>(f.payload.method.decoded);
        confirmed = ack->multiple ? ack->delivery_tag : std::max(confirmed, ack->delivery_tag);
      }
    }
    amqp_maybe_release_buffers(s.state());
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  amqp_queue_purge(s.state(), AmqpSession::kChannel, amqp_cstring_bytes("bench.baseline"));
  std::printf("baseline_msgs_per_s %.0f\n", static_cast<double>(confirmed) / secs);
  return 0;
}

int connect_http(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One request on a keep-alive connection; the status, or 0 on a broken connection.
int post_order(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return 0;
  std::string in;
  char buf[8192];
  std::size_t header_end = std::string::npos, length = 0;
  for (;;) {
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return 0;
    in.append(buf, static_cast<std::size_t>(n));
    if (header_end == std::string::npos &&
        (header_end = in.find("\r\n\r\n")) != std::string::npos) {
      const auto cl = in.find("Content-Length: ");
      length = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
    }
    if (header_end != std::string::npos && in.size() >= header_end + 4 + length) break;
  }
  return std::stoi(in.substr(9, 3));
}

int load(int http_port, const std::string& token, const std::string& product, int rate, int seconds,
         int amqp_port) {
  // The observer queue exists before the first order.
  brandos::amqp::BrokerAddress a;
  a.port = amqp_port;
  AmqpSession observer(a, std::chrono::seconds(2), "relay-bench-observer");
  observer.declare_topology();
  observer.declare_consumer_queue("bench.observer", {"order.created"});
  amqp_queue_purge(observer.state(), AmqpSession::kChannel, amqp_cstring_bytes("bench.observer"));
  amqp_basic_consume(observer.state(), AmqpSession::kChannel, amqp_cstring_bytes("bench.observer"),
                     amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
  observer.check("basic.consume");
  std::vector<double> delivery_ms;
  std::atomic<bool> loading{true};
  std::thread consumer([&] {
    auto quiet_since = Clock::now();
    while (loading || Clock::now() - quiet_since < std::chrono::seconds(3)) {
      amqp_maybe_release_buffers(observer.state());
      amqp_envelope_t env;
      timeval tv{0, 100000};
      auto r = amqp_consume_message(observer.state(), &env, &tv, 0);
      if (r.reply_type != AMQP_RESPONSE_NORMAL) continue;
      const auto now = unix_us();
      quiet_since = Clock::now();
      boost::system::error_code ec;
      auto v = boost::json::parse(
          std::string_view(static_cast<const char*>(env.message.body.bytes), env.message.body.len),
          ec);
      if (!ec && v.is_object())
        if (const auto* at = v.as_object().if_contains("occurred_at"); at && at->is_string())
          if (auto t = brandos::domain::parse_rfc3339_us(at->as_string()))
            delivery_ms.push_back(static_cast<double>(now - *t) / 1000.0);
      amqp_destroy_envelope(&env);
    }
  });

  const int conns = std::max(4, rate / 50);  // each paces itself at rate / conns
  const auto interval = std::chrono::duration<double>(static_cast<double>(conns) / rate);
  std::atomic<long> ok{0}, failed{0};
  std::mutex mutex;
  std::vector<double> http_ms;
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  const auto end = start + std::chrono::seconds(seconds);
  std::vector<std::thread> clients;
  for (int c = 0; c < conns; ++c)
    clients.emplace_back([&, c] {
      int fd = connect_http(http_port);
      std::vector<double> mine;
      auto next = start + std::chrono::duration_cast<Clock::duration>(interval * c / conns);
      for (long i = 0; next < end; ++i) {
        std::this_thread::sleep_until(next);
        next += std::chrono::duration_cast<Clock::duration>(interval);
        const std::string body = R"({"items":[{"product_id":")" + product + R"(","quantity":1}]})";
        const std::string req =
            "POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
            "\r\nContent-Type: application/json\r\nIdempotency-Key: b-" + std::to_string(c) + "-" +
            std::to_string(i) + "-" + std::to_string(unix_us()) +
            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        const auto sent = Clock::now();
        int status = fd >= 0 ? post_order(fd, req) : 0;
        if (status == 0) {  // reconnect once
          if (fd >= 0) ::close(fd);
          fd = connect_http(http_port);
          status = fd >= 0 ? post_order(fd, req) : 0;
        }
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        (status == 201 ? ok : failed)++;
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard lock(mutex);
      http_ms.insert(http_ms.end(), mine.begin(), mine.end());
    });
  for (auto& t : clients) t.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  loading = false;
  consumer.join();
  std::printf("orders_ok %ld\norders_failed %ld\nachieved_orders_per_s %.0f\n", ok.load(),
              failed.load(), static_cast<double>(ok.load()) / secs);
  std::printf("http_p50_ms %.2f\nhttp_p99_ms %.2f\n", percentile(http_ms, 0.5),
              percentile(http_ms, 0.99));
  std::printf(
      "events_delivered %zu\ncommit_to_delivery_p50_ms %.2f\ncommit_to_delivery_p99_ms %.2f\n",
      delivery_ms.size(), percentile(delivery_ms, 0.5), percentile(delivery_ms, 0.99));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (a.size() == 3 && a[0] == "baseline") return baseline(std::stoi(a[1]), std::stoi(a[2]));
    if (a.size() == 7 && a[0] == "load")
      return load(std::stoi(a[1]), a[2], a[3], std::stoi(a[4]), std::stoi(a[5]), std::stoi(a[6]));
  } catch (const std::exception& e) {
    std::cerr << "relay_bench: " << e.what() << "\n";
    return 1;
  }
  std::cerr << "usage: relay_bench baseline <amqp port> <seconds> | load <http port> <token> "
               "<product> <orders/s> <seconds> <amqp port>\n";
  return 2;
}
