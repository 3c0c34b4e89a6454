#pragma once
// What the process runs on: one io_context per I/O thread (thread per core: each with its own
// database connections, so the hot path takes no locks), the threads that run them, a task group
// whose coroutines report an exception instead of losing it, and the main thread waiting for
// SIGTERM/SIGINT. Modules (app/module.hpp) start and stop on it in order.
//
// Thread-safety: construct, run, wait, stop and destroy from the main thread; spawn() and
// report_failure() from any thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "infrastructure/observability/error_tracker.hpp"
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {
class SpanExporter;
}

namespace brandos::app {

class Runtime {
 public:
  Runtime(int threads, observability::Registry& registry);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  int threads() const { return static_cast<int>(io_.size()); }
  boost::asio::io_context& io(int thread) { return *io_.at(static_cast<std::size_t>(thread)); }
  observability::Registry& registry() { return registry_; }

  // Runs `work` on thread `thread`. An exception it ends with is a bug: logged as task_failed
  // and counted in brandos_task_failures_total{task}.
  void spawn(int thread, std::string task, boost::asio::awaitable<void> work);
  // For coroutines spawned by others (HTTP sessions): the same logging and counting.
  void report_failure(std::string_view task, std::exception_ptr error);
  // Failures reported from now on are also grouped in `errors` (may be null; must outlive this).
  void track_errors(observability::ErrorTracker* errors) { errors_ = errors; }
  // Where the node's spans go; null when tracing is off.
  void trace_with(observability::SpanExporter* spans) { spans_ = spans; }
  observability::SpanExporter* spans() const { return spans_; }

  // Starts one thread per io_context.
  void run();
  // Blocks until SIGTERM or SIGINT, flushing the log twice a second; returns the signal.
  int wait_for_signal();
  // Stops the io_contexts (what is still queued is abandoned) and joins their threads.
  void stop();
  // Destroys the io_contexts, and with them every coroutine still suspended on them (their
  // destructors release what they hold: call after the modules' stop()).
  void destroy_io();

 private:
  observability::Registry& registry_;
  observability::ErrorTracker* errors_ = nullptr;
  observability::SpanExporter* spans_ = nullptr;
  std::vector<std::unique_ptr<boost::asio::io_context>> io_;
  std::vector<std::thread> threads_;
  struct Guards;
  std::unique_ptr<Guards> guards_;
};

}  // namespace brandos::app
