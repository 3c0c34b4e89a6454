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

std::vector<crypto::SigningKey> load_signing_keys(const std::string& configured,
                                                  const std::filesystem::path& data_dir) {
  if (!configured.empty()) return crypto::parse_signing_keys(configured);
  std::filesystem::create_directories(data_dir);
  const auto path = data_dir / "dev-jwt-signing-key";
  std::string encoded;
  if (std::ifstream in(path); in) {
    std::getline(in, encoded);
  } else {
    unsigned char secret[32];
    randombytes_buf(secret, sizeof secret);
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, secret, sizeof secret, sodium_base64_VARIANT_ORIGINAL);
    encoded = b64;
    const mode_t old = umask(077);
    std::ofstream(path) << encoded << "\n";
    umask(old);
  }
  observability::log_warn("development_signing_key")
      .str("path", path.string())
      .str("warning",
           "access tokens are signed with a development key; set BRANDOS_JWT_KEYS for any real "
           "deployment (BRANDOS_ENV=production refuses to start without it)")
      .write();
  return crypto::parse_signing_keys("dev=" + encoded);
}

}  // namespace brandos::app
