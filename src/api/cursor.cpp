#include "api/cursor.hpp"

#include <array>

namespace brandos::api {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64url(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out += kAlphabet[(v >> (6 * k)) & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest > 0) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> un_b64url(std::string_view in) {
  std::array<int, 256> map{};
  map.fill(-1);
  for (int i = 0; i < 64; ++i) map[static_cast<unsigned char>(kAlphabet[i])] = i;
  if (in.size() % 4 == 1 || in.size() > 512) return std::nullopt;
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = map[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}
}  // namespace

std::string encode_cursor(std::string_view list, const domain::Uuid& tenant,
                          const domain::Uuid& last) {
  return b64url(std::string(list) + ":" + tenant.to_string() + ":" + last.to_string());
}

std::optional<domain::Uuid> decode_cursor(std::string_view cursor, std::string_view list,
                                          const domain::Uuid& tenant) {
  const auto text = un_b64url(cursor);
  if (!text) return std::nullopt;
  const std::string expected_prefix = std::string(list) + ":" + tenant.to_string() + ":";
  if (text->rfind(expected_prefix, 0) != 0) return std::nullopt;
  return domain::Uuid::parse(std::string_view(*text).substr(expected_prefix.size()));
}

}  // namespace brandos::api
