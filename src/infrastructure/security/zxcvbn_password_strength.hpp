#pragma once
// PasswordStrength on zxcvbn-c (Debian libzxcvbn) for the guessing estimate, and the common
// password list of Openwall's John the Ripper (Debian john-data, 3,500+ entries), embedded in
// the binary at build time.
#include <string>
#include <unordered_set>

#include "application/ports/password_strength.hpp"

namespace brandos::security {

class ZxcvbnPasswordStrength final : public application::PasswordStrength {
 public:
  ZxcvbnPasswordStrength();
  bool is_common(std::string_view password) const override;
  double entropy_bits(std::string_view password,
                      const std::vector<std::string>& personal_words) const override;
  std::size_t common_list_size() const { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;  // lowercased
};

// Generated from /usr/share/john/password.lst (cmake/CommonPasswords.cmake).
extern const char* const kCommonPasswords[];
extern const std::size_t kCommonPasswordCount;

}  // namespace brandos::security
