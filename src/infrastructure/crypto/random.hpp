#pragma once
// IdGenerator on libsodium's CSPRNG (getrandom(2) underneath) and the system clock.
#include "application/ports/id_generator.hpp"

namespace brandos::crypto {

// Call once at start-up before any thread uses libsodium; throws if libsodium cannot start.
void initialise_sodium();

class SodiumIdGenerator final : public application::IdGenerator {
 public:
  domain::Uuid new_id() override;
  void fill_random(std::span<std::uint8_t> out) override;
};

}  // namespace brandos::crypto
