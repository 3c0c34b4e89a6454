#pragma once
// Rules for the identity values people type: e-mail addresses, tenant slugs, display names and
// the parts of the password policy that need no dictionary (length in code points, not
// containing the e-mail's local part or the slug). Pure functions; no I/O.
#include <optional>
#include <string>
#include <string_view>

namespace brandos::domain {

// Lowercased, trimmed address if it is a plausible e-mail (one '@', non-empty local part up to
// 64 bytes, a dotted domain, 254 bytes at most, no spaces or control characters).
std::optional<std::string> normalise_email(std::string_view text);

// ^[a-z0-9][a-z0-9-]{1,62}$
bool valid_slug(std::string_view slug);

// 1..200 code points of valid UTF-8, no control characters, not only spaces.
bool valid_display_name(std::string_view name);

// Number of Unicode code points, or nullopt if the text is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

enum class PasswordProblem {
  too_short,     // fewer than 12 code points
  too_long,      // more than 128
  invalid_text,  // not valid UTF-8 or has control characters
  contains_email_local_part,
  contains_tenant_slug,
};

// The dictionary-free rules; nullopt when the password passes them. The local part and slug are
// compared case-insensitively and only when at least 3 characters long.
std::optional<PasswordProblem> check_password_shape(std::string_view password,
                                                    std::string_view email,
                                                    std::string_view tenant_slug);

}  // namespace brandos::domain
