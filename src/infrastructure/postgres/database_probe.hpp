#pragma once
// DependencyProbe for PostgreSQL: one trivial round trip through this thread's pool, bounded by
// its own short deadline so a hung database makes readiness fail fast instead of hanging.
#include "application/ports/dependency_probe.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class DatabaseProbe final : public application::DependencyProbe {
 public:
  // The readiness query, also run by bench/ready.sql as the pgbench baseline.
  static constexpr const char* kSql = "SELECT 1";

  DatabaseProbe(Pool& pool, std::chrono::milliseconds timeout) : pool_(pool), timeout_(timeout) {}
  const std::string& name() const override { return name_; }
  bool required() const override { return true; }
  boost::asio::awaitable<application::ProbeResult> probe() override;

 private:
  Pool& pool_;
  std::chrono::milliseconds timeout_;
  std::string name_ = "database";
};

}  // namespace brandos::pg
