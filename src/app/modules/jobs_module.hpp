#pragma once
// Background jobs (unpaid-order expiry, idempotency-key reaping) on the first I/O thread, as a
// task of the runtime: an exception is reported, and begin_stop() asks the loop to finish.
#include <condition_variable>
#include <memory>
#include <mutex>

#include "app/background_jobs.hpp"
#include "app/modules/commerce_modules.hpp"

namespace brandos::app {

class JobsModule final : public Module {
 public:
  JobsModule(const Config& config, Runtime& runtime, DatabaseModule& database,
             OrderingModule& ordering)
      : config_(config), runtime_(runtime), database_(database), ordering_(ordering) {}
  std::string_view name() const override { return "jobs"; }
  void start() override;
  void begin_stop() override;
  void wait_stopped(std::chrono::steady_clock::time_point deadline) override;

 private:
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  OrderingModule& ordering_;
  std::unique_ptr<application::ExpireUnpaidOrders> expire_;
  JobStop stop_;
  std::mutex mutex_;
  std::condition_variable ended_cv_;
  bool ended_ = false;
};

}  // namespace brandos::app
