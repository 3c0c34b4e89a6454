#pragma once
// RequestFingerprints as SHA-256 (libsodium) over method, path and body.
#include "application/ports/request_fingerprints.hpp"

namespace brandos::crypto {

class Sha256RequestFingerprints final : public application::RequestFingerprints {
 public:
  std::array<std::uint8_t, 32> of(std::string_view method, std::string_view path,
                                  std::string_view body) const override;
};

}  // namespace brandos::crypto
