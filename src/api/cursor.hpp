#pragma once
// Opaque keyset cursors: base64url of "<list>:<tenant>:<last id>". A cursor from another list or
// another tenant, or one that does not decode, is a 400. (Cursors are not a security boundary;
// row-level security is. They only have to be unambiguous.)
#include <optional>
#include <string>
#include <string_view>

#include "domain/uuid.hpp"

namespace brandos::api {

std::string encode_cursor(std::string_view list, const domain::Uuid& tenant,
                          const domain::Uuid& last);
// nullopt: malformed or foreign.
std::optional<domain::Uuid> decode_cursor(std::string_view cursor, std::string_view list,
                                          const domain::Uuid& tenant);

}  // namespace brandos::api
