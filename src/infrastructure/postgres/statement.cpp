#include "infrastructure/postgres/statement.hpp"

#include <charconv>

namespace brandos::pg {

Statement& Statement::bind(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  return add(oid::float8, std::string(buf, r.ptr));
}

Statement& Statement::add(Oid type, std::string value) {
  types_.push_back(type);
  values_.push_back(std::move(value));
  nulls_.push_back(false);
  return *this;
}

Statement& Statement::add_null(Oid type) {
  types_.push_back(type);
  values_.emplace_back();
  nulls_.push_back(true);
  return *this;
}

std::vector<const char*> Statement::value_pointers() const {
  std::vector<const char*> out(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i)
    out[i] = nulls_[i] ? nullptr : values_[i].c_str();
  return out;
}

}  // namespace brandos::pg
