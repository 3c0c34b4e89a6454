#pragma once
// Strict reading of a JSON request object: typed getters that record a field issue (422) instead
// of throwing, and finish() that rejects every field nobody asked for (API.md: unknown fields
// are 422, never silently ignored).
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "application/failure.hpp"

namespace brandos::api {

class JsonFields {
 public:
  // `path` prefixes field names in issues ("owner." for a nested object).
  JsonFields(const boost::json::object& object, std::vector<application::FieldIssue>& issues,
             std::string path = "");

  std::optional<std::string> required_string(std::string_view key);
  std::optional<std::string> optional_string(std::string_view key);
  const boost::json::object* required_object(std::string_view key);
  // Integers only (1999, not 19.99 or "1999"), within int64.
  std::optional<std::int64_t> required_integer(std::string_view key);
  std::optional<std::int64_t> optional_integer(std::string_view key);
  // Absent: nullopt. null: an empty inner optional. A string: the string.
  std::optional<std::optional<std::string>> nullable_string(std::string_view key);
  // For fields the caller reads itself.
  void mark_read(std::string_view key) { read_.emplace(key); }
  // Reports every key that was not read.
  void finish();

 private:
  const boost::json::value* find(std::string_view key);
  const boost::json::object& object_;
  std::vector<application::FieldIssue>& issues_;
  std::string path_;
  std::set<std::string, std::less<>> read_;
};

}  // namespace brandos::api
