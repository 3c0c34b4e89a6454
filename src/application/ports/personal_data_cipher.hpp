#pragma once
// Port: encryption of customers' personal data (envelope encryption). Each customer has a data
// key, stored only wrapped by a master key (with its id, so master keys rotate). Field
// ciphertexts are bound to (tenant, customer, field): copied to another row or field, they fail
// to decrypt. Thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/uuid.hpp"

namespace brandos::application {

using Bytes = std::vector<std::uint8_t>;

struct WrappedKey {
  std::string key_id;
  Bytes wrapped;
};

class PersonalDataCipher {
 public:
  virtual ~PersonalDataCipher() = default;
  virtual WrappedKey new_data_key(const domain::Uuid& tenant, const domain::Uuid& customer) = 0;
  virtual Bytes seal(const WrappedKey& key, const domain::Uuid& tenant,
                     const domain::Uuid& customer, std::string_view field,
                     std::string_view plaintext) = 0;
  // nullopt if the key or ciphertext does not belong to this tenant, customer and field.
  virtual std::optional<std::string> open(const WrappedKey& key, const domain::Uuid& tenant,
                                          const domain::Uuid& customer, std::string_view field,
                                          const Bytes& ciphertext) = 0;
  // Keyed blind index of a normalised e-mail address, scoped to the tenant.
  virtual Bytes email_index(const domain::Uuid& tenant, std::string_view normalised_email) = 0;
};

}  // namespace brandos::application
