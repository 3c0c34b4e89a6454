#pragma once
// Finds a key repeated within one JSON object. Boost.JSON keeps the last of duplicates silently;
// a proxy or validator in front of us may keep the first, so the two would act on different
// requests. We refuse such bodies instead (RFC 8259 leaves the meaning of duplicates open).
#include <optional>
#include <string>
#include <string_view>

namespace brandos::api {

// The first key that appears twice in the same object of `json`, or nullopt. Assumes nothing
// about validity: on malformed JSON it returns nullopt and leaves the verdict to the parser.
std::optional<std::string> first_duplicate_key(std::string_view json, std::size_t max_depth);

}  // namespace brandos::api
