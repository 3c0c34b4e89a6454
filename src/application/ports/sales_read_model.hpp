#pragma once
// Port: the sales read model (orders placed and not cancelled, and their totals, per UTC hour of
// placement and currency), written only by the sales projection.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"

namespace brandos::application {

// An order counted in (+1) or out (-1) of the sales of the hour it was placed in; the order is
// read from the event's envelope (its data is the order resource: created_at, total, currency).
struct SaleChange {
  int orders = 1;
  std::string event_envelope_json;
};

enum class SalesGranularity { hour, day };

struct SalesBucket {
  std::string bucket_start;  // RFC 3339 UTC
  std::int64_t orders = 0;
  std::int64_t revenue = 0;  // minor units
  std::string currency;
};

struct SalesReport {
  std::vector<SalesBucket> buckets;  // oldest first, then by currency
  std::optional<std::string> as_of;  // the newest event applied; empty: none yet
};

class SalesReadModel {
 public:
  virtual ~SalesReadModel() = default;
  // Queued with the unit of work's next round trip or commit.
  virtual void apply(const std::vector<SaleChange>& changes) = 0;
  // Buckets starting in [from, to) (unix microseconds), by hour or UTC day.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<SalesReport>> report(
      std::int64_t from_us, std::int64_t to_us, SalesGranularity granularity) = 0;
};

}  // namespace brandos::application
