#include "app/modules/events_module.hpp"

#include "api/analytics_routes.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {

constexpr auto kRelayPoll = std::chrono::seconds(1);  // without a notification

}  // namespace

void EventsModule::start() {
  for (int i = 0; i < runtime_.threads(); ++i)
    reports_.push_back(std::make_unique<application::ReportSales>(database_.tenant_data(i)));

  // Consumers work on the jobs' connections, on the relay's thread.
  sales_projection_ = std::make_unique<application::ProjectSales>(database_.jobs_tenant_data());
  in_process_ = std::make_unique<local::InProcessEventPublisher>();
  in_process_->subscribe(*sales_projection_);
  application::EventPublisher* publisher = in_process_.get();

  relay_ = std::make_unique<application::RelayOutbox>(database_.outbox_feed(), *publisher,
                                                      config_.relay_batch);
  wake_ups_ = std::make_unique<pg::OutboxWakeUps>(database_.connection_options("brandos-relay"));

  auto& registry = runtime_.registry();
  auto& published = registry.counter("events_published_total",
                                     "Events the relay published and the publisher confirmed.");
  auto& failures = registry.counter("outbox_relay_failures_total",
                                    "Relay steps that failed (the events go again).");
  LeaderJob relay;
  relay.every = kRelayPoll;
  relay.run_budget = std::chrono::seconds(10);
  relay.run = [this, &published,
               &failures](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto step = co_await (*relay_)(ctx);
    if (!step) {
      failures.inc();
      observability::log_warn("outbox_relay_failed").str("error", step.error().detail).write();
      co_return false;
    }
    published.inc(step->published);
    co_return step->read == static_cast<std::size_t>(relay_->batch()) &&
        step->published == step->read;
  };
  relay.wait_for_work = [this](std::chrono::steady_clock::time_point deadline) {
    return wake_ups_->wait(deadline);
  };
  jobs_.add("outbox-relay", std::move(relay));
}

void EventsModule::add_routes(int thread, api::Router& router) {
  api::add_analytics_routes(router, *reports_.at(static_cast<std::size_t>(thread)));
}

}  // namespace brandos::app
