#include "app/runtime.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

namespace brandos::app {
namespace {

namespace asio = boost::asio;

asio::awaitable<void> fails() {
  throw std::runtime_error("a bug in a background task");
  co_return;
}

TEST(Runtime, AnExceptionInASpawnedTaskIsCountedNotLost) {
  observability::Registry registry;
  {
    Runtime runtime(1, registry);
    runtime.spawn(0, "doomed", fails());
    runtime.io(0).run();  // on this thread, until the task is done
  }
  EXPECT_NE(registry.expose().find("task_failures_total{task=\"doomed\"} 1"), std::string::npos)
      << registry.expose();
}

TEST(Runtime, ATaskThatEndsNormallyIsNotCounted) {
  observability::Registry registry;
  Runtime runtime(1, registry);
  bool ran = false;
  runtime.spawn(0, "fine", [](bool& r) -> asio::awaitable<void> {
    r = true;
    co_return;
  }(ran));
  runtime.io(0).run();
  EXPECT_TRUE(ran);
  EXPECT_EQ(registry.expose().find("task_failures_total"), std::string::npos);
}

}  // namespace
}  // namespace brandos::app
