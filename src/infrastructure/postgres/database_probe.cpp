#include "infrastructure/postgres/database_probe.hpp"

namespace brandos::pg {

boost::asio::awaitable<application::ProbeResult> DatabaseProbe::probe() {
  const auto start = Clock::now();
  application::ProbeResult result;
  static const Statement query(kSql);
  auto r = co_await pool_.execute(query, start + timeout_);
  result.up = r.has_value();
  if (!r) result.detail = to_string(r.error().kind);
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  co_return result;
}

}  // namespace brandos::pg
