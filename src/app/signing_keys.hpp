#pragma once
// Where access-token signing keys come from: BRANDOS_JWT_KEYS, or — outside production — a
// development key generated once into the data directory (with a loud warning), so tokens
// survive restarts of a development server.
#include <filesystem>
#include <string>
#include <vector>

#include "infrastructure/crypto/jwt_token_service.hpp"

namespace brandos::app {

// Throws std::invalid_argument naming what is wrong.
void validate_signing_keys(const std::string& text);

std::vector<crypto::SigningKey> load_signing_keys(const std::string& configured,
                                                  const std::filesystem::path& data_dir);

}  // namespace brandos::app
