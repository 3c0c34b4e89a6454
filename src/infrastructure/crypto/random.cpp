#include "infrastructure/crypto/random.hpp"

#include <sodium.h>

#include <chrono>
#include <stdexcept>

namespace brandos::crypto {

void initialise_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

domain::Uuid SodiumIdGenerator::new_id() {
  std::array<std::uint8_t, 10> rnd{};
  randombytes_buf(rnd.data(), rnd.size());
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  return domain::Uuid::v7(static_cast<std::uint64_t>(ms), rnd);
}

void SodiumIdGenerator::fill_random(std::span<std::uint8_t> out) {
  randombytes_buf(out.data(), out.size());
}

}  // namespace brandos::crypto
