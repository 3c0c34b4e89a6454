#pragma once
// Feeds one EventConsumer from its own durable queue on RabbitMQ (brandos.<consumer>, bound to
// the consumer's event types, dead-lettering to brandos.events.dlx), on a thread of its own.
// Deliveries are handed to the consumer in batches on an I/O thread's executor and acknowledged
// only after the consumer's unit of work committed; a failure puts them back for redelivery
// (the inbox absorbs what had already taken effect). A message that is not a well-formed event,
// or that makes the consumer throw (a bug) when applied alone, is dead-lettered and counted.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <thread>

#include "application/ports/event_stream.hpp"
#include "infrastructure/amqp/amqp_session.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::amqp {

class RabbitMqEventSubscription {
 public:
  // `types`: the routing keys the queue is bound to.
  RabbitMqEventSubscription(BrokerAddress address, application::EventConsumer& consumer,
                            std::vector<std::string> types, boost::asio::any_io_executor executor,
                            observability::Registry& registry);
  ~RabbitMqEventSubscription();  // stops and joins the thread
  void start();
  // Asks the thread to stop; it does within a consume timeout (a batch being applied is left to
  // its unit of work: unacknowledged, it is redelivered).
  void stop();

 private:
  struct Delivery;
  void run();
  void consume(AmqpSession& session);
  // Applies events on the executor and waits for the outcome; throws what the consumer threw.
  application::Outcome<void> apply(const std::vector<application::PublishedEvent>& events);

  BrokerAddress address_;
  application::EventConsumer& consumer_;
  std::vector<std::string> types_;
  boost::asio::any_io_executor executor_;
  observability::Counter& applied_;
  observability::Counter& dead_lettered_;
  observability::Counter& redelivered_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace brandos::amqp
