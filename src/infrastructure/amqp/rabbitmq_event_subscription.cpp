#include "infrastructure/amqp/rabbitmq_event_subscription.hpp"

#include <sys/time.h>

#include <boost/asio/co_spawn.hpp>
#include <future>

#include "infrastructure/amqp/event_message.hpp"
#include "infrastructure/observability/log.hpp"
#include "infrastructure/observability/trace_parent.hpp"

namespace brandos::amqp {

namespace asio = boost::asio;
using application::Outcome;
using application::PublishedEvent;

namespace {

constexpr int kPrefetch = 200;
constexpr std::size_t kBatch = 100;
// Within the broker's heartbeat timeout (2 × 30 s): this thread answers no heartbeat while it
// waits for the consumer.
constexpr auto kApplyBound = std::chrono::seconds(20);

std::string text(const amqp_bytes_t& b) {
  return b.len ? std::string(static_cast<const char*>(b.bytes), b.len) : std::string();
}

std::string traceparent_of(const amqp_basic_properties_t& p) {
  if (!(p._flags & AMQP_BASIC_HEADERS_FLAG)) return "";
  for (int i = 0; i < p.headers.num_entries; ++i) {
    const auto& e = p.headers.entries[i];
    if (text(e.key) != "traceparent") continue;
    if (e.value.kind != AMQP_FIELD_KIND_UTF8 && e.value.kind != AMQP_FIELD_KIND_BYTES) return "";
    std::string v = text(e.value.value.bytes);
    return observability::parse_trace_parent(v) ? v : "";
  }
  return "";
}

}  // namespace

struct RabbitMqEventSubscription::Delivery {
  std::uint64_t tag = 0;
  std::optional<PublishedEvent> event;  // empty: not a well-formed event
};

RabbitMqEventSubscription::RabbitMqEventSubscription(BrokerAddress address,
                                                     application::EventConsumer& consumer,
                                                     std::vector<std::string> types,
                                                     asio::any_io_executor executor,
                                                     observability::Registry& registry)
    : address_(std::move(address)),
      consumer_(consumer),
      types_(std::move(types)),
      executor_(std::move(executor)),
      applied_(registry.counter("amqp_consumed_total", "Deliveries a consumer applied and acked.",
                                {{"consumer", std::string(consumer.name())}})),
      dead_lettered_(registry.counter("amqp_dead_lettered_total",
                                      "Deliveries a consumer dead-lettered (malformed or a bug).",
                                      {{"consumer", std::string(consumer.name())}})),
      redelivered_(registry.counter("amqp_redelivered_total",
                                    "Deliveries the broker sent again (the inbox absorbs them).",
                                    {{"consumer", std::string(consumer.name())}})) {}

RabbitMqEventSubscription::~RabbitMqEventSubscription() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void RabbitMqEventSubscription::start() {
  thread_ = std::thread([this] { run(); });
}

void RabbitMqEventSubscription::stop() {
  stopping_ = true;
}

Outcome<void> RabbitMqEventSubscription::apply(const std::vector<PublishedEvent>& events) {
  struct Shared {
    std::vector<PublishedEvent> events;
    std::promise<Outcome<void>> done;
  };
  auto shared = std::make_shared<Shared>();
  shared->events = events;
  auto result = shared->done.get_future();
  asio::co_spawn(
      executor_,
      [this, shared]() -> asio::awaitable<void> {
        application::OperationContext ctx;
        ctx.request_id = "consumer:" + std::string(consumer_.name());
        ctx.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        shared->done.set_value(co_await consumer_.apply(ctx, shared->events));
      },
      [shared](std::exception_ptr e) {
        if (e) shared->done.set_exception(e);
      });
  const auto bound = std::chrono::steady_clock::now() + kApplyBound;
  while (result.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) {
    if (stopping_ || std::chrono::steady_clock::now() >= bound)
      return std::unexpected(application::failures::unavailable());
  }
  return result.get();  // rethrows the consumer's exception
}

void RabbitMqEventSubscription::run() {
  auto backoff = std::chrono::milliseconds(200);
  while (!stopping_) {
    try {
      AmqpSession session(address_, std::chrono::seconds(2),
                          "brandos-" + std::string(consumer_.name()));
      session.declare_topology();
      const std::string queue = "brandos." + std::string(consumer_.name());
      session.declare_consumer_queue(queue, types_);
      amqp_basic_qos(session.state(), AmqpSession::kChannel, 0, kPrefetch, 0);
      session.check("basic.qos");
      amqp_basic_consume(session.state(), AmqpSession::kChannel, amqp_cstring_bytes(queue.c_str()),
                         amqp_empty_bytes, 0, /*no_ack=*/0, 0, amqp_empty_table);
      session.check("basic.consume");
      observability::log_info("amqp_connected").str("role", "consumer").str("queue", queue).write();
      backoff = std::chrono::milliseconds(200);
      consume(session);
    } catch (const AmqpError& e) {
      if (stopping_) break;
      observability::log_warn("amqp_consume_failed")
          .str("consumer", std::string(consumer_.name()))
          .str("error", e.what())
          .write();
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
  }
}

void RabbitMqEventSubscription::consume(AmqpSession& session) {
  auto* conn = session.state();
  while (!stopping_) {
    // A batch: the first delivery waits up to 200 ms; the rest are what is already there.
    std::vector<Delivery> batch;
    while (batch.size() < kBatch) {
      timeval tv{0, batch.empty() ? 200000 : 2000};
      amqp_maybe_release_buffers(conn);
      amqp_envelope_t envelope;
      auto r = amqp_consume_message(conn, &envelope, &tv, 0);
      if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
        break;
      if (r.reply_type != AMQP_RESPONSE_NORMAL) {
        // A channel or connection close, or a broken socket: the session is done.
        throw AmqpError("consume: " + std::string(r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION
                                                      ? amqp_error_string2(r.library_error)
                                                      : "closed by the broker"));
      }
      Delivery d;
      d.tag = envelope.delivery_tag;
      if (envelope.redelivered) redelivered_.inc();
      const std::string message_id = envelope.message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG
                                         ? text(envelope.message.properties.message_id)
                                         : std::string();
      d.event =
          event_from_message(text(envelope.routing_key), message_id, text(envelope.message.body));
      // The publish span's trace continues here (webhook deliveries carry it on); a header that
      // is not a well-formed traceparent is ignored, as W3C asks.
      if (d.event) d.event->traceparent = traceparent_of(envelope.message.properties);
      amqp_destroy_envelope(&envelope);
      batch.push_back(std::move(d));
    }
    if (batch.empty()) continue;

    std::vector<PublishedEvent> events;
    for (auto& d : batch)
      if (d.event && consumer_.wants(d.event->type)) events.push_back(*d.event);
    bool applied = false;
    try {
      auto r = events.empty() ? Outcome<void>{} : apply(events);
      applied = r.has_value();
      if (!r)
        observability::log_warn("event_consumer_failed")
            .str("consumer", std::string(consumer_.name()))
            .str("error", r.error().detail)
            .write();
    } catch (const std::exception& e) {
      // A bug with one of them: apply each alone below, dead-lettering the ones that throw.
      observability::log_error("event_consumer_bug")
          .str("consumer", std::string(consumer_.name()))
          .str("error", e.what())
          .write();
      for (auto& d : batch) {
        if (!d.event || !consumer_.wants(d.event->type)) continue;
        try {
          if (!apply({*d.event})) {
            amqp_basic_nack(conn, AmqpSession::kChannel, d.tag, 0, /*requeue=*/1);
            d.tag = 0;
          }
        } catch (const std::exception&) {
          d.event.reset();  // dead-lettered below
        }
      }
      applied = true;
    }
    for (const auto& d : batch) {
      if (d.tag == 0) continue;
      if (!d.event) {
        amqp_basic_reject(conn, AmqpSession::kChannel, d.tag, /*requeue=*/0);
        dead_lettered_.inc();
      } else if (applied) {
        amqp_basic_ack(conn, AmqpSession::kChannel, d.tag, 0);
        applied_.inc();
      } else {
        amqp_basic_nack(conn, AmqpSession::kChannel, d.tag, 0, /*requeue=*/1);
      }
    }
    if (!applied) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

}  // namespace brandos::amqp
