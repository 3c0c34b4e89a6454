#include "application/resilience/circuit_breaker.hpp"

#include <algorithm>

namespace brandos::application {

const char* to_string(BreakerState s) {
  switch (s) {
    case BreakerState::closed:
      return "closed";
    case BreakerState::open:
      return "open";
    case BreakerState::half_open:
      return "half_open";
  }
  return "closed";
}

int retry_after_seconds(std::chrono::milliseconds wait) {
  return static_cast<int>(std::max<std::int64_t>(1, (wait.count() + 999) / 1000));
}

void CircuitBreaker::open(Clock::time_point now) {
  opened_at_ = now;
  probes_out_ = 0;
  failures_ = 0;
  state_.store(BreakerState::open, std::memory_order_relaxed);
  opened_.fetch_add(1, std::memory_order_relaxed);
}

CircuitBreaker::Permit CircuitBreaker::admit(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  switch (state_.load(std::memory_order_relaxed)) {
    case BreakerState::closed:
      return {true, false, {}};
    case BreakerState::open:
      if (now - opened_at_ < settings_.open_for) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return {false, false,
                std::chrono::duration_cast<std::chrono::milliseconds>(settings_.open_for -
                                                                      (now - opened_at_))};
      }
      state_.store(BreakerState::half_open, std::memory_order_relaxed);
      probes_out_ = 0;
      [[fallthrough]];
    case BreakerState::half_open:
      // A probe lost without a report is written off after open_for.
      if (probes_out_ > 0 && now - last_probe_ >= settings_.open_for) probes_out_ = 0;
      if (probes_out_ < settings_.probes) {
        ++probes_out_;
        last_probe_ = now;
        return {true, true, {}, opened_.load(std::memory_order_relaxed)};
      }
      refused_.fetch_add(1, std::memory_order_relaxed);
      return {false, false, settings_.open_for};
  }
  return {true, false, {}};
}

std::optional<std::chrono::milliseconds> CircuitBreaker::refusing(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  switch (state_.load(std::memory_order_relaxed)) {
    case BreakerState::closed:
      return std::nullopt;
    case BreakerState::open:
      if (now - opened_at_ < settings_.open_for) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return std::chrono::duration_cast<std::chrono::milliseconds>(settings_.open_for -
                                                                     (now - opened_at_));
      }
      return std::nullopt;  // the next call may be the probe
    case BreakerState::half_open:
      if (probes_out_ >= settings_.probes && now - last_probe_ < settings_.open_for) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return settings_.open_for;
      }
      return std::nullopt;
  }
  return std::nullopt;
}

void CircuitBreaker::allow_probe_now(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (state_.load(std::memory_order_relaxed) == BreakerState::open)
    opened_at_ = now - settings_.open_for;
}

void CircuitBreaker::succeeded(const Permit& permit, Clock::time_point) {
  std::lock_guard lock(mutex_);
  failures_ = 0;
  if (permit.probe && state_.load(std::memory_order_relaxed) == BreakerState::half_open &&
      permit.cycle == opened_.load(std::memory_order_relaxed)) {
    probes_out_ = 0;
    state_.store(BreakerState::closed, std::memory_order_relaxed);
  }
}

void CircuitBreaker::failed(const Permit& permit, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  const BreakerState s = state_.load(std::memory_order_relaxed);
  if (s == BreakerState::half_open) {
    if (permit.probe && permit.cycle == opened_.load(std::memory_order_relaxed)) open(now);
    return;
  }
  if (s == BreakerState::open) return;  // a call admitted before it opened
  if (failures_ == 0 || now - first_failure_ > settings_.window) {
    failures_ = 0;
    first_failure_ = now;
  }
  if (++failures_ >= settings_.failures) open(now);
}

}  // namespace brandos::application
