#pragma once
// One row of a Result, read by column name: a query's mapper says which column it wants, so a
// reordered SELECT list cannot silently shift values into the wrong fields. A missing column or a
// value of the wrong type is a schema/code mismatch and throws std::logic_error.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/uuid.hpp"
#include "infrastructure/postgres/result.hpp"

namespace brandos::pg {

class Row {
 public:
  Row(const Result& result, int row) : r_(result), row_(row) {}

  bool is_null(std::string_view col) const { return r_.is_null(row_, r_.column(col)); }
  std::string_view view(std::string_view col) const { return r_.text(row_, r_.column(col)); }
  std::string text(std::string_view col) const { return std::string(view(col)); }
  std::optional<std::string> optional_text(std::string_view col) const;
  std::int64_t int64(std::string_view col) const { return r_.int64(row_, r_.column(col)); }
  int int32(std::string_view col) const { return r_.int32(row_, r_.column(col)); }
  bool boolean(std::string_view col) const { return r_.boolean(row_, r_.column(col)); }
  domain::Uuid uuid(std::string_view col) const;
  std::optional<domain::Uuid> optional_uuid(std::string_view col) const;

 private:
  const Result& r_;
  int row_;
};

// Applies `map` to every row of `r`.
template <class Map>
auto map_rows(const Result& r, Map map) {
  std::vector<decltype(map(Row(r, 0)))> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.push_back(map(Row(r, i)));
  return out;
}

}  // namespace brandos::pg
