#include "infrastructure/postgres/database_probe.hpp"

namespace brandos::pg {

boost::asio::awaitable<application::ProbeResult> DatabaseProbe::probe() {
  const auto start = Clock::now();
  application::ProbeResult result;
  auto c = co_await pool_.acquire();
  if (c) {
    static const Statement query(kSql);
    auto r = co_await (*c)->execute(query, start + timeout_);
    result.up = r.has_value();
    if (!r) result.detail = to_string(r.error().kind);
  } else {
    result.detail = to_string(c.error().kind);
  }
  result.latency = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  co_return result;
}

}  // namespace brandos::pg
