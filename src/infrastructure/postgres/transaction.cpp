#include "infrastructure/postgres/transaction.hpp"

namespace brandos::pg {

namespace asio = boost::asio;

asio::awaitable<Expected<Transaction>> Transaction::begin(Pool& pool, Isolation isolation) {
  auto c = co_await pool.acquire();
  if (!c) co_return std::unexpected(std::move(c.error()));
  const char* sql = "BEGIN";
  if (isolation == Isolation::repeatable_read) sql = "BEGIN ISOLATION LEVEL REPEATABLE READ";
  if (isolation == Isolation::serializable) sql = "BEGIN ISOLATION LEVEL SERIALIZABLE";
  co_return Transaction(std::move(*c), sql, pool.options().query_timeout);
}

asio::awaitable<Expected<std::vector<Result>>> Transaction::pipeline(
    std::span<const Statement> batch) {
  if (done_) co_return std::unexpected(Error{ErrorKind::protocol, "", "transaction is finished"});
  if (failed_)
    co_return std::unexpected(Error{ErrorKind::other, "25P02", "transaction already failed"});
  const auto deadline = Clock::now() + timeout_;
  Expected<std::vector<Result>> r;
  if (!begin_sql_.empty()) {
    std::vector<Statement> with_begin;
    with_begin.reserve(batch.size() + 1);
    with_begin.emplace_back(std::move(begin_sql_));
    begin_sql_.clear();
    with_begin.insert(with_begin.end(), batch.begin(), batch.end());
    r = co_await conn_->pipeline(with_begin, deadline);
    if (r) r->erase(r->begin());
  } else {
    r = co_await conn_->pipeline(batch, deadline);
  }
  if (!r) failed_ = true;
  co_return r;
}

asio::awaitable<Expected<Result>> Transaction::execute(const Statement& statement) {
  auto r = co_await pipeline(std::span<const Statement>(&statement, 1));
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return std::move(r->front());
}

asio::awaitable<Expected<void>> Transaction::finish(const char* sql) {
  done_ = true;
  if (!begin_sql_.empty()) co_return Expected<void>{};  // nothing was ever sent
  auto r = co_await conn_->execute(Statement(sql), Clock::now() + timeout_);
  conn_ = PooledConnection();  // back to the pool now, not when the object goes away
  if (!r) co_return std::unexpected(std::move(r.error()));
  co_return Expected<void>{};
}

asio::awaitable<Expected<void>> Transaction::commit() {
  if (failed_) {
    co_await finish("ROLLBACK");
    co_return std::unexpected(Error{ErrorKind::other, "25P02", "transaction failed; rolled back"});
  }
  co_return co_await finish("COMMIT");
}

asio::awaitable<Expected<void>> Transaction::rollback() {
  co_return co_await finish("ROLLBACK");
}

}  // namespace brandos::pg
