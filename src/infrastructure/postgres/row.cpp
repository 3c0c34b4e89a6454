#include "infrastructure/postgres/row.hpp"

#include <stdexcept>

namespace brandos::pg {

std::optional<std::string> Row::optional_text(std::string_view col) const {
  const int c = r_.column(col);
  if (r_.is_null(row_, c)) return std::nullopt;
  return std::string(r_.text(row_, c));
}

domain::Uuid Row::uuid(std::string_view col) const {
  auto u = domain::Uuid::parse(view(col));
  if (!u) throw std::logic_error("column " + std::string(col) + " is not a uuid");
  return *u;
}

std::optional<domain::Uuid> Row::optional_uuid(std::string_view col) const {
  if (is_null(col)) return std::nullopt;
  return uuid(col);
}

}  // namespace brandos::pg
