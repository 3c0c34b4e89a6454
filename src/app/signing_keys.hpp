#pragma once
// Where access-token signing keys come from: BRANDOS_JWT_KEYS, or — outside production — a
// development key generated once into the data directory (with a loud warning), so tokens
// survive restarts of a development server.
#include <filesystem>
#include <string>
#include <vector>

#include "infrastructure/crypto/jwt_token_service.hpp"
#include "infrastructure/crypto/personal_data_cipher.hpp"

namespace brandos::app {

// Throws std::invalid_argument naming what is wrong.
void validate_signing_keys(const std::string& text);

std::vector<crypto::SigningKey> load_signing_keys(const std::string& configured,
                                                  const std::filesystem::path& data_dir);

// Master keys for customers' data keys (BRANDOS_DATA_KEYS, kid=base64 of exactly 32 bytes) and
// the e-mail blind-index key (BRANDOS_EMAIL_INDEX_KEY, base64 of 32 bytes); development keys in
// the data directory when unset.
std::vector<crypto::MasterKey> load_master_keys(const std::string& configured,
                                                const std::filesystem::path& data_dir);
std::array<std::uint8_t, 32> load_email_index_key(const std::string& configured,
                                                  const std::filesystem::path& data_dir);

}  // namespace brandos::app
