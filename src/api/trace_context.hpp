#pragma once
// W3C Trace Context (traceparent). An incoming valid header is continued: same trace id, the
// caller's span becomes our parent. Otherwise a new trace starts. Invalid headers are ignored,
// as the recommendation says, never rejected.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brandos::api {

struct TraceContext {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};         // this server's span
  std::array<std::uint8_t, 8> parent_span_id{};  // zero when the trace started here
  std::uint8_t flags = 0x01;                     // sampled

  std::string trace_id_hex() const;
  std::string span_id_hex() const;
  std::string parent_span_id_hex() const;
  // traceparent to send downstream (our span as the parent).
  std::string traceparent() const;
};

struct ParsedTraceparent {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> parent_id{};
  std::uint8_t flags = 0;
};

// Version 00 exactly, and higher versions by their 00 prefix (forward compatible); version ff,
// all-zero ids, uppercase hex and wrong lengths are invalid.
std::optional<ParsedTraceparent> parse_traceparent(std::string_view header);

std::string to_hex(const std::uint8_t* data, std::size_t n);

}  // namespace brandos::api
