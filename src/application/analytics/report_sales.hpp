#pragma once
// GET /v1/analytics/sales: the sales read model, by hour or UTC day (manager and above).
#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "application/ports/unit_of_work.hpp"

namespace brandos::application {

struct SalesQuery {
  std::int64_t from_us = 0;  // unix microseconds, inclusive
  std::int64_t to_us = 0;    // exclusive
  SalesGranularity granularity = SalesGranularity::day;
};

class ReportSales {
 public:
  explicit ReportSales(TenantData& data) : data_(data) {}
  // 422 when `to` is not after `from`, or the range holds more than 1,000 buckets.
  [[nodiscard]] boost::asio::awaitable<Outcome<SalesReport>> operator()(
      const OperationContext& ctx, const SalesQuery& query) const;

 private:
  TenantData& data_;
};

}  // namespace brandos::application
