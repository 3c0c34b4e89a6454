#pragma once
// MessageSigner on libsodium's HMAC-SHA256 (webhook signatures).
#include "application/ports/webhooks.hpp"

namespace brandos::crypto {

class HmacSigner final : public application::MessageSigner {
 public:
  std::string hmac_sha256_hex(std::string_view key, std::string_view message) const override;
};

}  // namespace brandos::crypto
