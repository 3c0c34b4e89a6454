#pragma once
// PasswordHasher on libsodium's Argon2id (m = 19 MiB, t = 2, p = 1: the OWASP minimum, also
// API.md's). Hashing runs on threads of its own at a lower CPU priority, so a burst of logins
// slows logins, not the I/O threads serving everything else.
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

#include "application/ports/password_hasher.hpp"

namespace brandos::crypto {

inline constexpr unsigned long long kArgon2Ops = 2;
inline constexpr std::size_t kArgon2MemoryBytes = 19u * 1024u * 1024u;

class Argon2PasswordHasher final : public application::PasswordHasher {
 public:
  // At most `max_queued` hashes waiting or running at once (0: 32 per thread).
  explicit Argon2PasswordHasher(int threads, int max_queued = 0);
  ~Argon2PasswordHasher() override;
  // Stops the hashing threads (abandoning queued work). Call before destroying the io_contexts
  // of callers that may still be waiting, so no result is posted to a destroyed one.
  void shut_down();

  boost::asio::awaitable<application::Outcome<std::string>> hash(std::string password) override;
  boost::asio::awaitable<application::Outcome<bool>> verify(std::string password,
                                                            std::string encoded) override;

  // Synchronous forms, for start-up (the decoy hash) and tests.
  static std::string hash_now(const std::string& password);
  static bool verify_now(const std::string& password, const std::string& encoded);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  const int max_queued_;
  std::atomic<int> queued_{0};
};

}  // namespace brandos::crypto
