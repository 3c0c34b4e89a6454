#pragma once
// Runs a coroutine to completion on a test's io_context and returns its result (rethrowing
// whatever it threw), so driver tests read like ordinary sequential code.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace brandos::testing {

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> task) {
  auto future = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

}  // namespace brandos::testing
