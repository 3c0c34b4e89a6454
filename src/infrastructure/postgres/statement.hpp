#pragma once
// A SQL statement and its typed parameters, sent with the extended protocol (never interpolated
// into the SQL text). Values travel in text format with explicit type OIDs so the server does the
// parsing it does anyway, and a wrong type is a server error, not silent coercion.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/uuid.hpp"
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg {

using Oid = unsigned int;
namespace oid {
inline constexpr Oid unknown = 0;  // let the server infer: text, varchar, citext, enums
inline constexpr Oid boolean = 16;
inline constexpr Oid int8 = 20;
inline constexpr Oid int4 = 23;
inline constexpr Oid text = 25;
inline constexpr Oid float8 = 701;
inline constexpr Oid timestamptz = 1184;
inline constexpr Oid uuid = 2950;
inline constexpr Oid jsonb = 3802;
}  // namespace oid

// Marks a string parameter as jsonb.
struct Jsonb {
  std::string_view text;
};

class Statement {
 public:
  explicit Statement(std::string sql) : sql_(std::move(sql)) {}
  // A named query: the name labels the round trip (metrics, logs, spans).
  explicit Statement(const Query& q) : sql_(q.sql), name_(q.name) {}
  template <class... Args>
  Statement(const Query& q, const Args&... args) : sql_(q.sql), name_(q.name) {
    (bind(args), ...);
  }
  template <class... Args>
  Statement(std::string sql, const Args&... args) : sql_(std::move(sql)) {
    (bind(args), ...);
  }

  Statement& bind(std::int64_t v) { return add(oid::int8, std::to_string(v)); }
  Statement& bind(std::int32_t v) { return add(oid::int4, std::to_string(v)); }
  Statement& bind(bool v) { return add(oid::boolean, v ? "t" : "f"); }
  Statement& bind(double v);
  Statement& bind(std::string_view v) { return add(oid::unknown, std::string(v)); }
  Statement& bind(const std::string& v) { return add(oid::unknown, v); }
  Statement& bind(const char* v) { return add(oid::unknown, v); }
  Statement& bind(const domain::Uuid& v) { return add(oid::uuid, v.to_string()); }
  Statement& bind(Jsonb v) { return add(oid::jsonb, std::string(v.text)); }
  Statement& bind(std::nullopt_t) { return add_null(oid::unknown); }
  template <class T>
  Statement& bind(const std::optional<T>& v) {
    if (v) return bind(*v);
    return add_null(oid::unknown);
  }

  const std::string& sql() const { return sql_; }
  // The query's name; empty for ad-hoc SQL (BEGIN, tests).
  std::string_view name() const { return name_; }
  int size() const { return static_cast<int>(types_.size()); }
  const Oid* types() const { return types_.data(); }
  // Pointers into this statement; valid while it lives and is not modified.
  std::vector<const char*> value_pointers() const;

 private:
  Statement& add(Oid type, std::string value);
  Statement& add_null(Oid type);

  std::string sql_;
  std::string_view name_;  // points at a Query constant (static storage)
  std::vector<Oid> types_;
  std::vector<std::string> values_;
  std::vector<bool> nulls_;
};

}  // namespace brandos::pg
