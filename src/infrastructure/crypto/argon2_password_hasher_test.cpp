#include "infrastructure/crypto/argon2_password_hasher.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <vector>

namespace brandos::crypto {
namespace {

namespace asio = boost::asio;

// Issue 9, item 16: hashes waiting or running are bounded; past the bound a caller is told at
// once (503) instead of queueing its password. Five verifies are submitted together (in far less
// time than one Argon2id hash takes) to a hasher with one thread and room for two.
TEST(Argon2PasswordHasher, RefusesWorkPastItsQueueBound) {
  Argon2PasswordHasher hasher(1, 2);
  const std::string encoded = Argon2PasswordHasher::hash_now("violet harbour tangent 42");
  asio::io_context io;
  std::vector<std::optional<application::Outcome<bool>>> results(5);
  for (auto& r : results)
    asio::co_spawn(
        io,
        [&hasher, &encoded, &r]() -> asio::awaitable<void> {
          r = co_await hasher.verify("violet harbour tangent 42", encoded);
        },
        asio::detached);
  io.run();
  int verified = 0, refused = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r);
    if (*r && **r) ++verified;
    if (!*r) {
      ++refused;
      EXPECT_EQ(r->error().code, application::FailureCode::unavailable);
    }
  }
  EXPECT_EQ(verified, 2);
  EXPECT_EQ(refused, 3);
  // The places are given back: a later verify runs.
  io.restart();
  std::optional<application::Outcome<bool>> later;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        later = co_await hasher.verify("violet harbour tangent 42", encoded);
      },
      asio::detached);
  io.run();
  ASSERT_TRUE(later && *later);
  EXPECT_TRUE(**later);
}

}  // namespace
}  // namespace brandos::crypto
