#include "app/signing_keys.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

void validate_signing_keys(const std::string& text) {
  crypto::parse_signing_keys(text);
}

namespace {

// A 32-byte development secret, generated once into the data directory (0600) with a warning.
std::string development_secret(const std::filesystem::path& data_dir, const std::string& file,
                               const std::string& setting) {
  std::filesystem::create_directories(data_dir);
  const auto path = data_dir / file;
  std::string encoded;
  if (std::ifstream in(path); in) {
    std::getline(in, encoded);
  } else {
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, secret, sizeof secret, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(secret, sizeof secret);
    encoded = b64;
    const mode_t old = umask(077);
    std::ofstream(path) << encoded << "\n";
    umask(old);
  }
  observability::log_warn("development_key")
      .str("setting", setting)
      .str("path", path.string())
      .str("warning",
           "a development key is in use; set " + setting +
               " for any real deployment (BRANDOS_ENV=production refuses to start without it)")
      .write();
  return encoded;
}

std::array<std::uint8_t, 32> exactly_32(const crypto::SigningKey& k, const std::string& setting) {
  if (k.secret.size() != 32)
    throw std::invalid_argument(setting + ": key " + k.kid + " must be 32 bytes");
  std::array<std::uint8_t, 32> out{};
  std::copy(k.secret.begin(), k.secret.end(), out.begin());
  return out;
}

}  // namespace

std::vector<crypto::SigningKey> load_signing_keys(const std::string& configured,
                                                  const std::filesystem::path& data_dir) {
  if (!configured.empty()) return crypto::parse_signing_keys(configured);
  return crypto::parse_signing_keys(
      "dev=" + development_secret(data_dir, "dev-jwt-signing-key", "BRANDOS_JWT_KEYS"));
}

std::vector<crypto::MasterKey> load_master_keys(const std::string& configured,
                                                const std::filesystem::path& data_dir) {
  const std::string text =
      configured.empty()
          ? "dev=" + development_secret(data_dir, "dev-data-master-key", "BRANDOS_DATA_KEYS")
          : configured;
  std::vector<crypto::MasterKey> out;
  for (const auto& k : crypto::parse_signing_keys(text))
    out.push_back({k.kid, exactly_32(k, "BRANDOS_DATA_KEYS")});
  return out;
}

std::array<std::uint8_t, 32> load_email_index_key(const std::string& configured,
                                                  const std::filesystem::path& data_dir) {
  const std::string text = configured.empty() ? development_secret(data_dir, "dev-email-index-key",
                                                                   "BRANDOS_EMAIL_INDEX_KEY")
                                              : configured;
  return exactly_32(crypto::parse_signing_keys("index=" + text).front(), "BRANDOS_EMAIL_INDEX_KEY");
}

}  // namespace brandos::app
