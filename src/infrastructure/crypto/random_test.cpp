#include "infrastructure/crypto/random.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

namespace brandos::crypto {
namespace {

// Keyset pages are "newest first" by id: ids made one after the other must sort in that order,
// also within one millisecond.
TEST(SodiumIdGenerator, IdsMadeInTurnSortInTurn) {
  ASSERT_GE(sodium_init(), 0);
  SodiumIdGenerator ids;
  domain::Uuid previous = ids.new_id();
  for (int i = 0; i < 10000; ++i) {
    const domain::Uuid next = ids.new_id();
    ASSERT_LT(previous.to_string(), next.to_string()) << "after " << i << " ids";
    EXPECT_EQ(next.to_string()[14], '7');  // still version 7
    previous = next;
  }
}

}  // namespace
}  // namespace brandos::crypto
