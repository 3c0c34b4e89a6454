#pragma once
// The outbox relay's step: the next events the outbox holds, published in order, and those the
// publisher confirmed marked published, fenced by the relay's lease. Delivery is at least once:
// an event published but not marked (a crash, a lost lease, a failed mark) is published again.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "application/ports/event_stream.hpp"

namespace brandos::application {

struct RelayStep {
  std::size_t read = 0;       // events taken from the outbox
  std::size_t published = 0;  // confirmed and marked published
  // For the commit-to-confirm latency: when each published event's change happened, and when
  // the publisher confirmed them (unix µs).
  std::vector<std::int64_t> published_occurred_us;
  std::int64_t confirmed_at_us = 0;
};

class RelayOutbox {
 public:
  RelayOutbox(
      OutboxFeed& feed, EventPublisher& publisher, int batch,
      std::function<std::int64_t()> unix_now_us = [] { return std::int64_t{0}; })
      : feed_(feed), publisher_(publisher), batch_(batch), unix_now_us_(std::move(unix_now_us)) {}
  // One step under ctx.fence. A step that read a full batch should be followed by another at
  // once.
  [[nodiscard]] boost::asio::awaitable<Outcome<RelayStep>> operator()(
      const OperationContext& ctx) const;
  int batch() const { return batch_; }
  // When the oldest event known to wait in the outbox happened (unix µs), as of the last step
  // (also a failed one); 0 when the last step left none waiting. Thread-safe.
  std::int64_t oldest_unpublished_us() const {
    return oldest_unpublished_us_.load(std::memory_order_relaxed);
  }
  // When this node last ran a step (unix µs; 0: never): a node that stopped leading the relay
  // stops stepping, and what it last saw goes stale.
  std::int64_t last_step_us() const { return last_step_us_.load(std::memory_order_relaxed); }

 private:
  OutboxFeed& feed_;
  EventPublisher& publisher_;
  int batch_;
  std::function<std::int64_t()> unix_now_us_;
  mutable std::atomic<std::int64_t> oldest_unpublished_us_{0};
  mutable std::atomic<std::int64_t> last_step_us_{0};
};

}  // namespace brandos::application
