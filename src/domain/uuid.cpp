#include "domain/uuid.hpp"

namespace brandos::domain {

Uuid Uuid::v7(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random) {
  Bytes b{};
  for (int i = 0; i < 6; ++i) b[i] = static_cast<std::uint8_t>(unix_ms >> (8 * (5 - i)));
  b[6] = static_cast<std::uint8_t>(0x70 | (random[0] & 0x0F));
  b[7] = random[1];
  b[8] = static_cast<std::uint8_t>(0x80 | (random[2] & 0x3F));  // RFC 9562 variant 10xx
  for (int i = 9; i < 16; ++i) b[i] = random[i - 6];
  return Uuid(b);
}

std::uint64_t Uuid::unix_ms() const {
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | bytes_[i];
  return ms;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
constexpr bool is_dash_position(std::size_t i) {
  return i == 8 || i == 13 || i == 18 || i == 23;
}
}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Bytes b{};
  std::size_t out = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (is_dash_position(i)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    b[out++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return Uuid(b);
}

std::string Uuid::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  // Filled in place: ids are formatted many times per order (rows, documents, events).
  std::string s(36, '-');
  std::size_t at = 0;
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;
    s[at++] = kHex[bytes_[i] >> 4];
    s[at++] = kHex[bytes_[i] & 0x0F];
  }
  return s;
}

}  // namespace brandos::domain
