#include "application/identity/password_policy.hpp"

#include "domain/identity/credentials.hpp"

namespace brandos::application {

std::optional<std::string> password_policy_violation(const std::string& password,
                                                     const std::string& email,
                                                     const std::string& tenant_slug,
                                                     const std::string& name,
                                                     const PasswordStrength& strength) {
  using domain::PasswordProblem;
  if (auto p = domain::check_password_shape(password, email, tenant_slug)) {
    switch (*p) {
      case PasswordProblem::too_short:
        return "must be at least 12 characters";
      case PasswordProblem::too_long:
        return "must be at most 128 characters";
      case PasswordProblem::invalid_text:
        return "must be text without control characters";
      case PasswordProblem::contains_email_local_part:
        return "must not contain your e-mail address";
      case PasswordProblem::contains_tenant_slug:
        return "must not contain the brand's slug";
    }
  }
  if (strength.is_common(password)) return "is a commonly used password";
  const std::string local = email.substr(0, email.find('@'));
  if (strength.entropy_bits(password, {local, email, tenant_slug, name}) < kMinPasswordEntropyBits)
    return "is too easy to guess; use a longer phrase of unrelated words";
  return std::nullopt;
}

}  // namespace brandos::application
