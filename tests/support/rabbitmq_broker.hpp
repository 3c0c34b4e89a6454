#pragma once
// A real RabbitMQ broker for tests (Debian's rabbitmq-server): its own node name, a free port on
// 127.0.0.1, and its data in a temporary directory, so a restart keeps durable queues and
// persistent messages. Stopped (and its directory removed) on destruction.
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace brandos::testing {

class RabbitMqBroker {
 public:
  RabbitMqBroker();
  ~RabbitMqBroker();
  RabbitMqBroker(const RabbitMqBroker&) = delete;
  RabbitMqBroker& operator=(const RabbitMqBroker&) = delete;

  // Starts the node and waits (up to 90 s) until it accepts an AMQP login; throws otherwise.
  void start();
  // Stops the node (SIGTERM, then SIGKILL after 30 s) and waits for it to be gone.
  void stop();
  std::string url() const;
  unsigned short port() const { return port_; }

 private:
  std::string dir_;
  std::string node_;
  unsigned short port_ = 0;
  unsigned short dist_port_ = 0;
  pid_t pid_ = -1;
};

// A message read back from a queue the test bound to brandos.events.
struct ObservedEvent {
  std::string routing_key;
  std::string message_id;
  std::string tenant_id;               // header
  std::string traceparent;             // header
  std::string aggregate_id;            // header
  std::int64_t aggregate_version = 0;  // header
  bool persistent = false;
  bool redelivered = false;
  std::string body;
};

// A durable queue of the test's, bound to brandos.events with `keys`, read with acks.
class EventQueueReader {
 public:
  EventQueueReader(unsigned short port, std::string queue, std::vector<std::string> keys);
  ~EventQueueReader();
  // What arrives until `quiet` passes with nothing new (or `bound` passes); acked as read.
  std::vector<ObservedEvent> drain(std::chrono::milliseconds quiet,
                                   std::chrono::milliseconds bound);

 private:
  void connect();
  unsigned short port_;
  std::string queue_;
  std::vector<std::string> keys_;
  void* session_ = nullptr;  // amqp::AmqpSession
};

}  // namespace brandos::testing
