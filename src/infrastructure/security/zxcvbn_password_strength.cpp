#include "infrastructure/security/zxcvbn_password_strength.hpp"

#include <zxcvbn.h>

#include <algorithm>
#include <cctype>

namespace brandos::security {

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

ZxcvbnPasswordStrength::ZxcvbnPasswordStrength() {
  common_.reserve(kCommonPasswordCount);
  for (std::size_t i = 0; i < kCommonPasswordCount; ++i) common_.insert(lower(kCommonPasswords[i]));
}

bool ZxcvbnPasswordStrength::is_common(std::string_view password) const {
  return common_.contains(lower(password));
}

double ZxcvbnPasswordStrength::entropy_bits(std::string_view password,
                                            const std::vector<std::string>& personal_words) const {
  std::vector<const char*> dict;
  for (const auto& w : personal_words)
    if (w.size() >= 3) dict.push_back(w.c_str());
  dict.push_back(nullptr);
  const std::string pw(password);
  // zxcvbn-c keeps no state between calls (its dictionaries are compiled in): thread-safe.
  return ZxcvbnMatch(pw.c_str(), dict.data(), nullptr);
}

}  // namespace brandos::security
