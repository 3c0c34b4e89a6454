#pragma once
// Background jobs, each led by one node of the cluster at a time (ADR 0015), as tasks of the
// runtime on the first I/O thread: the unpaid-order expiry and the housekeeping (idempotency
// keys, published events, the inbox) built in, and what other modules add before start() (the
// outbox relay). With --jobs=off this node leads none of them.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/leader_jobs.hpp"
#include "app/modules/database_module.hpp"
#include "application/ordering/expire_unpaid_orders.hpp"
#include "application/ordering/manage_orders.hpp"

namespace brandos::app {

class JobsModule final : public Module {
 public:
  JobsModule(const Config& config, Runtime& runtime, DatabaseModule& database,
             const application::ResourceDocuments& documents, application::IdGenerator& ids,
             application::BusinessMetrics& business)
      : config_(config),
        runtime_(runtime),
        database_(database),
        documents_(documents),
        ids_(ids),
        business_(business) {}
  std::string_view name() const override { return "jobs"; }
  // Before start(): a job this node may lead, under the lease named `job` ([a-z0-9-]).
  void add(std::string job, LeaderJob run);
  void start() override;
  void begin_stop() override;
  void wait_stopped(std::chrono::steady_clock::time_point deadline) override;

 private:
  struct Entry {
    std::string job;
    LeaderJob run;
    std::unique_ptr<application::LeaderLease> lease;
    JobStop stop;
  };
  void add_maintenance();

  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  const application::ResourceDocuments& documents_;
  application::IdGenerator& ids_;
  application::BusinessMetrics& business_;
  // The expiry's own use cases, on the jobs' connections.
  std::unique_ptr<application::ManageOrders> orders_;
  std::unique_ptr<application::ExpireUnpaidOrders> expire_;
  std::vector<std::unique_ptr<Entry>> entries_;
  std::mutex mutex_;
  std::condition_variable ended_cv_;
  std::size_t ended_ = 0;
};

}  // namespace brandos::app
