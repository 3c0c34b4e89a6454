#pragma once
// A part of the service with a start and a stop: database, identity, catalog, ordering,
// customers, jobs, http, admin. serve() starts them in order on the Runtime and stops them in
// reverse, in phases, so nothing is torn down while something still uses it:
//
//   start()       on the main thread, before the I/O threads run: build per-thread state, listen
//   begin_stop()  stop taking new work (without blocking); serve() then waits, bounded, for
//                 requests in flight to be answered
//   wait_stopped(deadline)  block (bounded) until the module's own work in flight is done
//   stop()        the I/O threads are joined: release what needs the io_contexts still alive
//   close()       the io_contexts are gone: release the rest (the self-managed database last)
#include <chrono>
#include <string_view>

namespace brandos::app {

class Module {
 public:
  virtual ~Module() = default;
  virtual std::string_view name() const = 0;
  virtual void start() = 0;
  virtual void begin_stop() {}
  virtual void wait_stopped(std::chrono::steady_clock::time_point /*deadline*/) {}
  virtual void stop() {}
  virtual void close() {}
};

}  // namespace brandos::app
