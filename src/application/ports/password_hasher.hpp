#pragma once
// Port: slow, salted password hashing. Implementations must not block the calling I/O thread
// (hashing costs tens of milliseconds by design), must be safe to call concurrently, and bound
// the work they queue: past the bound they answer `unavailable` (503) at once, so a burst of
// logins cannot grow memory or wait times without limit.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "application/failure.hpp"

namespace brandos::application {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual boost::asio::awaitable<Outcome<std::string>> hash(std::string password) = 0;
  // False for a wrong password or an unreadable hash; constant-time in the password.
  virtual boost::asio::awaitable<Outcome<bool>> verify(std::string password,
                                                       std::string encoded) = 0;
};

}  // namespace brandos::application
