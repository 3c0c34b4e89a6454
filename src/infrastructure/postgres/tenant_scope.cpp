#include "infrastructure/postgres/tenant_scope.hpp"

#include <stdexcept>

namespace brandos::pg {

boost::asio::awaitable<Expected<std::vector<Result>>> in_tenant(Pool& pool,
                                                                const domain::Uuid& tenant,
                                                                std::vector<Statement> statements) {
  std::vector<Statement> batch;
  batch.reserve(statements.size() + 3);
  batch.emplace_back("BEGIN");
  batch.emplace_back(kSetTenant, tenant.to_string());
  for (auto& s : statements) batch.push_back(std::move(s));
  batch.emplace_back("COMMIT");
  auto r = co_await pool.pipeline(batch);
  if (!r) co_return r;
  r->erase(r->begin(), r->begin() + 2);
  r->pop_back();
  co_return r;
}

application::Failure unexpected_failure(const Error& e) {
  if (e.unavailable()) return application::failures::unavailable();
  throw std::runtime_error(std::string("database: ") + to_string(e.kind) + " " + e.sqlstate + " " +
                           e.message);
}

domain::Uuid uuid_at(const Result& r, int row, int col) {
  auto u = domain::Uuid::parse(r.text(row, col));
  if (!u) throw std::logic_error("column is not a uuid");
  return *u;
}

}  // namespace brandos::pg
