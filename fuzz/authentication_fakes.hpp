#pragma once
// Ports the real authentication middleware needs, for fuzzing it without a database: the token
// service and rate limiter are the real ones; the caller lookup knows one user; the ports the
// middleware never touches refuse loudly, so a path that reached them would show as a crash.
#include <stdexcept>

#include "application/identity/dependencies.hpp"

namespace brandos::fuzz {

inline const domain::Uuid kTenant = *domain::Uuid::parse("018f0000-0000-7000-8000-00000000000a");
inline const domain::Uuid kUser = *domain::Uuid::parse("018f0000-0000-7000-8000-0000000000aa");

class OneUser final : public application::AuthenticatedUsers {
 public:
  boost::asio::awaitable<application::Outcome<std::optional<application::Principal>>> find(
      const application::OperationContext&, const domain::Uuid& tenant_id,
      const domain::Uuid& user_id) override {
    if (tenant_id != kTenant || user_id != kUser) co_return std::optional<application::Principal>{};
    co_return application::Principal{kTenant, kUser, domain::Role::admin, "a@fuzz.test", "A"};
  }
  void forget(const domain::Uuid&, const domain::Uuid&) override {}
};

class NoData final : public application::TenantData {
 public:
  std::unique_ptr<application::UnitOfWork> begin(const application::OperationContext&,
                                                 application::Access,
                                                 application::TenantOf) override {
    throw std::logic_error("the middleware opened a unit of work");
  }
  boost::asio::awaitable<application::Outcome<void>> spend_an_audited_commit(
      const application::OperationContext&) override {
    throw std::logic_error("the middleware spent a commit");
  }
};

class NoHashing final : public application::PasswordHasher {
 public:
  boost::asio::awaitable<application::Outcome<std::string>> hash(std::string) override {
    throw std::logic_error("the middleware hashed a password");
  }
  boost::asio::awaitable<application::Outcome<bool>> verify(std::string, std::string) override {
    throw std::logic_error("the middleware verified a password");
  }
};

class NoStrength final : public application::PasswordStrength {
 public:
  bool is_common(std::string_view) const override { return false; }
  double entropy_bits(std::string_view, const std::vector<std::string>&) const override {
    return 0;
  }
};

}  // namespace brandos::fuzz
