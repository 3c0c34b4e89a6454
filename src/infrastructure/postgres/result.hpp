#pragma once
// One statement's result: owns the PGresult. Cheap to move, not copyable. Typed accessors parse
// the text format; a value that does not parse as the asked type is a schema/code mismatch, a
// bug, and throws std::logic_error.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;

namespace brandos::pg {

class Result {
 public:
  Result() = default;
  explicit Result(pg_result* res);

  int rows() const;
  int columns() const;
  // Rows affected by INSERT/UPDATE/DELETE (0 for other commands).
  std::int64_t affected_rows() const;
  int column(std::string_view name) const;  // throws std::logic_error when absent

  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::int64_t int64(int row, int col) const;
  std::int32_t int32(int row, int col) const { return static_cast<std::int32_t>(int64(row, col)); }
  bool boolean(int row, int col) const;
  double float8(int row, int col) const;
  std::optional<std::string_view> optional_text(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return text(row, col);
  }

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> res_;
};

}  // namespace brandos::pg
