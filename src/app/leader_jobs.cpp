#include "app/leader_jobs.hpp"

#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

void leadership_changed(const application::LeaderLease& lease, std::int64_t before) {
  if (lease.epoch() != 0)
    observability::log_info("job_lease_taken")
        .str("job", lease.job())
        .num("epoch", lease.epoch())
        .write();
  else
    observability::log_warn("job_lease_lost")
        .str("job", lease.job())
        .num("epoch", before)
        .str("reason", lease.last_failure() ? lease.last_failure()->detail
                                            : std::string("held by another node"))
        .write();
}

}  // namespace

std::string lease_holder_name() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device random;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", random(), random());
  return std::string(host.data()) + ":" + std::to_string(getpid()) + ":" + suffix;
}

asio::awaitable<void> run_leader_job(application::LeaderLease& lease, LeaderJob job, JobStop& stop,
                                     observability::Counter& changes) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  application::OperationContext ctx;
  ctx.request_id = "job:" + lease.job();
  while (!stop.stopping) {
    bool again = false;
    // A bug in one run (a DatabaseBug, say) is reported (logged, counted) and the loop goes on:
    // the next run may well succeed, and a cluster without the job is worse than a reported bug.
    try {
      ctx.fence.reset();
      ctx.deadline = Clock::now() + std::chrono::seconds(5);
      const auto before = lease.epoch();
      auto fence = co_await lease.lead(ctx);
      stop.leading_epoch.store(lease.epoch(), std::memory_order_relaxed);
      if (lease.epoch() != before) {
        changes.inc();
        leadership_changed(lease, before);
      }
      if (fence && !stop.stopping) {
        ctx.fence = *fence;
        ctx.deadline = Clock::now() + job.run_budget;
        again = co_await job.run(ctx);
      }
    } catch (...) {
      if (stop.report_bug) stop.report_bug(lease.job(), std::current_exception());
    }
    if (stop.stopping) break;
    if (again) continue;
    const auto leading = lease.epoch() != 0;
    const auto next =
        leading ? std::min(Clock::now() + job.every, lease.next_check()) : lease.next_check();
    if (leading && job.wait_for_work) {
      (void)co_await job.wait_for_work(next);
      continue;
    }
    timer.expires_at(next);
    stop.waiting = &timer;
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    stop.waiting = nullptr;
  }
  ctx.fence.reset();
  ctx.deadline = Clock::now() + std::chrono::seconds(2);
  try {
    co_await lease.release(ctx);
    stop.leading_epoch.store(0, std::memory_order_relaxed);
  } catch (...) {
    if (stop.report_bug) stop.report_bug(lease.job(), std::current_exception());
  }
  if (stop.ended) stop.ended();
}

}  // namespace brandos::app
