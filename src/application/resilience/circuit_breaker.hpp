#pragma once
// The circuit breaker every outbound dependency goes through (the payment gateway, PostgreSQL):
// when a dependency keeps failing, callers are refused at once (503 with Retry-After) instead of
// queueing for something that will not answer, and the dependency gets room to recover.
//
//   closed     calls go; `failures` failures within `window` (no success in between) open it
//   open       calls are refused for `open_for`; then it is half-open
//   half_open  `probes` calls go at a time; a success closes it, a failure opens it again
//
// A probe whose outcome is never reported (its caller was cancelled) counts as failed once
// `open_for` has passed since it went, so the breaker can never stay half-open for good.
//
// Thread-safety: all members may be called from any thread (one mutex, held for a few
// instructions); state() and the counters are lock-free reads for metrics.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace brandos::application {

struct BreakerSettings {
  int failures = 5;
  std::chrono::milliseconds window{10'000};
  std::chrono::milliseconds open_for{5'000};
  int probes = 1;
};

enum class BreakerState { closed = 0, open = 1, half_open = 2 };
const char* to_string(BreakerState state);

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;

  CircuitBreaker(std::string dependency, BreakerSettings settings)
      : dependency_(std::move(dependency)), settings_(settings) {}

  struct Permit {
    bool allowed = false;
    bool probe = false;                     // report its outcome: it decides the state
    std::chrono::milliseconds retry_after;  // when refused: until the next probe may go
    std::uint64_t cycle = 0;  // which opening a probe was let through for: a late report of a
                              // probe written off is ignored by later cycles
  };
  // Whether a call may go now. Each allowed call must report succeeded() or failed().
  Permit admit(Clock::time_point now = Clock::now());
  // Whether a call now would be refused, without asking for a permit (nor counting a refusal):
  // the wait until it would not be, or nullopt. For refusing work before it starts.
  std::optional<std::chrono::milliseconds> refusing(Clock::time_point now = Clock::now());
  void succeeded(const Permit& permit, Clock::time_point now = Clock::now());
  void failed(const Permit& permit, Clock::time_point now = Clock::now());
  // The dependency is known to be back (its supervisor just started it again): an open breaker
  // lets its probe go with the next call instead of waiting out the rest of its open period.
  // The probe still decides, as always.
  void allow_probe_now(Clock::time_point now = Clock::now());

  const std::string& dependency() const { return dependency_; }
  BreakerState state() const { return state_.load(std::memory_order_relaxed); }
  std::uint64_t opened_total() const { return opened_.load(std::memory_order_relaxed); }
  std::uint64_t refused_total() const { return refused_.load(std::memory_order_relaxed); }

 private:
  void open(Clock::time_point now);  // mutex held

  const std::string dependency_;
  const BreakerSettings settings_;
  std::mutex mutex_;
  int failures_ = 0;
  Clock::time_point first_failure_{};
  Clock::time_point opened_at_{};
  int probes_out_ = 0;
  Clock::time_point last_probe_{};
  std::atomic<BreakerState> state_{BreakerState::closed};
  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> refused_{0};
};

// Seconds for a Retry-After header: at least 1.
int retry_after_seconds(std::chrono::milliseconds wait);

}  // namespace brandos::application
