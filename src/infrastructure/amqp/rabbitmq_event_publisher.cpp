#include "infrastructure/amqp/rabbitmq_event_publisher.hpp"

#include <sys/time.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "application/events/tenant_events.hpp"
#include "infrastructure/observability/log.hpp"
#include "infrastructure/observability/trace_parent.hpp"

namespace brandos::amqp {

namespace asio = boost::asio;
using application::Outcome;
using Clock = std::chrono::steady_clock;

namespace {

amqp_bytes_t bytes(const std::string& s) {
  return amqp_bytes_t{s.size(), const_cast<char*>(s.data())};
}

amqp_table_entry_t text_entry(const char* key, const std::string& value) {
  amqp_table_entry_t e;
  e.key = amqp_cstring_bytes(key);
  e.value.kind = AMQP_FIELD_KIND_UTF8;
  e.value.value.bytes = bytes(value);
  return e;
}

}  // namespace

RabbitMqEventPublisher::RabbitMqEventPublisher(BrokerAddress address,
                                               observability::Registry& registry,
                                               application::CircuitBreaker* breaker,
                                               observability::SpanExporter* spans)
    : address_(std::move(address)),
      breaker_(breaker),
      spans_(spans),
      returned_(registry.counter("amqp_returned_total",
                                 "Events the broker returned as unroutable (published again).")),
      nacked_(registry.counter("amqp_nacked_total", "Events the broker refused to confirm.")),
      connection_failures_(registry.counter("amqp_connection_failures_total",
                                            "RabbitMQ connections of the publisher that failed.")),
      thread_([this] { run(); }) {}

RabbitMqEventPublisher::~RabbitMqEventPublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

asio::awaitable<Outcome<std::size_t>> RabbitMqEventPublisher::publish(
    const application::OperationContext& ctx, std::span<const application::PublishedEvent> events) {
  struct Waiting {
    explicit Waiting(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    std::optional<Outcome<std::size_t>> result;
  };
  auto executor = co_await asio::this_coro::executor;
  auto waiting = std::make_shared<Waiting>(executor);
  waiting->timer.expires_at(Clock::time_point::max());
  Batch batch;
  batch.events.assign(events.begin(), events.end());
  batch.deadline = std::min(ctx.deadline, Clock::now() + std::chrono::seconds(10));
  batch.done = [waiting, executor](Outcome<std::size_t> r) {
    asio::post(executor, [waiting, r = std::move(r)]() mutable {
      waiting->result = std::move(r);
      waiting->timer.cancel();
    });
  };
  {
    std::lock_guard lock(mutex_);
    if (stopping_) co_return std::unexpected(application::failures::unavailable());
    batches_.push_back(std::move(batch));
  }
  wake_.notify_one();
  // The thread answers every batch (the destructor drains them), so this wait ends.
  while (!waiting->result) co_await waiting->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return std::move(*waiting->result);
}

void RabbitMqEventPublisher::run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !batches_.empty(); });
      if (batches_.empty()) break;  // stopping, nothing left
      batch = std::move(batches_.front());
      batches_.pop_front();
      if (stopping_) {
        lock.unlock();
        batch.done(std::unexpected(application::failures::unavailable()));
        continue;
      }
    }
    application::CircuitBreaker::Permit permit{true, false, {}, 0};
    if (breaker_ != nullptr) {
      permit = breaker_->admit();
      if (!permit.allowed) {
        batch.done(std::unexpected(application::failures::unavailable(
            "RabbitMQ is down (its circuit breaker is open).",
            application::retry_after_seconds(permit.retry_after))));
        continue;
      }
    }
    try {
      if (!session_) {
        session_ =
            std::make_unique<AmqpSession>(address_, std::chrono::seconds(2), "brandos-relay");
        session_->declare_topology();
        session_->confirm_select();
        next_tag_ = 1;
        observability::log_info("amqp_connected").str("role", "publisher").write();
      }
      const std::size_t confirmed = publish_and_confirm(*session_, batch);
      if (breaker_ != nullptr) breaker_->succeeded(permit);
      batch.done(confirmed);
    } catch (const AmqpError& e) {
      if (breaker_ != nullptr) breaker_->failed(permit);
      session_.reset();
      connection_failures_.inc();
      observability::log_warn("amqp_publish_failed").str("error", e.what()).write();
      auto f = application::failures::unavailable();
      f.detail = std::string("RabbitMQ: ") + e.what();
      batch.done(std::unexpected(std::move(f)));
    }
  }
  session_.reset();
}

std::size_t RabbitMqEventPublisher::publish_and_confirm(AmqpSession& session, const Batch& batch) {
  // Each publish is a span of the event's trace (the writing request's, or the one named by the
  // event), and the message carries that span as its traceparent. A publish that fails is
  // recorded too, as an error.
  PublishTraces traces;
  traces.started_ns = observability::unix_ns_now();
  for (const auto& e : batch.events) {
    auto parent = observability::parse_trace_parent(e.traceparent);
    if (!parent) parent = observability::parse_trace_parent(application::event_traceparent(e.id));
    traces.spans.push_back(parent ? std::optional(parent->child(observability::new_span_id()))
                                  : std::nullopt);
    traces.parents.push_back(std::move(parent));
  }
  std::size_t confirmed = 0;
  try {
    confirmed = send_and_confirm(session, batch, traces);
  } catch (...) {
    record_publish_spans(batch, traces, 0);
    throw;
  }
  record_publish_spans(batch, traces, confirmed);
  return confirmed;
}

std::size_t RabbitMqEventPublisher::send_and_confirm(AmqpSession& session, const Batch& batch,
                                                     const PublishTraces& traces) {
  auto* conn = session.state();
  const std::uint64_t first = next_tag_;
  const std::string exchange = kEventsExchange;
  const std::string content_type = "application/json";
  const auto& spans = traces.spans;
  for (std::size_t k = 0; k < batch.events.size(); ++k) {
    const auto& e = batch.events[k];
    const std::string id = e.id.to_string(), tenant = e.tenant_id.to_string(),
                      aggregate = e.aggregate_id.to_string(),
                      traceparent =
                          spans[k] ? spans[k]->header() : application::event_traceparent(e.id);
    amqp_table_entry_t headers[4] = {text_entry("tenant_id", tenant),
                                     text_entry("traceparent", traceparent),
                                     text_entry("aggregate_id", aggregate),
                                     {}};
    headers[3].key = amqp_cstring_bytes("aggregate_version");
    headers[3].value.kind = AMQP_FIELD_KIND_I64;
    headers[3].value.value.i64 = e.aggregate_version;
    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
                   AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.content_type = bytes(content_type);
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.message_id = bytes(id);
    props.type = bytes(e.type);
    props.headers = amqp_table_t{4, headers};
    const int rc =
        amqp_basic_publish(conn, AmqpSession::kChannel, bytes(exchange), bytes(e.type),
                           /*mandatory=*/1, /*immediate=*/0, &props, bytes(e.envelope_json));
    if (rc != AMQP_STATUS_OK) throw AmqpError(std::string("publish: ") + amqp_error_string2(rc));
    ++next_tag_;
  }
  const std::size_t n = batch.events.size();
  std::vector<char> settled(n, 0), acked(n, 0);
  std::set<std::string> returned;
  std::size_t open = n;
  auto settle = [&](std::uint64_t tag, bool multiple, bool ack) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t t = first + i;
      if ((multiple ? t <= tag : t == tag) && !settled[i]) {
        settled[i] = 1;
        acked[i] = ack ? 1 : 0;
        --open;
        if (!ack) nacked_.inc();
      }
    }
  };
  while (open > 0) {
    const auto left = batch.deadline - Clock::now();
    if (left <= Clock::duration::zero()) break;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(conn, &frame, &tv);
    if (rc == AMQP_STATUS_TIMEOUT) break;
    if (rc != AMQP_STATUS_OK) throw AmqpError(std::string("confirm: ") + amqp_error_string2(rc));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* a = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
        settle(a->delivery_tag, a->multiple, true);
        break;
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* a = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
        settle(a->delivery_tag, a->multiple, false);
        break;
      }
      case AMQP_BASIC_RETURN_METHOD: {
        // The returned message's header and body follow; its ack comes after them.
        amqp_message_t message;
        auto r = amqp_read_message(conn, frame.channel, &message, 0);
        if (r.reply_type != AMQP_RESPONSE_NORMAL) throw AmqpError("reading a returned message");
        if (message.properties._flags & AMQP_BASIC_MESSAGE_ID_FLAG)
          returned.emplace(static_cast<const char*>(message.properties.message_id.bytes),
                           message.properties.message_id.len);
        amqp_destroy_message(&message);
        returned_.inc();
        break;
      }
      case AMQP_CHANNEL_CLOSE_METHOD:
      case AMQP_CONNECTION_CLOSE_METHOD:
        throw AmqpError("the broker closed the channel");
      default:
        break;
    }
  }
  amqp_maybe_release_buffers(conn);
  std::size_t prefix = 0;
  while (prefix < n && acked[prefix] && !returned.contains(batch.events[prefix].id.to_string()))
    ++prefix;
  return prefix;
}

void RabbitMqEventPublisher::record_publish_spans(const Batch& batch, const PublishTraces& traces,
                                                  std::size_t confirmed) const {
  if (spans_ == nullptr) return;
  const std::uint64_t ended_ns = observability::unix_ns_now();
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const auto& span = traces.spans[i];
    if (!span || !spans_->sampled(span->trace_id)) continue;
    const auto& e = batch.events[i];
    observability::Span s;
    s.trace_id = span->trace_id;
    s.span_id = span->span_id;
    s.parent_span_id = traces.parents[i]->span_id;
    s.name = "publish " + e.type;
    s.kind = observability::Span::Kind::producer;
    s.start_unix_ns = traces.started_ns;
    s.end_unix_ns = ended_ns;
    s.attributes = {{"messaging.system", "rabbitmq"},
                    {"messaging.destination.name", kEventsExchange},
                    {"messaging.message.id", e.id.to_string()},
                    {"brandos.tenant_id", e.tenant_id.to_string()}};
    s.error = i >= confirmed;  // not confirmed: published again later
    spans_->record(std::move(s));
  }
}

}  // namespace brandos::amqp
