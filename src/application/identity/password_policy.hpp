#pragma once
// The password policy of API.md: 12..128 code points, not a common password, not easy to guess
// by a strength estimate, not containing the e-mail's local part or the tenant slug.
#include <optional>
#include <string>

#include "application/ports/password_strength.hpp"

namespace brandos::application {

// zxcvbn's "very unguessable" score starts at 10^10 guesses, about 33.2 bits: a dictionary word
// with a year, a keyboard run or a name with digits lands far below it; four random common
// words land far above. See docs/adr/0006-password-policy.md.
inline constexpr double kMinPasswordEntropyBits = 33.2;

// nullopt when acceptable, else a message for the `password` field.
std::optional<std::string> password_policy_violation(const std::string& password,
                                                     const std::string& email,
                                                     const std::string& tenant_slug,
                                                     const std::string& name,
                                                     const PasswordStrength& strength);

}  // namespace brandos::application
