#pragma once
// Port: the source of new identifiers and unpredictable bytes (request ids, trace ids, tokens).
// Implementations must be safe to call from any thread and must use a cryptographic generator:
// ids appear in URLs and must not let one tenant guess another's.
#include <cstdint>
#include <span>

#include "domain/uuid.hpp"

namespace brandos::application {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual domain::Uuid new_id() = 0;  // UUIDv7, time-ordered
  virtual void fill_random(std::span<std::uint8_t> out) = 0;
};

}  // namespace brandos::application
