#pragma once
// The JSON entry point of every POST/PATCH: checks the media type and parses the body into a
// JSON object, or says which problem to answer with (415, 400). The size limit (413) is enforced
// earlier, while the body is read. Depth is bounded so a deeply nested body cannot exhaust the
// stack; invalid UTF-8 is rejected by the parser.
#include <boost/json/object.hpp>
#include <variant>

#include "api/http_message.hpp"
#include "api/problem.hpp"

namespace brandos::api {

inline constexpr std::size_t kMaxJsonDepth = 32;

bool is_json_media_type(std::string_view content_type);

std::variant<boost::json::object, Problem> parse_json_object(const HttpRequest& request);

}  // namespace brandos::api
