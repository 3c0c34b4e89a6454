#include "infrastructure/postgres/result.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <stdexcept>
#include <string>

namespace brandos::pg {

void Result::Clear::operator()(pg_result* r) const {
  PQclear(r);
}

Result::Result(pg_result* res) : res_(res) {}

int Result::rows() const {
  return res_ ? PQntuples(res_.get()) : 0;
}
int Result::columns() const {
  return res_ ? PQnfields(res_.get()) : 0;
}

std::int64_t Result::affected_rows() const {
  if (!res_) return 0;
  const char* n = PQcmdTuples(res_.get());
  std::int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

int Result::column(std::string_view name) const {
  const std::string n(name);
  const int c = res_ ? PQfnumber(res_.get(), n.c_str()) : -1;
  if (c < 0) throw std::logic_error("result has no column " + n);
  return c;
}

bool Result::is_null(int row, int col) const {
  return PQgetisnull(res_.get(), row, col) == 1;
}

std::string_view Result::text(int row, int col) const {
  if (row < 0 || row >= rows() || col < 0 || col >= columns())
    throw std::logic_error("result cell out of range");
  return {PQgetvalue(res_.get(), row, col),
          static_cast<std::size_t>(PQgetlength(res_.get(), row, col))};
}

std::int64_t Result::int64(int row, int col) const {
  const std::string_view t = text(row, col);
  std::int64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size())
    throw std::logic_error("column is not an integer");
  return v;
}

bool Result::boolean(int row, int col) const {
  const std::string_view t = text(row, col);
  if (t == "t") return true;
  if (t == "f") return false;
  throw std::logic_error("column is not a boolean");
}

double Result::float8(int row, int col) const {
  const std::string_view t = text(row, col);
  double v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc()) throw std::logic_error("column is not a number");
  return v;
}

}  // namespace brandos::pg
