#pragma once
// Port: the business as an operator watches it — orders created, paid and cancelled, revenue and
// refunds per currency. Called after the commit that made the change, by whoever made it, so
// each change counts once (a crash between the commit and the call loses a count: these are
// rates to watch, the database is the record).
//
// Thread-safety: called from any I/O thread.
#include <cstddef>
#include <cstdint>
#include <string>

namespace brandos::application {

class BusinessMetrics {
 public:
  virtual ~BusinessMetrics() = default;
  virtual void orders_created(std::size_t orders) = 0;
  virtual void order_paid(const std::string& currency, std::int64_t amount) = 0;
  virtual void order_cancelled() = 0;
  virtual void refunded(const std::string& currency, std::int64_t amount) = 0;
};

}  // namespace brandos::application
