#pragma once
// The relay's wake-up: LISTEN brandos_outbox on a connection of its own (migration 0013 notifies
// at the commit of every outbox write). Without a listening connection the wait simply lasts to
// its deadline: the relay polls, so a lost notification or a dropped connection only delays.
//
// Thread-safety: none; the relay's loop owns it, on its io_context.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "infrastructure/postgres/connection.hpp"

namespace brandos::pg {

class OutboxWakeUps {
 public:
  explicit OutboxWakeUps(ConnectionOptions options) : options_(std::move(options)) {}
  // Waits until an outbox write commits or `deadline` passes; true for the former.
  boost::asio::awaitable<bool> wait(Clock::time_point deadline);

 private:
  boost::asio::awaitable<bool> listen();
  ConnectionOptions options_;
  std::unique_ptr<Connection> conn_;
  Clock::time_point next_connect_{};
};

}  // namespace brandos::pg
