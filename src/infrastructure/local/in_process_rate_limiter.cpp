#include "infrastructure/local/in_process_rate_limiter.hpp"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace brandos::local {

namespace {

using application::RateDecision;
using application::RateLimit;

// Rolls `start` forward to the window holding `now`, shifting counts as whole windows pass.
template <class Entry, class TimePoint>
void roll(Entry& e, TimePoint now) {
  const auto elapsed_windows = (now - e.start) / e.window;
  if (elapsed_windows < 1) return;
  e.previous = elapsed_windows == 1 ? e.current : 0;
  e.current = 0;
  e.start += elapsed_windows * e.window;
}

// The decision for one more event given the counts (zero for a key never seen).
RateDecision decision(int previous, int current, double into, double window_s, int limit) {
  const double estimate = previous * (1.0 - into) + current;
  RateDecision d;
  d.allowed = estimate + 1 <= limit + 1e-9;
  d.remaining = std::max(0, static_cast<int>(std::floor(limit - estimate)));
  double wait_s = (1.0 - into) * window_s;  // when allowed: until this window ends
  if (!d.allowed) {
    if (current + 1 <= limit && previous > 0) {
      // The previous window's weight has to decay until one more event fits.
      wait_s = window_s * (estimate + 1 - limit) / previous;
    } else {
      // This window alone is full: it must end, then decay as the previous one.
      wait_s += window_s * (1.0 - (limit - 1.0) / std::max(1, current));
    }
  }
  // Never more than one window: by then every event counted now has left it.
  d.reset_seconds = std::max(1, static_cast<int>(std::ceil(std::min(wait_s, window_s))));
  return d;
}

template <class Duration = std::chrono::steady_clock::duration>
Duration window_of(const RateLimit& limit) {
  return std::chrono::duration_cast<Duration>(std::max(limit.window, std::chrono::seconds(1)));
}

}  // namespace

InProcessRateLimiter::InProcessRateLimiter(std::size_t max_entries,
                                           std::function<Clock::time_point()> now)
    : max_per_shard_(std::max<std::size_t>(1, max_entries / 16)), now_(std::move(now)) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(digest_key_.data(), digest_key_.size());
}

InProcessRateLimiter::Digest InProcessRateLimiter::digest(std::string_view key) const {
  unsigned char out[16];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), digest_key_.data(), digest_key_.size());
  Digest d;
  std::memcpy(d.data(), out, sizeof out);
  return d;
}

std::size_t InProcessRateLimiter::list_of(Shard& s, Clock::duration window) {
  for (std::size_t i = 0; i < s.lists.size(); ++i)
    if (s.lists[i].window == window) return i;
  s.lists.push_back(RecencyList{window, {}});
  return s.lists.size() - 1;
}

void InProcessRateLimiter::sweep(Shard& s, Clock::time_point now) {
  // Along one list the oldest entry dies first, so a few checks at each old end per call keep
  // every call's cost small and constant while dead entries still go soon after they die.
  for (RecencyList& list : s.lists) {
    for (int i = 0; i < 4 && !list.keys.empty(); ++i) {
      auto it = s.entries.find(list.keys.back());
      // Two windows after its last count nothing counted for it can weigh any more.
      if (now - it->second.last_counted < 2 * it->second.window) break;
      s.entries.erase(it);
      list.keys.pop_back();
    }
  }
}

void InProcessRateLimiter::evict_least_recent(Shard& s, Clock::time_point now) {
  // Among the few least recently counted of each list, the oldest entry that is below its limit;
  // only if all of them are at it, the oldest of all. Bounded work either way.
  RecencyList* victim_list = nullptr;
  std::list<Digest>::iterator victim;
  Clock::time_point victim_at = Clock::time_point::max();
  bool victim_saturated = true;
  for (RecencyList& list : s.lists) {
    int looked = 0;
    for (auto it = list.keys.end(); it != list.keys.begin() && looked < 16; ++looked) {
      --it;
      Entry e = s.entries.find(*it)->second;
      roll(e, now);
      const double into =
          std::chrono::duration<double>(now - e.start) / std::chrono::duration<double>(e.window);
      const bool saturated = e.previous * (1.0 - into) + e.current >= e.limit;
      if ((victim_saturated && !saturated) ||
          (saturated == victim_saturated && e.last_counted < victim_at)) {
        victim_list = &list, victim = it, victim_at = e.last_counted, victim_saturated = saturated;
      }
      if (!saturated) break;  // older ones in this list were saturated; newer are less urgent
    }
  }
  if (victim_list == nullptr) return;
  s.entries.erase(*victim);
  victim_list->keys.erase(victim);
  evictions_.fetch_add(1, std::memory_order_relaxed);
}

RateDecision InProcessRateLimiter::hit(std::string_view key, const RateLimit& limit) {
  const auto now = now_();
  const auto window = window_of(limit);
  const Digest d = digest(key);
  Shard& s = shard(d);
  std::lock_guard lock(s.mutex);
  sweep(s, now);
  const std::size_t list = list_of(s, window);
  auto found = s.entries.find(d);
  if (found == s.entries.end()) {
    // Full: forget the least recently counted key rather than grow without bound.
    if (s.entries.size() >= max_per_shard_) evict_least_recent(s, now);
    found = s.entries.try_emplace(d).first;
    Entry& e = found->second;
    e.start = now;
    e.window = window;
    e.queue = list;
    s.lists[list].keys.push_front(d);
    e.place = s.lists[list].keys.begin();
  } else {
    // The latest caller's window governs the key (one key serves one limit in practice).
    Entry& e = found->second;
    s.lists[list].keys.splice(s.lists[list].keys.begin(), s.lists[e.queue].keys, e.place);
    e.queue = list;
    e.window = window;
  }
  Entry& e = found->second;
  e.last_counted = now;
  e.limit = limit.limit;
  roll(e, now);
  const double into =
      std::chrono::duration<double>(now - e.start) / std::chrono::duration<double>(window);
  RateDecision r = decision(e.previous, e.current, into,
                            std::chrono::duration<double>(window).count(), limit.limit);
  if (r.allowed) {
    ++e.current;
    r.remaining = std::max(0, r.remaining - 1);
  }
  return r;
}

RateDecision InProcessRateLimiter::peek(std::string_view key, const RateLimit& limit) {
  const auto window_s = std::chrono::duration<double>(window_of(limit)).count();
  const Digest d = digest(key);
  Shard& s = shard(d);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(d);
  if (it == s.entries.end()) return decision(0, 0, 0.0, window_s, limit.limit);
  Entry e = it->second;  // a copy: looking must not change what is stored
  const auto now = now_();
  roll(e, now);
  const double into = std::chrono::duration<double>(now - e.start).count() / window_s;
  return decision(e.previous, e.current, into, window_s, limit.limit);
}

void InProcessRateLimiter::reset(std::string_view key) {
  const Digest d = digest(key);
  Shard& s = shard(d);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(d);
  if (it == s.entries.end()) return;
  s.lists[it->second.queue].keys.erase(it->second.place);
  s.entries.erase(it);
}

void InProcessRateLimiter::forgive(std::string_view key) {
  const Digest d = digest(key);
  Shard& s = shard(d);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(d);
  if (it == s.entries.end()) return;
  Entry& e = it->second;
  roll(e, now_());
  if (e.current > 0) --e.current;
}

std::size_t InProcessRateLimiter::size() const {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.entries.size();
  }
  return n;
}

}  // namespace brandos::local
