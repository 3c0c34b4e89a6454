#include "infrastructure/crypto/request_fingerprints.hpp"

#include <sodium.h>

namespace brandos::crypto {

std::array<std::uint8_t, 32> Sha256RequestFingerprints::of(std::string_view method,
                                                           std::string_view path,
                                                           std::string_view body) const {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (std::string_view part : {method, std::string_view("\n"), path, std::string_view("\n"), body})
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(part.data()),
                              part.size());
  std::array<std::uint8_t, 32> out{};
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

}  // namespace brandos::crypto
