#pragma once
// PostgreSQL array and bytea literals for parameters sent in text format.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/uuid.hpp"

namespace brandos::pg {

// {a,b,c} of plain tokens (uuids, integers).
std::string uuid_array(const std::vector<domain::Uuid>& ids);
// …with NULL for the absent ones.
std::string nullable_uuid_array(const std::vector<std::optional<domain::Uuid>>& ids);
std::string int64_array(const std::vector<std::int64_t>& values);
// {"a","b"}: every element quoted, \ and " escaped.
std::string text_array(const std::vector<std::string>& values);
// …with NULL for the absent ones.
std::string nullable_text_array(const std::vector<std::optional<std::string>>& values);
// \x0a1b…
std::string bytea_hex(const std::uint8_t* data, std::size_t n);
template <class Bytes>
std::string bytea_hex(const Bytes& b) {
  return bytea_hex(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
}
// The inverse of PostgreSQL's hex output for bytea; throws std::logic_error on anything else.
std::vector<std::uint8_t> bytes_of_hex(std::string_view text);

}  // namespace brandos::pg
