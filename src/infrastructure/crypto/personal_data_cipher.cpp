#include "infrastructure/crypto/personal_data_cipher.hpp"

#include <sodium.h>

#include <stdexcept>

namespace brandos::crypto {

namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

application::Bytes seal_with(const std::uint8_t* key, std::string_view ad, const std::uint8_t* data,
                             std::size_t n) {
  application::Bytes out(kNonce + n + kTag);
  randombytes_buf(out.data(), kNonce);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &len, data, n,
                                             reinterpret_cast<const unsigned char*>(ad.data()),
                                             ad.size(), nullptr, out.data(), key);
  out.resize(kNonce + len);
  return out;
}

bool open_with(const std::uint8_t* key, std::string_view ad, const application::Bytes& sealed,
               std::uint8_t* out, unsigned long long& out_len) {
  if (sealed.size() < kNonce + kTag) return false;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(
             out, &out_len, nullptr, sealed.data() + kNonce, sealed.size() - kNonce,
             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), sealed.data(), key) == 0;
}

std::string key_ad(const domain::Uuid& tenant, const domain::Uuid& customer,
                   const std::string& kid) {
  return "brandos.customer-key|" + tenant.to_string() + "|" + customer.to_string() + "|" + kid;
}

std::string field_ad(const domain::Uuid& tenant, const domain::Uuid& customer,
                     std::string_view field) {
  return "brandos.customer-field|" + tenant.to_string() + "|" + customer.to_string() + "|" +
         std::string(field);
}

}  // namespace

SodiumPersonalDataCipher::SodiumPersonalDataCipher(std::vector<MasterKey> masters,
                                                   std::array<std::uint8_t, 32> index_key)
    : masters_(std::move(masters)), index_key_(index_key) {
  if (masters_.empty()) throw std::invalid_argument("at least one master key is needed");
}

SodiumPersonalDataCipher::~SodiumPersonalDataCipher() {
  for (auto& m : masters_) sodium_memzero(m.key.data(), m.key.size());
  sodium_memzero(index_key_.data(), index_key_.size());
}

application::WrappedKey SodiumPersonalDataCipher::new_data_key(const domain::Uuid& tenant,
                                                               const domain::Uuid& customer) {
  std::array<std::uint8_t, 32> dek{};
  randombytes_buf(dek.data(), dek.size());
  const MasterKey& master = masters_.front();
  application::WrappedKey w{
      master.kid,
      seal_with(master.key.data(), key_ad(tenant, customer, master.kid), dek.data(), dek.size())};
  sodium_memzero(dek.data(), dek.size());
  return w;
}

std::optional<std::array<std::uint8_t, 32>> SodiumPersonalDataCipher::unwrap(
    const application::WrappedKey& key, const domain::Uuid& tenant,
    const domain::Uuid& customer) const {
  for (const auto& m : masters_) {
    if (m.kid != key.key_id) continue;
    std::array<std::uint8_t, 32> dek{};
    unsigned long long len = 0;
    if (key.wrapped.size() != kNonce + dek.size() + kTag) return std::nullopt;
    if (!open_with(m.key.data(), key_ad(tenant, customer, m.kid), key.wrapped, dek.data(), len) ||
        len != dek.size())
      return std::nullopt;
    return dek;
  }
  return std::nullopt;
}

application::Bytes SodiumPersonalDataCipher::seal(const application::WrappedKey& key,
                                                  const domain::Uuid& tenant,
                                                  const domain::Uuid& customer,
                                                  std::string_view field,
                                                  std::string_view plaintext) {
  auto dek = unwrap(key, tenant, customer);
  if (!dek) throw std::runtime_error("customer data key does not unwrap");
  auto out = seal_with(dek->data(), field_ad(tenant, customer, field),
                       reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size());
  sodium_memzero(dek->data(), dek->size());
  return out;
}

std::optional<std::string> SodiumPersonalDataCipher::open(const application::WrappedKey& key,
                                                          const domain::Uuid& tenant,
                                                          const domain::Uuid& customer,
                                                          std::string_view field,
                                                          const application::Bytes& ciphertext) {
  auto dek = unwrap(key, tenant, customer);
  if (!dek || ciphertext.size() < kNonce + kTag) return std::nullopt;
  std::string out(ciphertext.size() - kNonce - kTag, '\0');
  unsigned long long len = 0;
  const bool ok = open_with(dek->data(), field_ad(tenant, customer, field), ciphertext,
                            reinterpret_cast<std::uint8_t*>(out.data()), len);
  sodium_memzero(dek->data(), dek->size());
  if (!ok) return std::nullopt;
  out.resize(len);
  return out;
}

application::Bytes SodiumPersonalDataCipher::email_index(const domain::Uuid& tenant,
                                                         std::string_view normalised_email) {
  const std::string input =
      "brandos.email|" + tenant.to_string() + "|" + std::string(normalised_email);
  application::Bytes out(crypto_auth_hmacsha256_BYTES);
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, index_key_.data(), index_key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()),
                                input.size());
  crypto_auth_hmacsha256_final(&st, out.data());
  return out;
}

}  // namespace brandos::crypto
