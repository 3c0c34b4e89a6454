#pragma once
// EventPublisher on RabbitMQ (rabbitmq-c), on a thread of its own: each batch is published to
// brandos.events in order (routing key = type, persistent, message_id = event id, headers
// tenant_id, traceparent, aggregate_id, aggregate_version; `mandatory`), then the thread waits
// for the broker's publisher confirms up to the operation's deadline. What is confirmed is the
// longest prefix acknowledged and not returned; the rest is published again by the relay.
//
// A connection that fails is dropped and opened again (with the topology declared) on the next
// batch; while the broker is away each batch fails fast as unavailable.
//
// Each event's publish is a producer span, a child of the event's trace (the request that wrote
// it), and its traceparent header names that span, so consumers continue the same trace.
#include <boost/asio/awaitable.hpp>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "application/ports/event_stream.hpp"
#include "application/resilience/circuit_breaker.hpp"
#include "infrastructure/amqp/amqp_session.hpp"
#include "infrastructure/observability/metrics.hpp"
#include "infrastructure/observability/span_exporter.hpp"
#include "infrastructure/observability/trace_parent.hpp"

namespace brandos::amqp {

class RabbitMqEventPublisher final : public application::EventPublisher {
 public:
  // `breaker` (may be null; must outlive this) guards the broker: while it is open, batches fail
  // at once instead of each waiting out a connect to a broker that is down (ADR 0019).
  // `spans` (may be null: tracing off) receives a span per published event of a sampled trace.
  RabbitMqEventPublisher(BrokerAddress address, observability::Registry& registry,
                         application::CircuitBreaker* breaker = nullptr,
                         observability::SpanExporter* spans = nullptr);
  ~RabbitMqEventPublisher() override;
  boost::asio::awaitable<application::Outcome<std::size_t>> publish(
      const application::OperationContext& ctx,
      std::span<const application::PublishedEvent> events) override;

 private:
  struct Batch {
    std::vector<application::PublishedEvent> events;
    std::chrono::steady_clock::time_point deadline;
    std::function<void(application::Outcome<std::size_t>)> done;
  };
  // Each event's publish span (nullopt: the event has no trace to continue) and its parent.
  struct PublishTraces {
    std::uint64_t started_ns = 0;
    std::vector<std::optional<observability::TraceParent>> parents, spans;
  };
  void run();
  std::size_t publish_and_confirm(AmqpSession& session, const Batch& batch);
  std::size_t send_and_confirm(AmqpSession& session, const Batch& batch,
                               const PublishTraces& traces);
  void record_publish_spans(const Batch& batch, const PublishTraces& traces,
                            std::size_t confirmed) const;

  BrokerAddress address_;
  application::CircuitBreaker* breaker_;
  observability::SpanExporter* spans_;
  observability::Counter& returned_;
  observability::Counter& nacked_;
  observability::Counter& connection_failures_;
  std::unique_ptr<AmqpSession> session_;  // the thread's
  std::uint64_t next_tag_ = 1;            // the channel's next delivery tag
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Batch> batches_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace brandos::amqp
