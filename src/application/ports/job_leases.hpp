#pragma once
// Port: leases that elect one node to run each background job, on the database's clock. A lease
// comes with an epoch that grows with every change of holder (the fencing token): the job puts
// it in its OperationContext, and the unit of work refuses its writes once the epoch is stale.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "application/failure.hpp"
#include "application/operation_context.hpp"

namespace brandos::application {

class JobLeases {
 public:
  virtual ~JobLeases() = default;
  // Takes `job` for `holder`, or renews it, for `ttl` from the database's now. The epoch when
  // `holder` holds it afterwards; empty while another holder's lease runs.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::optional<std::int64_t>>> take(
      const OperationContext& ctx, const std::string& job, const std::string& holder,
      std::chrono::milliseconds ttl) = 0;
  // Lets the lease lapse now (a clean stop), if `holder` still holds it at `epoch`.
  virtual boost::asio::awaitable<void> release(const OperationContext& ctx, const std::string& job,
                                               const std::string& holder, std::int64_t epoch) = 0;
};

}  // namespace brandos::application
