#include "infrastructure/postgres/sql_arrays.hpp"

#include <stdexcept>

namespace brandos::pg {

std::string uuid_array(const std::vector<domain::Uuid>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += ids[i].to_string();
  }
  return s + "}";
}

std::string int64_array(const std::vector<std::int64_t>& values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(values[i]);
  }
  return s + "}";
}

std::string text_array(const std::vector<std::string>& values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    s += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') s += '\\';
      s += c;
    }
    s += '"';
  }
  return s + "}";
}

std::string bytea_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "\\x";
  s.reserve(2 + 2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s += kHex[data[i] >> 4];
    s += kHex[data[i] & 0xF];
  }
  return s;
}

std::vector<std::uint8_t> bytes_of_hex(std::string_view t) {
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x' || t.size() % 2)
    throw std::logic_error("not hex bytea");
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    throw std::logic_error("not hex bytea");
  };
  std::vector<std::uint8_t> out((t.size() - 2) / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::uint8_t>(nibble(t[2 + 2 * i]) << 4 | nibble(t[3 + 2 * i]));
  return out;
}

}  // namespace brandos::pg
