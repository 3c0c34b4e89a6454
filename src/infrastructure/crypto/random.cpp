#include "infrastructure/crypto/random.hpp"

#include <sodium.h>
#include <algorithm>
#include <atomic>

#include <chrono>
#include <stdexcept>

namespace brandos::crypto {

void initialise_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

// UUIDv7 with a 12-bit counter in rand_a (RFC 9562, section 6.2, method 1), process-wide: ids made
// one after the other sort in that order even within one millisecond, so "newest first" (keyset
// pages by id) holds for rows created back to back. 4,096 ids in one millisecond borrow the next.
domain::Uuid SodiumIdGenerator::new_id() {
  static std::atomic<std::uint64_t> last{0};  // unix_ms << 12 | counter
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
  std::uint64_t prev = last.load(std::memory_order_relaxed);
  std::uint64_t next = 0;
  do {
    next = std::max(ms << 12, prev + 1);
  } while (!last.compare_exchange_weak(prev, next, std::memory_order_relaxed));
  std::array<std::uint8_t, 10> rnd{};
  randombytes_buf(rnd.data(), rnd.size());
  rnd[0] = static_cast<std::uint8_t>((next >> 8) & 0x0F);
  rnd[1] = static_cast<std::uint8_t>(next & 0xFF);
  return domain::Uuid::v7(next >> 12, rnd);
}

void SodiumIdGenerator::fill_random(std::span<std::uint8_t> out) {
  randombytes_buf(out.data(), out.size());
}

}  // namespace brandos::crypto
