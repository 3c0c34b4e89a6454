#include "domain/identity/credentials.hpp"

#include <algorithm>
#include <cctype>

namespace brandos::domain {

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool has_control_characters(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; });
}

}  // namespace

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      n = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07;
    } else
      return std::nullopt;
    if (i + n > s.size()) return std::nullopt;
    for (std::size_t k = 1; k < n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond Unicode are not valid UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return std::nullopt;
    i += n;
    ++count;
  }
  return count;
}

std::optional<std::string> normalise_email(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() < 3 || text.size() > 254 || has_control_characters(text)) return std::nullopt;
  if (!utf8_length(text)) return std::nullopt;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 ||
      text.find('@', at + 1) != std::string_view::npos)
    return std::nullopt;
  const std::string_view domain = text.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return std::nullopt;
  if (text.find(' ') != std::string_view::npos) return std::nullopt;
  return lower_ascii(text);
}

bool valid_slug(std::string_view s) {
  if (s.size() < 2 || s.size() > 63) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (!first && c == '-');
  };
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!ok(s[i], i == 0)) return false;
  return true;
}

bool valid_display_name(std::string_view name) {
  const auto len = utf8_length(name);
  if (!len || *len < 1 || *len > 200 || has_control_characters(name)) return false;
  return name.find_first_not_of(' ') != std::string_view::npos;
}

std::optional<PasswordProblem> check_password_shape(std::string_view password,
                                                    std::string_view email,
                                                    std::string_view tenant_slug) {
  const auto len = utf8_length(password);
  if (!len || has_control_characters(password)) return PasswordProblem::invalid_text;
  if (*len < 12) return PasswordProblem::too_short;
  if (*len > 128) return PasswordProblem::too_long;
  const std::string lowered = lower_ascii(password);
  const std::string local = lower_ascii(email.substr(0, email.find('@')));
  if (local.size() >= 3 && lowered.find(local) != std::string::npos)
    return PasswordProblem::contains_email_local_part;
  const std::string slug = lower_ascii(tenant_slug);
  if (slug.size() >= 3 && lowered.find(slug) != std::string::npos)
    return PasswordProblem::contains_tenant_slug;
  return std::nullopt;
}

}  // namespace brandos::domain
