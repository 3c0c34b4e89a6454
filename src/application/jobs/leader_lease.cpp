#include "application/jobs/leader_lease.hpp"

namespace brandos::application {

namespace asio = boost::asio;

LeaderLease::LeaderLease(JobLeases& leases, std::string job, std::string holder,
                         std::chrono::milliseconds ttl)
    : leases_(leases), job_(std::move(job)), holder_(std::move(holder)), ttl_(ttl) {}

asio::awaitable<std::optional<JobFence>> LeaderLease::lead(const OperationContext& ctx) {
  const auto asked = Clock::now();
  if (epoch_ != 0 && asked < next_check_) co_return JobFence{job_, epoch_};
  if (epoch_ == 0 && asked < next_check_) co_return std::nullopt;
  next_check_ = asked + ttl_ / 3;
  auto taken = co_await leases_.take(ctx, job_, holder_, ttl_);
  if (!taken) {
    last_failure_ = taken.error();
    // The database said nothing: this node leads only while the lease it last had surely runs
    // (counted from before the request that renewed it, so never longer than the database's).
    if (epoch_ != 0 && Clock::now() < valid_until_) co_return JobFence{job_, epoch_};
    epoch_ = 0;
    co_return std::nullopt;
  }
  last_failure_.reset();
  if (!*taken) {
    epoch_ = 0;
    co_return std::nullopt;
  }
  epoch_ = **taken;
  valid_until_ = asked + ttl_;
  // A renewal that came back too late to be sure of is not leading: the lease may have lapsed
  // and been taken meanwhile (the fence would refuse the writes; better not to try them).
  if (Clock::now() >= valid_until_) {
    epoch_ = 0;
    co_return std::nullopt;
  }
  co_return JobFence{job_, epoch_};
}

asio::awaitable<void> LeaderLease::release(const OperationContext& ctx) {
  if (epoch_ == 0) co_return;
  const auto epoch = epoch_;
  epoch_ = 0;
  co_await leases_.release(ctx, job_, holder_, epoch);
}

}  // namespace brandos::application
