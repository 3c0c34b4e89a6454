#pragma once
// One blocking RabbitMQ connection (rabbitmq-c) with one channel, and the topology every BrandOS
// node declares on it (idempotently):
//
//   brandos.events           topic, durable; routing key = event type. Its alternate exchange
//                            takes what no queue is bound for, so `mandatory` returns mean a
//                            real failure, not "nobody listens to product.created".
//   brandos.events.unrouted  fanout -> queue brandos.events.unrouted (kept 7 days at most)
//   brandos.events.dlx       fanout -> queue brandos.events.dead: what consumers rejected
//
// rabbitmq-c blocks: a session belongs to one thread of its own (ARCHITECTURE.md), never an I/O
// thread. Every call throws AmqpError on failure; the session is then unusable.
#include <amqp.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace brandos::amqp {

struct AmqpError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BrokerAddress {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
};

// amqp://user:pass@host:port/vhost (percent-decoded); nullopt-like: throws std::invalid_argument
// naming what is wrong.
BrokerAddress parse_amqp_url(const std::string& url);

inline constexpr const char* kEventsExchange = "brandos.events";
inline constexpr const char* kDeadLetterExchange = "brandos.events.dlx";

class AmqpSession {
 public:
  // `heartbeat_s` 0: none. rabbitmq-c answers heartbeats only inside its own calls, so a session
  // that waits elsewhere between uses (the publisher) must not ask for them.
  AmqpSession(const BrokerAddress& address, std::chrono::milliseconds connect_timeout,
              const std::string& connection_name, int heartbeat_s = 30);
  ~AmqpSession();
  AmqpSession(const AmqpSession&) = delete;
  AmqpSession& operator=(const AmqpSession&) = delete;

  amqp_connection_state_t state() { return conn_; }
  static constexpr amqp_channel_t kChannel = 1;

  void declare_topology();
  // A durable queue for a consumer, dead-lettering to brandos.events.dlx, bound to `keys`.
  void declare_consumer_queue(const std::string& queue, const std::vector<std::string>& keys);
  void confirm_select();
  // Throws when the last synchronous call failed.
  void check(const char* what);

 private:
  void open(const BrokerAddress& address, std::chrono::milliseconds connect_timeout,
            const std::string& connection_name, int heartbeat_s);
  amqp_connection_state_t conn_ = nullptr;
  bool channel_open_ = false;
};

}  // namespace brandos::amqp
