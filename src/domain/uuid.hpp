#pragma once
// UUID value object (RFC 9562). Every BrandOS identifier is a UUIDv7: time-ordered, so primary-key
// inserts append to the B-tree instead of scattering over it, and ids sort by creation time.
// Pure value type: randomness and the clock are supplied by the caller.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace brandos::domain {

class Uuid {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  constexpr Uuid() = default;
  explicit constexpr Uuid(const Bytes& bytes) : bytes_(bytes) {}

  // Builds a version 7 UUID from a Unix time in milliseconds and 10 random bytes (74 bits used).
  static Uuid v7(std::uint64_t unix_ms, const std::array<std::uint8_t, 10>& random);

  // Accepts only the canonical lowercase 8-4-4-4-12 form, the one the API emits.
  static std::optional<Uuid> parse(std::string_view text);

  std::string to_string() const;
  const Bytes& bytes() const { return bytes_; }
  int version() const { return bytes_[6] >> 4; }
  std::uint64_t unix_ms() const;

  friend bool operator==(const Uuid&, const Uuid&) = default;
  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  Bytes bytes_{};
};

}  // namespace brandos::domain
