#pragma once
// Sessions: log in with a password, rotate a refresh token, log out, and authenticate a request
// from its access token (re-reading the user's current role on every request).
#include "application/identity/dependencies.hpp"

namespace brandos::application {

struct TokenPair {
  IssuedAccessToken access;
  std::string refresh_token;
};

struct LoginCommand {
  std::string tenant_slug;
  std::string email;
  std::string password;
};

class Login {
 public:
  // `decoy_hash` is a hash of a random password, verified when the tenant or user is unknown so
  // that the answer takes as long as for a wrong password (no account enumeration by timing).
  Login(const IdentityDependencies& deps, std::string decoy_hash)
      : deps_(deps), decoy_hash_(std::move(decoy_hash)) {}
  boost::asio::awaitable<Outcome<TokenPair>> operator()(const OperationContext& ctx,
                                                        LoginCommand command) const;

 private:
  const IdentityDependencies& deps_;
  std::string decoy_hash_;
};

class RefreshSession {
 public:
  explicit RefreshSession(const IdentityDependencies& deps) : deps_(deps) {}
  // A token presented a second time revokes its whole family and writes auth.refresh_reuse.
  boost::asio::awaitable<Outcome<TokenPair>> operator()(const OperationContext& ctx,
                                                        std::string refresh_token) const;

 private:
  const IdentityDependencies& deps_;
};

class Logout {
 public:
  explicit Logout(const IdentityDependencies& deps) : deps_(deps) {}
  boost::asio::awaitable<Outcome<void>> operator()(const OperationContext& ctx,
                                                   std::string refresh_token) const;

 private:
  const IdentityDependencies& deps_;
};

class Authenticate {
 public:
  explicit Authenticate(const IdentityDependencies& deps) : deps_(deps) {}
  boost::asio::awaitable<Outcome<Principal>> operator()(const OperationContext& ctx,
                                                        std::string_view bearer_token) const;

 private:
  const IdentityDependencies& deps_;
};

// Issues an access token and a new refresh-token family for a principal; stores the latter, with
// `audit`, in the unit of work given.
TokenPair start_session(const IdentityDependencies& deps, UnitOfWork& uow,
                        const Principal& principal);

}  // namespace brandos::application
