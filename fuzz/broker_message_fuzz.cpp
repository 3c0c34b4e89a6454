// Fuzzes what a consumer reads from RabbitMQ: a delivery's routing key, message id and body
// become an event only when the envelope is whole and agrees with how it was routed; anything
// else is refused (and dead-lettered by the subscription), never a crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "infrastructure/amqp/event_message.hpp"

using namespace brandos;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // "<routing key>\n<message id>\n<body>"; missing parts are empty.
  const auto a = input.find('\n');
  const auto b = a == std::string::npos ? std::string::npos : input.find('\n', a + 1);
  const std::string key = input.substr(0, a);
  const std::string id = a == std::string::npos ? "" : input.substr(a + 1, b - a - 1);
  const std::string body = b == std::string::npos ? "" : input.substr(b + 1);
  auto e = amqp::event_from_message(key, id, body);
  if (e) {
    if (e->type != key || e->id.to_string() != id || e->envelope_json != body ||
        e->aggregate_version < 1)
      std::abort();
  }
  return 0;
}
