#pragma once
// Ports of the event stream: the outbox as the relay sees it (across tenants), where events are
// published (a broker, or this process), and who consumes them.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "application/failure.hpp"
#include "application/operation_context.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

// An event as it leaves the outbox: its identity and routing, and the envelope of API.md
// ({"id","type","tenant_id","occurred_at","aggregate_id","aggregate_version","data"}) as sent.
struct PublishedEvent {
  domain::Uuid id;
  domain::Uuid tenant_id;
  std::string type;
  domain::Uuid aggregate_id;
  int aggregate_version = 1;
  std::string envelope_json;
  std::string occurred_at;  // RFC 3339, as in the envelope (when the change committed, about)
  // W3C traceparent the event's handling continues: from the outbox, the operation that wrote
  // it; after the broker, the publish span's. Empty when none (a job's event): the trace named
  // by the event id stands in (event_traceparent).
  std::string traceparent;
};

class OutboxFeed {
 public:
  virtual ~OutboxFeed() = default;
  // The oldest unpublished events of every tenant, in the order they were written (each
  // aggregate's versions in order), at most `limit`.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<PublishedEvent>>> unpublished(
      const OperationContext& ctx, int limit) = 0;
  // Marks events published; fenced by ctx.fence (conflict "lease-lost" once it is stale).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::int64_t>> mark_published(
      const OperationContext& ctx, const std::vector<domain::Uuid>& ids) = 0;
  // Deletes up to `limit` events published longer than `older_than` ago; fenced. How many went.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::int64_t>> prune_published(
      const OperationContext& ctx, std::chrono::seconds older_than, int limit) = 0;
  // Deletes up to `limit` inbox entries older than `older_than` (7 days at least); fenced.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::int64_t>> reap_inbox(
      const OperationContext& ctx, std::chrono::seconds older_than, int limit) = 0;
};

class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  // Publishes `events` in order and waits for them to be confirmed. How many of them, from the
  // first, are confirmed (the rest are published again later: delivery is at least once).
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::size_t>> publish(
      const OperationContext& ctx, std::span<const PublishedEvent> events) = 0;
};

// A consumer applies events in the same unit of work as its inbox entries, so an event delivered
// twice takes effect once.
class EventConsumer {
 public:
  virtual ~EventConsumer() = default;
  virtual std::string_view name() const = 0;  // its inbox name: [a-z0-9-]{1,64}
  // The event types it applies (others are not delivered to it); the broker's bindings.
  virtual const std::vector<std::string>& types() const = 0;
  virtual bool wants(std::string_view type) const {
    for (const auto& t : types())
      if (t == type) return true;
    return false;
  }
  // Applies `events` (any tenants, in the stream's order); success once all took effect (or had
  // before). A failure means none or some did: the events come again.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<void>> apply(
      const OperationContext& ctx, std::span<const PublishedEvent> events) = 0;
};

}  // namespace brandos::application
