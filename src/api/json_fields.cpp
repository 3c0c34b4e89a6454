#include "api/json_fields.hpp"

namespace brandos::api {

JsonFields::JsonFields(const boost::json::object& object,
                       std::vector<application::FieldIssue>& issues, std::string path)
    : object_(object), issues_(issues), path_(std::move(path)) {}

const boost::json::value* JsonFields::find(std::string_view key) {
  read_.emplace(key);
  return object_.if_contains(key);
}

std::optional<std::string> JsonFields::required_string(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    issues_.push_back({path_ + std::string(key), "is required"});
    return std::nullopt;
  }
  if (!v->is_string()) {
    issues_.push_back({path_ + std::string(key), "must be a string"});
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<std::string> JsonFields::optional_string(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    issues_.push_back({path_ + std::string(key), "must be a string"});
    return std::nullopt;
  }
  return std::string(v->as_string());
}

const boost::json::object* JsonFields::required_object(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    issues_.push_back({path_ + std::string(key), "is required"});
    return nullptr;
  }
  if (!v->is_object()) {
    issues_.push_back({path_ + std::string(key), "must be an object"});
    return nullptr;
  }
  return &v->as_object();
}

namespace {
std::optional<std::int64_t> as_integer(const boost::json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.as_uint64());
  return std::nullopt;
}
}  // namespace

std::optional<std::int64_t> JsonFields::required_integer(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) {
    issues_.push_back({path_ + std::string(key), "is required"});
    return std::nullopt;
  }
  auto i = as_integer(*v);
  if (!i) issues_.push_back({path_ + std::string(key), "must be an integer"});
  return i;
}

std::optional<std::int64_t> JsonFields::optional_integer(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  auto i = as_integer(*v);
  if (!i) issues_.push_back({path_ + std::string(key), "must be an integer"});
  return i;
}

std::optional<std::optional<std::string>> JsonFields::nullable_string(std::string_view key) {
  const auto* v = find(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) {
    issues_.push_back({path_ + std::string(key), "must be a string or null"});
    return std::nullopt;
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

void JsonFields::finish() {
  for (const auto& kv : object_) {
    if (!read_.contains(std::string_view(kv.key())))
      issues_.push_back({path_ + std::string(kv.key()), "is not a known field"});
  }
}

}  // namespace brandos::api
