#pragma once
// Port: how guessable a password is. Thread-safe, no I/O.
#include <string>
#include <string_view>
#include <vector>

namespace brandos::application {

class PasswordStrength {
 public:
  virtual ~PasswordStrength() = default;
  // On the list of common passwords shipped with the server (case-insensitive).
  virtual bool is_common(std::string_view password) const = 0;
  // Estimated guessing entropy in bits, given words the attacker would try first (the e-mail,
  // the name, the brand).
  virtual double entropy_bits(std::string_view password,
                              const std::vector<std::string>& personal_words) const = 0;
};

}  // namespace brandos::application
