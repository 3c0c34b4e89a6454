#include "infrastructure/local/in_process_event_publisher.hpp"

namespace brandos::local {

namespace asio = boost::asio;
using application::Outcome;

asio::awaitable<Outcome<std::size_t>> InProcessEventPublisher::publish(
    const application::OperationContext& ctx, std::span<const application::PublishedEvent> events) {
  for (auto* consumer : consumers_) {
    std::vector<application::PublishedEvent> wanted;
    for (const auto& e : events)
      if (consumer->wants(e.type)) wanted.push_back(e);
    if (wanted.empty()) continue;
    auto applied = co_await consumer->apply(ctx, wanted);
    if (!applied) co_return std::unexpected(std::move(applied.error()));
  }
  co_return events.size();
}

}  // namespace brandos::local
