// Fuzzes access-token verification: arbitrary bytes, and mutations of a valid token, must be
// rejected without crashing; only an untouched token verifies.
#include <sodium.h>

#include <cstdlib>

#include "infrastructure/crypto/jwt_token_service.hpp"

using namespace brandos;

namespace {
crypto::JwtTokenService& service() {
  static crypto::JwtTokenService s = [] {
    if (sodium_init() < 0) std::abort();
    crypto::TokenSettings t;
    t.keys = {{"k1", std::vector<unsigned char>(32, 7)}};
    return crypto::JwtTokenService(t);
  }();
  return s;
}
const std::string& valid_token() {
  static const std::string token = [] {
    application::Principal p;
    p.tenant_id = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
    p.user_id = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000ff");
    return service().issue_access_token(p).token;
  }();
  return token;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)service().verify_access_token(text);
  // Flip bytes of a valid token at positions the input chooses.
  std::string t = valid_token();
  bool changed = false;
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    const std::size_t pos = data[i] % t.size();
    if (t[pos] != static_cast<char>(data[i + 1])) changed = true;
    t[pos] = static_cast<char>(data[i + 1]);
  }
  const auto r = service().verify_access_token(t);
  // Base64url has a few equivalent spellings of the last character's unused bits; anything
  // else that still verifies would be a forgery.
  if (r && changed &&
      t.substr(0, t.rfind('.')) != valid_token().substr(0, valid_token().rfind('.')))
    std::abort();
  return 0;
}
