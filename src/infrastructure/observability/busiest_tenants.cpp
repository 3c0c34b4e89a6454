#include "infrastructure/observability/busiest_tenants.hpp"

#include <algorithm>
#include <cstring>

namespace brandos::observability {

namespace {
std::atomic<std::uint64_t> next_id{1};
}  // namespace

std::size_t BusiestTenants::UuidHash::operator()(const domain::Uuid& u) const {
  // The last 8 bytes of a UUIDv7 are random: a good hash as they are.
  std::uint64_t h;
  std::memcpy(&h, u.bytes().data() + 8, sizeof h);
  return static_cast<std::size_t>(h);
}

BusiestTenants::BusiestTenants(std::size_t top, std::chrono::milliseconds window,
                               std::size_t tracked, Clock::time_point start)
    : top_(top),
      window_(window),
      tracked_(std::max(tracked, top)),
      start_(start),
      id_(next_id.fetch_add(1)) {}

BusiestTenants::Shard& BusiestTenants::shard() {
  // Instances are told apart by an id never reused, so a cache entry of a destroyed instance can
  // never be taken for a new one at the same address.
  thread_local std::vector<std::pair<std::uint64_t, Shard*>> mine;
  for (const auto& [id, s] : mine)
    if (id == id_) return *s;
  std::lock_guard lock(shards_mutex_);
  auto s = std::make_unique<Shard>();
  // Every shard's windows are aligned on the instance's start.
  s->window_ends = start_ + window_;
  s->open.reserve(tracked_ + 1);
  mine.emplace_back(id_, s.get());
  shards_.push_back(std::move(s));
  return *shards_.back();
}

void BusiestTenants::record(const domain::Uuid& tenant, Clock::time_point now) {
  Shard& s = shard();
  std::lock_guard lock(s.mutex);
  if (now >= s.window_ends) roll(s, now);
  ++s.open_total;
  if (auto it = s.open.find(tenant); it != s.open.end()) {
    ++it->second.count;
    return;
  }
  if (s.open.size() < tracked_) {
    s.open.emplace(tenant, Count{1, 0});
    return;
  }
  // Full: the least counted makes room, and the newcomer inherits its count (Space-Saving).
  auto least = std::min_element(s.open.begin(), s.open.end(), [](const auto& a, const auto& b) {
    return a.second.count < b.second.count;
  });
  const std::uint64_t inherited = least->second.count;
  s.open.erase(least);
  s.open.emplace(tenant, Count{inherited + 1, inherited});
}

void BusiestTenants::roll(Shard& s, Clock::time_point now) const {
  // A window that closed more than a window ago saw no requests since: the last closed one is
  // empty. Otherwise the open window is the last closed one now.
  if (now < s.window_ends + window_) {
    std::swap(s.closed, s.open);
    s.closed_total = s.open_total;
  } else {
    s.closed.clear();
    s.closed_total = 0;
  }
  s.open.clear();
  s.open_total = 0;
  const auto late = (now - s.window_ends) / window_;
  s.window_ends += window_ * (late + 1);
}

std::vector<std::pair<std::string, double>> BusiestTenants::rates(Clock::time_point now) {
  std::unordered_map<domain::Uuid, std::uint64_t, UuidHash> merged;
  std::uint64_t total = 0;
  {
    std::lock_guard lock(shards_mutex_);
    for (auto& s : shards_) {
      std::lock_guard shard_lock(s->mutex);
      if (now >= s->window_ends) roll(*s, now);
      total += s->closed_total;
      for (const auto& [tenant, c] : s->closed)
        if (c.count > c.inherited) merged[tenant] += c.count - c.inherited;
    }
  }
  std::vector<std::pair<domain::Uuid, std::uint64_t>> ranked(merged.begin(), merged.end());
  const std::size_t shown = std::min(top_, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(shown),
                    ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  const double seconds = std::chrono::duration<double>(window_).count();
  std::vector<std::pair<std::string, double>> out;
  std::uint64_t named = 0;
  for (std::size_t i = 0; i < shown; ++i) {
    out.emplace_back(ranked[i].first.to_string(), static_cast<double>(ranked[i].second) / seconds);
    named += ranked[i].second;
  }
  if (total > named) out.emplace_back("other", static_cast<double>(total - named) / seconds);
  return out;
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
