#pragma once
// The webhook fan-out: for each event, one pending delivery per active endpoint of its tenant
// that subscribed to its type (or to "*"), written in one unit of work with the consumer's inbox
// entries, so a redelivered event queues no second delivery.
#include "application/ports/event_stream.hpp"
#include "application/ports/id_generator.hpp"
#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

class FanOutWebhooks final : public EventConsumer {
 public:
  FanOutWebhooks(TenantData& data, IdGenerator& ids) : data_(data), ids_(ids) {}
  std::string_view name() const override { return "webhook-fan-out"; }
  const std::vector<std::string>& types() const override { return types_; }
  bool wants(std::string_view) const override { return true; }
  [[nodiscard]] boost::asio::awaitable<Outcome<void>> apply(
      const OperationContext& ctx, std::span<const PublishedEvent> events) override;

 private:
  TenantData& data_;
  IdGenerator& ids_;
  std::vector<std::string> types_{"#"};  // every event (a topic binding)
};

}  // namespace brandos::application
