#pragma once
#include <string_view>

namespace brandos::api {

// The client's X-Request-Id is kept only if it is 1..128 characters of [A-Za-z0-9._-] (API.md);
// anything else could inject into logs or headers, so a new id replaces it.
bool acceptable_request_id(std::string_view id);

}  // namespace brandos::api
