#include "api/json_body.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "api/json_duplicate_keys.hpp"

namespace brandos::api {

bool is_json_media_type(std::string_view ct) {
  // "application/json", optionally with parameters ("; charset=utf-8"), case-insensitive type.
  const std::size_t semi = ct.find(';');
  std::string_view type = ct.substr(0, semi);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  return iequals(type, "application/json");
}

std::variant<boost::json::object, Problem> parse_json_object(const HttpRequest& request) {
  const auto ct = request.header("Content-Type");
  if (!ct || !is_json_media_type(*ct)) return problems::unsupported_media_type();
  boost::json::parse_options opts;
  opts.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(request.body, ec, {}, opts);
  if (ec)
    return problems::malformed_json("The request body is not valid JSON: " + ec.message() + ".");
  if (!v.is_object()) return problems::malformed_json("The request body must be a JSON object.");
  if (auto key = first_duplicate_key(request.body, kMaxJsonDepth)) {
    // Named when it is short and plain; anything else is not echoed back.
    const bool plain = key->size() <= 64 && std::all_of(key->begin(), key->end(), [](char c) {
                         return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
                       });
    return problems::malformed_json("The request body names " +
                                    (plain ? "\"" + *key + "\"" : std::string("a key")) +
                                    " twice in one object; each key may appear once.");
  }
  return std::move(v.as_object());
}

}  // namespace brandos::api
