#pragma once
// An explicit transaction that keeps its pooled connection until commit or rollback. BEGIN is not
// a round trip of its own: it is sent in the same pipeline as the first statements. A transaction
// dropped without commit is rolled back by the pool before the connection is reused, so an
// early return or an exception never leaves half-written data behind.
//
// Thread-safety: none; use from the coroutine that began it, on the pool's executor.
#include <boost/asio/awaitable.hpp>
#include <span>
#include <string>
#include <vector>

#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

enum class Isolation { read_committed, repeatable_read, serializable };

class Transaction {
 public:
  static boost::asio::awaitable<Expected<Transaction>> begin(
      Pool& pool, Isolation isolation = Isolation::read_committed);

  Transaction(Transaction&&) noexcept = default;
  Transaction& operator=(Transaction&&) noexcept = default;

  boost::asio::awaitable<Expected<Result>> execute(const Statement& statement);
  boost::asio::awaitable<Expected<std::vector<Result>>> pipeline(std::span<const Statement> batch);
  // Fails if any statement of the transaction failed; the transaction is then rolled back.
  boost::asio::awaitable<Expected<void>> commit();
  boost::asio::awaitable<Expected<void>> rollback();

 private:
  Transaction(PooledConnection c, std::string begin_sql, std::chrono::milliseconds timeout)
      : conn_(std::move(c)), begin_sql_(std::move(begin_sql)), timeout_(timeout) {}
  boost::asio::awaitable<Expected<void>> finish(const char* sql);

  PooledConnection conn_;
  std::string begin_sql_;  // emptied once BEGIN went out
  std::chrono::milliseconds timeout_;
  bool failed_ = false;
  bool done_ = false;
};

}  // namespace brandos::pg
