#include "app/modules/jobs_module.hpp"

#include <boost/asio/post.hpp>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {

constexpr int kExpiryBatch = 500;
constexpr int kHousekeepingBatch = 1000;
constexpr auto kHousekeepingEvery = std::chrono::hours(1);

void job_failed(const char* job, const std::string& error) {
  observability::log_warn("job_failed").str("job", job).str("error", error).write();
}

// Deletes in bounded batches, each its own short fenced transaction, until a batch comes back
// short, the run's time is up or the lease is gone. How many went.
template <class Step>
asio::awaitable<std::int64_t> in_batches(const char* what, const application::OperationContext& ctx,
                                         Step step) {
  std::int64_t total = 0;
  for (;;) {
    auto gone = co_await step();
    if (!gone) {
      job_failed(what, gone.error().detail);
      break;
    }
    total += *gone;
    if (*gone < kHousekeepingBatch || std::chrono::steady_clock::now() >= ctx.deadline) break;
  }
  if (total > 0)
    observability::log_info("housekeeping").str("what", what).num("rows", total).write();
  co_return total;
}

}  // namespace

void JobsModule::add(std::string job, LeaderJob run) {
  auto e = std::make_unique<Entry>();
  e->job = std::move(job);
  e->run = std::move(run);
  entries_.push_back(std::move(e));
}

void JobsModule::add_maintenance() {
  orders_ = std::make_unique<application::ManageOrders>(database_.jobs_tenant_data(), documents_,
                                                        ids_, 1, nullptr, &business_);
  expire_ =
      std::make_unique<application::ExpireUnpaidOrders>(database_.jobs_maintenance(), *orders_);
  const auto interval = std::chrono::seconds(config_.job_interval_s);
  const auto timeout = std::chrono::seconds(config_.unpaid_order_timeout_s);

  LeaderJob expiry;
  expiry.every = interval;
  expiry.run_budget = interval;
  expiry.run = [this, timeout](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto run = co_await (*expire_)(ctx, timeout, kExpiryBatch, nullptr);
    if (!run) {
      job_failed("unpaid-order-expiry", run.error().detail);
      co_return false;
    }
    if (run->cancelled > 0)
      observability::log_info("unpaid_orders_cancelled")
          .num("orders", static_cast<std::int64_t>(run->cancelled))
          .write();
    if (run->failed > 0)
      job_failed("unpaid-order-expiry",
                 std::to_string(run->failed) + " orders could not be cancelled this run");
    // A full batch: more are due now.
    co_return run->cancelled + run->failed >= kExpiryBatch;
  };
  add("unpaid-order-expiry", std::move(expiry));

  // Idempotency keys older than 24 h, events published longer ago than the retention, inbox
  // entries older than 7 days: hourly.
  LeaderJob housekeeping;
  housekeeping.every = kHousekeepingEvery;
  housekeeping.run_budget = interval;
  const auto retention = std::chrono::hours(config_.outbox_retention_h);
  housekeeping.run =
      [this, retention](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto& maintenance = database_.jobs_maintenance();
    auto& outbox = database_.outbox_feed();
    co_await in_batches("idempotency_keys", ctx, [&]() {
      return maintenance.reap_idempotency_keys(ctx, std::chrono::hours(24), kHousekeepingBatch);
    });
    co_await in_batches("published_events", ctx, [&]() {
      return outbox.prune_published(ctx, retention, kHousekeepingBatch);
    });
    co_await in_batches("inbox", ctx, [&]() {
      return outbox.reap_inbox(ctx, std::chrono::hours(24 * 7), kHousekeepingBatch);
    });
    co_return false;
  };
  add("housekeeping", std::move(housekeeping));
}

void JobsModule::start() {
  if (!config_.jobs) {
    observability::log_info("jobs_off")
        .str("hint", "another node leads the background jobs")
        .write();
    return;
  }
  add_maintenance();
  const std::string holder = lease_holder_name();
  auto& changes_family = runtime_.registry();
  for (auto& e : entries_) {
    e->lease = std::make_unique<application::LeaderLease>(
        database_.job_leases(), e->job, holder, std::chrono::milliseconds(config_.job_lease_ms));
    e->stop.ended = [this] {
      std::lock_guard lock(mutex_);
      ++ended_;
      ended_cv_.notify_all();
    };
    e->stop.report_bug = [this](std::string_view job, std::exception_ptr ex) {
      runtime_.report_failure(job, ex);
    };
    auto* entry = e.get();
    changes_family.gauge(
        "job_leader", "1 while this node leads the job.", {{"job", e->job}}, [entry] {
          return entry->stop.leading_epoch.load(std::memory_order_relaxed) != 0 ? 1.0 : 0.0;
        });
    changes_family.gauge(
        "job_lease_epoch", "The epoch this node leads the job with (0: none).", {{"job", e->job}},
        [entry] {
          return static_cast<double>(entry->stop.leading_epoch.load(std::memory_order_relaxed));
        });
    auto& changes =
        changes_family.counter("job_leadership_changes_total",
                               "Times this node took or lost the job's lease.", {{"job", e->job}});
    runtime_.spawn(0, "job:" + e->job, run_leader_job(*e->lease, e->run, e->stop, changes));
  }
  observability::log_info("jobs_started")
      .str("holder", holder)
      .num("jobs", static_cast<std::int64_t>(entries_.size()))
      .num("lease_ms", static_cast<std::int64_t>(config_.job_lease_ms))
      .write();
}

// Each loop ends after the run it is on (or at once, when it is waiting for its next run), and
// lets its lease lapse for the next leader.
void JobsModule::begin_stop() {
  if (entries_.empty() || !entries_.front()->lease) return;
  asio::post(runtime_.io(0), [this] {
    for (auto& e : entries_) {
      e->stop.stopping = true;
      if (e->stop.waiting) e->stop.waiting->cancel();
    }
  });
}

// Past the bound, a run still going is abandoned with the io_context: what it was writing either
// committed whole or rolls back with its connection, so nothing half-done stays behind.
void JobsModule::wait_stopped(std::chrono::steady_clock::time_point deadline) {
  if (entries_.empty() || !entries_.front()->lease) return;
  std::unique_lock lock(mutex_);
  ended_cv_.wait_until(lock, deadline, [this] { return ended_ == entries_.size(); });
}

}  // namespace brandos::app
