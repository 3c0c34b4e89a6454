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

std::string nullable_uuid_array(const std::vector<std::optional<domain::Uuid>>& ids) {
  std::string s = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) s += ',';
    s += ids[i] ? ids[i]->to_string() : std::string("NULL");
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

namespace {

void append_quoted(std::string& s, std::string_view v) {
  s += '"';
  std::size_t from = 0;
  for (std::size_t at = 0; at < v.size(); ++at) {
    if (v[at] != '"' && v[at] != '\\') continue;
    s.append(v, from, at - from);
    s += '\\';
    s += v[at];
    from = at + 1;
  }
  s.append(v, from);
  s += '"';
}

}  // namespace

std::string text_array(const std::vector<std::string>& values) {
  // Documents of whole orders pass through here on the order path: copy runs, not characters.
  std::size_t size = 2;
  for (const auto& v : values) size += v.size() + 3;
  std::string s;
  s.reserve(size + size / 8);
  s += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    append_quoted(s, values[i]);
  }
  s += '}';
  return s;
}

std::string nullable_text_array(const std::vector<std::optional<std::string>>& values) {
  std::size_t size = 2;
  for (const auto& v : values) size += v ? v->size() + 3 : 5;
  std::string s;
  s.reserve(size);
  s += '{';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    if (values[i])
      append_quoted(s, *values[i]);
    else
      s += "NULL";
  }
  s += '}';
  return s;
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
