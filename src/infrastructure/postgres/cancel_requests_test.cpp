#include "infrastructure/postgres/cancel_requests.hpp"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace brandos::pg {
namespace {

// Issue 9, item 16: cancels that hang (a server that stopped answering) pile up only to the
// bound; past it they are dropped, and room comes back as they finish.
TEST(CancelRequests, AreBoundedAndDroppedPastTheBound) {
  CancelRequests requests(1, 3);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  int ran = 0;
  std::mutex m;
  auto hanging = [&] {
    released.wait();
    std::lock_guard lock(m);
    ++ran;
  };
  EXPECT_TRUE(requests.send(hanging));
  EXPECT_TRUE(requests.send(hanging));
  EXPECT_TRUE(requests.send(hanging));
  EXPECT_FALSE(requests.send(hanging));
  EXPECT_EQ(requests.pending(), 3);
  EXPECT_EQ(requests.dropped(), 1u);
  release.set_value();
  while (requests.pending() > 0) std::this_thread::yield();
  EXPECT_EQ(ran, 3);
  EXPECT_TRUE(requests.send([] {}));
}

}  // namespace
}  // namespace brandos::pg
