#include "app/runtime.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>

#include "infrastructure/observability/log.hpp"

namespace brandos::app {

namespace asio = boost::asio;

struct Runtime::Guards {
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
};

Runtime::Runtime(int threads, observability::Registry& registry)
    : registry_(registry), guards_(std::make_unique<Guards>()) {
  for (int i = 0; i < threads; ++i) io_.push_back(std::make_unique<asio::io_context>(1));
}

Runtime::~Runtime() {
  stop();
}

void Runtime::report_failure(std::string_view task, std::exception_ptr error) {
  observability::log_task_failure(task, error);
  if (errors_ != nullptr)
    errors_->record("task " + std::string(task), observability::what_of(error));
  registry_
      .counter("task_failures_total", "Background coroutines that ended with an exception (bugs).",
               {{"task", std::string(task)}})
      .inc();
}

void Runtime::spawn(int thread, std::string task, asio::awaitable<void> work) {
  asio::co_spawn(io(thread), std::move(work), [this, task = std::move(task)](std::exception_ptr e) {
    if (e) report_failure(task, e);
  });
}

void Runtime::run() {
  for (auto& io : io_) {
    guards_->guards.emplace_back(io->get_executor());
    threads_.emplace_back([ctx = io.get()] { ctx->run(); });
  }
}

int Runtime::wait_for_signal() {
  asio::io_context main_io;
  asio::signal_set signals(main_io, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (!ec) received = sig;
    main_io.stop();
  });
  asio::steady_timer flusher(main_io);
  std::function<void()> schedule_flush = [&] {
    flusher.expires_after(std::chrono::milliseconds(500));
    flusher.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      observability::flush_log();
      schedule_flush();
    });
  };
  schedule_flush();
  main_io.run();
  return received;
}

void Runtime::stop() {
  guards_->guards.clear();
  for (auto& io : io_)
    if (io) io->stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void Runtime::destroy_io() {
  for (auto& io : io_) io.reset();
}

}  // namespace brandos::app
