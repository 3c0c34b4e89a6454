#pragma once
// Who is making a request, as re-read from the database on every request (never only from the
// token): a user of one tenant with their current role.
#include <string>

#include "domain/identity/role.hpp"
#include "domain/uuid.hpp"

namespace brandos::application {

struct Principal {
  domain::Uuid tenant_id;
  domain::Uuid user_id;
  domain::Role role = domain::Role::viewer;
  std::string email;
  std::string name;
};

// Where a request came from, for the audit log.
struct RequestOrigin {
  std::string ip;
  std::string request_id;
};

}  // namespace brandos::application
