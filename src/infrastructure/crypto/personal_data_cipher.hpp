#pragma once
// PersonalDataCipher on libsodium: XChaCha20-Poly1305 (random 192-bit nonces, so no nonce
// bookkeeping) for data keys and fields, HMAC-SHA256 for the e-mail blind index. Master keys come
// from BRANDOS_DATA_KEYS (the first wraps new data keys; all unwrap, so keys rotate); the index
// key from BRANDOS_EMAIL_INDEX_KEY (it must never change: it would orphan every index).
#include <array>
#include <string>
#include <vector>

#include "application/ports/personal_data_cipher.hpp"

namespace brandos::crypto {

struct MasterKey {
  std::string kid;
  std::array<std::uint8_t, 32> key;
};

class SodiumPersonalDataCipher final : public application::PersonalDataCipher {
 public:
  SodiumPersonalDataCipher(std::vector<MasterKey> masters, std::array<std::uint8_t, 32> index_key);
  ~SodiumPersonalDataCipher() override;

  application::WrappedKey new_data_key(const domain::Uuid& tenant,
                                       const domain::Uuid& customer) override;
  application::Bytes seal(const application::WrappedKey& key, const domain::Uuid& tenant,
                          const domain::Uuid& customer, std::string_view field,
                          std::string_view plaintext) override;
  std::optional<std::string> open(const application::WrappedKey& key, const domain::Uuid& tenant,
                                  const domain::Uuid& customer, std::string_view field,
                                  const application::Bytes& ciphertext) override;
  application::Bytes email_index(const domain::Uuid& tenant,
                                 std::string_view normalised_email) override;

 private:
  std::optional<std::array<std::uint8_t, 32>> unwrap(const application::WrappedKey& key,
                                                     const domain::Uuid& tenant,
                                                     const domain::Uuid& customer) const;
  std::vector<MasterKey> masters_;
  std::array<std::uint8_t, 32> index_key_;
};

}  // namespace brandos::crypto
