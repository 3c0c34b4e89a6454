#pragma once
// Events leave the database: the outbox relay (a leader-elected job, woken by the outbox's
// notifications) publishes to RabbitMQ when --amqp-url is set, else to this process's consumers;
// the consumers (the sales projection) apply them through their inbox. Also the analytics routes
// that read what the projection wrote.
#include <memory>
#include <vector>

#include "app/modules/database_module.hpp"
#include "app/modules/jobs_module.hpp"
#include "app/modules/route_source.hpp"
#include "application/analytics/project_sales.hpp"
#include "application/analytics/report_sales.hpp"
#include "application/events/relay_outbox.hpp"
#include "infrastructure/amqp/rabbitmq_event_publisher.hpp"
#include "infrastructure/amqp/rabbitmq_event_subscription.hpp"
#include "infrastructure/local/in_process_event_publisher.hpp"
#include "infrastructure/postgres/outbox_wake_ups.hpp"

namespace brandos::app {

class EventsModule final : public Module, public RouteSource {
 public:
  EventsModule(const Config& config, Runtime& runtime, DatabaseModule& database, JobsModule& jobs)
      : config_(config), runtime_(runtime), database_(database), jobs_(jobs) {}
  std::string_view name() const override { return "events"; }
  // Before start(): a consumer of the event stream (fed in process, or from its own queue).
  void subscribe(application::EventConsumer& consumer) { consumers_.push_back(&consumer); }
  void start() override;
  void begin_stop() override;
  void stop() override;
  void add_routes(int thread, api::Router& router) override;

 private:
  const Config& config_;
  Runtime& runtime_;
  DatabaseModule& database_;
  JobsModule& jobs_;
  std::unique_ptr<application::ProjectSales> sales_projection_;
  std::unique_ptr<local::InProcessEventPublisher> in_process_;
  std::unique_ptr<application::CircuitBreaker> broker_breaker_;  // before the publisher using it
  std::unique_ptr<amqp::RabbitMqEventPublisher> rabbitmq_;       // with --amqp-url
  std::vector<application::EventConsumer*> consumers_;
  std::vector<std::unique_ptr<amqp::RabbitMqEventSubscription>> feeds_;  // with --amqp-url
  std::unique_ptr<application::RelayOutbox> relay_;
  std::unique_ptr<pg::OutboxWakeUps> wake_ups_;
  std::vector<std::unique_ptr<application::ReportSales>> reports_;
};

}  // namespace brandos::app
