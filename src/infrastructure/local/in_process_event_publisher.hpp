#pragma once
// EventPublisher for a single node without a broker: "published" means every consumer of this
// process that wants the event has applied it (through its inbox). A consumer that fails holds
// the whole batch back, to be published again; consumers that had applied it absorb the repeat.
#include <vector>

#include "application/ports/event_stream.hpp"

namespace brandos::local {

class InProcessEventPublisher final : public application::EventPublisher {
 public:
  void subscribe(application::EventConsumer& consumer) { consumers_.push_back(&consumer); }
  boost::asio::awaitable<application::Outcome<std::size_t>> publish(
      const application::OperationContext& ctx,
      std::span<const application::PublishedEvent> events) override;

 private:
  std::vector<application::EventConsumer*> consumers_;
};

}  // namespace brandos::local
