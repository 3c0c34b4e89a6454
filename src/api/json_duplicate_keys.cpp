#include "api/json_duplicate_keys.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <unordered_set>
#include <vector>

namespace brandos::api {

namespace {

// A basic_parser handler that builds nothing but the set of keys of each open object.
struct KeyTracker {
  constexpr static std::size_t max_object_size = std::size_t(-1);
  constexpr static std::size_t max_array_size = std::size_t(-1);
  constexpr static std::size_t max_key_size = std::size_t(-1);
  constexpr static std::size_t max_string_size = std::size_t(-1);

  std::vector<std::unordered_set<std::string>> open;
  std::string key;
  std::optional<std::string> duplicate;

  using ec = boost::system::error_code;
  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) {
    open.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, ec&) {
    open.pop_back();
    return true;
  }
  bool on_array_begin(ec&) { return true; }
  bool on_array_end(std::size_t, ec&) { return true; }
  bool on_key_part(std::string_view s, std::size_t, ec&) {
    key.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, ec& e) {
    key.append(s);
    if (!open.back().insert(key).second) {
      duplicate = std::move(key);
      e = boost::json::error::syntax;  // stop here: one is enough to refuse the body
      return false;
    }
    key.clear();
    return true;
  }
  bool on_string_part(std::string_view, std::size_t, ec&) { return true; }
  bool on_string(std::string_view, std::size_t, ec&) { return true; }
  bool on_number_part(std::string_view, ec&) { return true; }
  bool on_int64(std::int64_t, std::string_view, ec&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, ec&) { return true; }
  bool on_double(double, std::string_view, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(std::string_view, ec&) { return true; }
  bool on_comment(std::string_view, ec&) { return true; }
};

}  // namespace

std::optional<std::string> first_duplicate_key(std::string_view json, std::size_t max_depth) {
  boost::json::parse_options opts;
  opts.max_depth = max_depth;
  boost::json::basic_parser<KeyTracker> parser(opts);
  boost::system::error_code ec;
  parser.write_some(false, json.data(), json.size(), ec);
  return std::move(parser.handler().duplicate);
}

}  // namespace brandos::api
