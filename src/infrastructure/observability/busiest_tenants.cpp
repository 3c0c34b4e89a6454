#include "infrastructure/observability/busiest_tenants.hpp"

#include <algorithm>
#include <cstring>

namespace brandos::observability {

std::size_t BusiestTenants::UuidHash::operator()(const domain::Uuid& u) const {
  // The last 8 bytes of a UUIDv7 are random: a good hash as they are.
  std::uint64_t h;
  std::memcpy(&h, u.bytes().data() + 8, sizeof h);
  return static_cast<std::size_t>(h);
}

BusiestTenants::BusiestTenants(std::size_t top, std::chrono::milliseconds window,
                               std::size_t tracked)
    : top_(top),
      window_(window),
      tracked_(std::max(tracked, top)),
      window_ends_(Clock::now() + window) {
  counts_.reserve(tracked_ + 1);
}

void BusiestTenants::record(const domain::Uuid& tenant, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now >= window_ends_) roll(now);
  ++total_;
  if (auto it = counts_.find(tenant); it != counts_.end()) {
    ++it->second.count;
    return;
  }
  if (counts_.size() < tracked_) {
    counts_.emplace(tenant, Count{1, 0});
    return;
  }
  // Full: the least counted makes room, and the newcomer inherits its count (Space-Saving).
  auto least = std::min_element(counts_.begin(), counts_.end(), [](const auto& a, const auto& b) {
    return a.second.count < b.second.count;
  });
  const std::uint64_t inherited = least->second.count;
  counts_.erase(least);
  counts_.emplace(tenant, Count{inherited + 1, inherited});
}

void BusiestTenants::roll(Clock::time_point now) {
  published_.clear();
  // A window that closed more than a window ago saw no requests since: nothing to publish.
  if (now < window_ends_ + window_) {
    std::vector<std::pair<domain::Uuid, Count>> ranked(counts_.begin(), counts_.end());
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    const double seconds = std::chrono::duration<double>(window_).count();
    std::uint64_t shown = 0;
    for (std::size_t i = 0; i < ranked.size() && i < top_; ++i) {
      const std::uint64_t own = ranked[i].second.count - ranked[i].second.inherited;
      published_.emplace_back(ranked[i].first.to_string(), static_cast<double>(own) / seconds);
      shown += own;
    }
    if (total_ > shown)
      published_.emplace_back("other", static_cast<double>(total_ - shown) / seconds);
  }
  counts_.clear();
  total_ = 0;
  // Windows stay aligned to the first one, so every window is a whole window long.
  const auto late = (now - window_ends_) / window_;
  window_ends_ += window_ * (late + 1);
}

std::vector<std::pair<std::string, double>> BusiestTenants::rates(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (now >= window_ends_) roll(now);
  return published_;
}

void BusiestTenants::register_metrics(Registry& registry) {
  registry.gauges("brandos_tenant_requests_per_second",
                  "Authenticated requests per second of the busiest tenants over the last closed "
                  "window; the rest under tenant=\"other\".",
                  [this] {
                    std::vector<Registry::Sample> out;
                    for (auto& [tenant, rate] : rates())
                      out.push_back({render_labels({{"tenant", tenant}}), rate});
                    return out;
                  });
}

}  // namespace brandos::observability
