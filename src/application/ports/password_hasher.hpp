#pragma once
// Port: slow, salted password hashing. Implementations must not block the calling I/O thread
// (hashing costs tens of milliseconds by design) and must be safe to call concurrently.
#include <boost/asio/awaitable.hpp>
#include <string>

namespace brandos::application {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  virtual boost::asio::awaitable<std::string> hash(std::string password) = 0;
  // False for a wrong password or an unreadable hash; constant-time in the password.
  virtual boost::asio::awaitable<bool> verify(std::string password, std::string encoded) = 0;
};

}  // namespace brandos::application
