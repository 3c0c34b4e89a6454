#pragma once
// Port: the transactional outbox. An event added here commits in the same transaction as the
// change it announces, so no change is ever published without its event or the other way round.
#include <string>
#include <vector>

#include "application/operation_context.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct OutboxEvent {
  domain::Uuid id;
  std::string type;            // "order.created", "product.updated"...
  std::string aggregate_type;  // "order", "product", "customer"
  domain::Uuid aggregate_id;
  int aggregate_version = 1;  // consumers order an aggregate's events by it
  std::string data_json;      // rendered by ResourceDocuments
  // The operation whose trace the event continues, when it is not the unit of work's own (a
  // batch holds many requests' orders). Read only while the event is added.
  const TraceSpan* trace = nullptr;
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Queued; written with the unit of work's next round trip or its commit.
  virtual void add(const OutboxEvent& event) = 0;
  // Queued: many events in one statement.
  virtual void add(const std::vector<OutboxEvent>& events) = 0;
};

}  // namespace brandos::application
