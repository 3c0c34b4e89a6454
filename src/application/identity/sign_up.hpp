#pragma once
// POST /v1/tenants: a brand signs up; its first user becomes the owner.
#include "application/identity/dependencies.hpp"

namespace brandos::application {

struct SignUpCommand {
  std::string name;
  std::string slug;
  std::string owner_email;
  std::string owner_password;
  std::string owner_name;
};

class SignUp {
 public:
  explicit SignUp(const IdentityDependencies& deps) : deps_(deps) {}
  // Conflict "slug-taken" when the slug exists.
  boost::asio::awaitable<Outcome<std::pair<TenantRecord, UserRecord>>> operator()(
      const OperationContext& ctx, SignUpCommand command) const;

 private:
  const IdentityDependencies& deps_;
};

}  // namespace brandos::application
