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

asio::awaitable<void> waits_until_stopped(bool& finished) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::hours(1));
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  finished = static_cast<bool>(ec);
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

TEST(Runtime, ATaskIsAskedToStopThroughItsSignal) {
  observability::Registry registry;
  bool finished = false;
  asio::cancellation_signal stop;
  Runtime runtime(1, registry);
  runtime.spawn(0, "loop", waits_until_stopped(finished), &stop);
  asio::post(runtime.io(0), [&] { stop.emit(asio::cancellation_type::terminal); });
  runtime.io(0).run();  // returns once the io_context ran out of work: the task ended
  EXPECT_TRUE(finished);
  EXPECT_EQ(registry.expose().find("task_failures_total"), std::string::npos);
}

}  // namespace
}  // namespace brandos::app
