#pragma once
// This node's claim to lead one background job: renews the job's lease on time while it leads,
// tries to take it while it does not, and stops leading as soon as it cannot be sure of the
// lease by its own clock (renewal failed and the lease's time, counted from before the request
// that took it, ran out). What it leads with is the fence: the writes of a job carry it, and the
// database refuses a stale one even when this clock is wrong (ADR 0015).
//
// Thread-safety: none; one job loop owns it.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "application/operation_context.hpp"
#include "application/ports/job_leases.hpp"

namespace brandos::application {

class LeaderLease {
 public:
  using Clock = std::chrono::steady_clock;
  // Renewal (and, while another node leads, the next attempt) comes every ttl / 3.
  LeaderLease(JobLeases& leases, std::string job, std::string holder,
              std::chrono::milliseconds ttl);

  // Renews or takes the lease when due; the fence while this node leads, else empty.
  [[nodiscard]] boost::asio::awaitable<std::optional<JobFence>> lead(const OperationContext& ctx);
  // When lead() should be called next.
  Clock::time_point next_check() const { return next_check_; }
  // Lets the lease lapse at once (a clean stop), so the next leader need not wait for it.
  boost::asio::awaitable<void> release(const OperationContext& ctx);

  const std::string& job() const { return job_; }
  std::int64_t epoch() const { return epoch_; }  // 0 while not leading
  // The failure of the last attempt to take or renew, if it failed.
  const std::optional<Failure>& last_failure() const { return last_failure_; }

 private:
  JobLeases& leases_;
  std::string job_;
  std::string holder_;
  std::chrono::milliseconds ttl_;
  std::int64_t epoch_ = 0;
  Clock::time_point valid_until_{};
  Clock::time_point next_check_{};
  std::optional<Failure> last_failure_;
};

}  // namespace brandos::application
