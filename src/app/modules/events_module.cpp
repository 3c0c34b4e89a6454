#include "app/modules/events_module.hpp"

#include "infrastructure/observability/breaker_metrics.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/analytics_routes.hpp"
#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

namespace {

constexpr auto kRelayPoll = std::chrono::seconds(1);  // without a notification
// Between two steps that were not full, at least this: a step's cost (a read, the consumers'
// transactions, the mark) is shared by the events that arrived meanwhile instead of being paid
// by a handful each (bench/relay.sh and bench/run.sh measure both sides of it).
constexpr auto kRelayGather = std::chrono::milliseconds(5);

}  // namespace

void EventsModule::start() {
  for (int i = 0; i < runtime_.threads(); ++i)
    reports_.push_back(std::make_unique<application::ReportSales>(database_.tenant_data(i)));

  // Consumers work on the jobs' connections, on the relay's thread.
  sales_projection_ = std::make_unique<application::ProjectSales>(database_.jobs_tenant_data());
  consumers_.insert(consumers_.begin(), sales_projection_.get());
  application::EventPublisher* publisher = nullptr;
  if (config_.amqp_url.empty()) {
    in_process_ = std::make_unique<local::InProcessEventPublisher>();
    for (auto* c : consumers_) in_process_->subscribe(*c);
    publisher = in_process_.get();
  } else {
    // The relay publishes to the broker; this node's consumers read their own queues. Nodes that
    // run no jobs publish and consume nothing.
    const auto broker = amqp::parse_amqp_url(config_.amqp_url);
    broker_breaker_ = std::make_unique<application::CircuitBreaker>(
        "rabbitmq",
        application::BreakerSettings{config_.breaker_failures,
                                     std::chrono::milliseconds(config_.breaker_window_ms),
                                     std::chrono::milliseconds(config_.breaker_open_ms), 1});
    observability::register_breaker_metrics(runtime_.registry(), *broker_breaker_);
    rabbitmq_ = std::make_unique<amqp::RabbitMqEventPublisher>(
        broker, runtime_.registry(), broker_breaker_.get(), runtime_.spans());
    publisher = rabbitmq_.get();
    if (config_.jobs)
      for (auto* c : consumers_) {
        feeds_.push_back(std::make_unique<amqp::RabbitMqEventSubscription>(
            broker, *c, c->types(), runtime_.io(0).get_executor(), runtime_.registry()));
        feeds_.back()->start();
      }
  }

  relay_ = std::make_unique<application::RelayOutbox>(
      database_.outbox_feed(), *publisher, config_.relay_batch, [] {
        return std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
      });
  wake_ups_ = std::make_unique<pg::OutboxWakeUps>(database_.connection_options("brandos-relay"));

  auto& registry = runtime_.registry();
  auto& published = registry.counter("events_published_total",
                                     "Events the relay published and the publisher confirmed.");
  registry.gauge("brandos_outbox_oldest_unpublished_seconds",
                 "Age of the oldest event waiting in the outbox, as the relay last saw it (0 on "
                 "nodes that do not lead the relay, and when none waits).",
                 {}, [relay = relay_.get()] {
                   const std::int64_t oldest = relay->oldest_unpublished_us();
                   const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
                   // Not stepping for 10 s: this node no longer leads the relay (the leader
                   // steps at least every second).
                   if (oldest == 0 || now - relay->last_step_us() > 10'000'000) return 0.0;
                   return std::max<double>(0, static_cast<double>(now - oldest) / 1e6);
                 });
  auto& failures = registry.counter("outbox_relay_failures_total",
                                    "Relay steps that failed (the events go again).");
  // From the change's commit (its transaction's time, so slightly early) to the broker's confirm
  // (or, in process, the consumers' commit): fine buckets where the 50 ms goal is.
  auto& to_confirm = registry.histogram(
      "events_commit_to_confirm_seconds",
      "From an event's transaction to its publisher confirm (consumers' commit in process).", {},
      {0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075,
       0.1,   0.15,  0.2,   0.3,   0.5,    1,    2.5,   5,    10,   30,   60});
  LeaderJob relay;
  relay.every = kRelayPoll;
  relay.run_budget = std::chrono::seconds(10);
  relay.run = [this, &published, &failures,
               &to_confirm](const application::OperationContext& ctx) -> asio::awaitable<bool> {
    auto step = co_await (*relay_)(ctx);
    if (!step) {
      failures.inc();
      observability::log_warn("outbox_relay_failed").str("error", step.error().detail).write();
      co_return false;
    }
    published.inc(step->published);
    for (const auto t : step->published_occurred_us)
      to_confirm.observe(static_cast<double>(step->confirmed_at_us - t) / 1e6);
    co_return step->read == static_cast<std::size_t>(relay_->batch()) &&
        step->published == step->read;
  };
  relay.wait_for_work =
      [this](std::chrono::steady_clock::time_point deadline) -> asio::awaitable<bool> {
    asio::steady_timer gather(co_await asio::this_coro::executor);
    gather.expires_after(std::min<std::chrono::steady_clock::duration>(
        kRelayGather, deadline - std::chrono::steady_clock::now()));
    co_await gather.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return co_await wake_ups_->wait(deadline);
  };
  jobs_.add("outbox-relay", std::move(relay));
}

void EventsModule::begin_stop() {
  for (auto& f : feeds_) f->stop();
}

// The I/O threads are joined, their io_contexts still alive: the broker threads can post their
// last answers to them (nobody runs them) and be joined.
void EventsModule::stop() {
  feeds_.clear();
  rabbitmq_.reset();
  wake_ups_.reset();  // its LISTEN connection's socket and timers belong to an io_context
}

void EventsModule::add_routes(int thread, api::Router& router) {
  api::add_analytics_routes(router, *reports_.at(static_cast<std::size_t>(thread)));
}

}  // namespace brandos::app
