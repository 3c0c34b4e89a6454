#pragma once
// Port: the fingerprint of a request, compared when an idempotency key comes back (same key,
// other request → 422).
#include <array>
#include <cstdint>
#include <string_view>

namespace brandos::application {

class RequestFingerprints {
 public:
  virtual ~RequestFingerprints() = default;
  // A cryptographic hash of the parts of a request that must match for a replay.
  virtual std::array<std::uint8_t, 32> of(std::string_view method, std::string_view path,
                                          std::string_view body) const = 0;
};

}  // namespace brandos::application
