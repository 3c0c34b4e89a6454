#include "api/trace_context.hpp"

#include <algorithm>

namespace brandos::api {

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    s[2 * i] = kHex[data[i] >> 4];
    s[2 * i + 1] = kHex[data[i] & 0xF];
  }
  return s;
}

std::string TraceContext::trace_id_hex() const {
  return to_hex(trace_id.data(), trace_id.size());
}
std::string TraceContext::span_id_hex() const {
  return to_hex(span_id.data(), span_id.size());
}
std::string TraceContext::parent_span_id_hex() const {
  return to_hex(parent_span_id.data(), parent_span_id.size());
}
std::string TraceContext::traceparent() const {
  return "00-" + trace_id_hex() + "-" + span_id_hex() + "-" + to_hex(&flags, 1);
}

namespace {
int lower_hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

template <std::size_t N>
bool decode(std::string_view text, std::array<std::uint8_t, N>& out) {
  if (text.size() != N * 2) return false;
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = lower_hex(text[2 * i]), lo = lower_hex(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return true;
}

template <std::size_t N>
bool all_zero(const std::array<std::uint8_t, N>& a) {
  return std::all_of(a.begin(), a.end(), [](std::uint8_t b) { return b == 0; });
}
}  // namespace

std::optional<ParsedTraceparent> parse_traceparent(std::string_view h) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2) = 55 characters
  if (h.size() < 55) return std::nullopt;
  std::array<std::uint8_t, 1> version{};
  if (!decode(h.substr(0, 2), version) || version[0] == 0xff) return std::nullopt;
  if (h[2] != '-' || h[35] != '-' || h[52] != '-') return std::nullopt;
  if (version[0] == 0 && h.size() != 55) return std::nullopt;
  if (version[0] != 0 && h.size() > 55 && h[55] != '-') return std::nullopt;
  ParsedTraceparent p;
  std::array<std::uint8_t, 1> flags{};
  if (!decode(h.substr(3, 32), p.trace_id) || !decode(h.substr(36, 16), p.parent_id) ||
      !decode(h.substr(53, 2), flags))
    return std::nullopt;
  if (all_zero(p.trace_id) || all_zero(p.parent_id)) return std::nullopt;
  p.flags = flags[0];
  return p;
}

}  // namespace brandos::api
