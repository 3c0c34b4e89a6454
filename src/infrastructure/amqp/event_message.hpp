#pragma once
// An event as a RabbitMQ message, both ways: the routing key, message id and headers the relay
// publishes with (API.md), and the event a consumer reads back from a delivery. What comes from
// the broker is checked whole before anything acts on it: the envelope's id, type and tenant must
// agree with how the message was routed.
#include <optional>
#include <string>
#include <string_view>

#include "application/ports/event_stream.hpp"

namespace brandos::amqp {

// The event of a delivery, or nullopt when the message is not a well-formed BrandOS event (the
// consumer dead-letters it).
std::optional<application::PublishedEvent> event_from_message(std::string_view routing_key,
                                                              std::string_view message_id,
                                                              std::string_view body);

}  // namespace brandos::amqp
