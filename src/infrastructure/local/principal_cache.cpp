#include "infrastructure/local/principal_cache.hpp"

namespace brandos::local {

std::string PrincipalCache::key(const domain::Uuid& tenant, const domain::Uuid& user) {
  return tenant.to_string() + ":" + user.to_string();
}

std::optional<application::Principal> PrincipalCache::find(const domain::Uuid& tenant,
                                                           const domain::Uuid& user) {
  const std::string k = key(tenant, user);
  std::lock_guard lock(mutex_);
  const auto it = listening_ ? entries_.find(k) : entries_.end();
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  if (Clock::now() >= it->second.expires) {
    entries_.erase(it);
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second.principal;
}

std::uint64_t PrincipalCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

std::uint64_t PrincipalCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

std::uint64_t PrincipalCache::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

void PrincipalCache::store(const application::Principal& p, std::uint64_t generation_at_lookup) {
  std::lock_guard lock(mutex_);
  if (!listening_ || generation_ != generation_at_lookup) return;
  const auto now = Clock::now();
  if (entries_.size() >= kMaxEntries) {
    std::erase_if(entries_, [now](const auto& e) { return e.second.expires <= now; });
    if (entries_.size() >= kMaxEntries) entries_.clear();  // a bound, not an eviction policy
  }
  entries_[key(p.tenant_id, p.user_id)] = Entry{p, now + ttl_};
}

void PrincipalCache::evict(const domain::Uuid& tenant, const domain::Uuid& user) {
  const std::string k = key(tenant, user);
  std::lock_guard lock(mutex_);
  ++generation_;
  entries_.erase(k);
}

void PrincipalCache::evict(std::string_view payload) {
  const auto colon = payload.find(':');
  const auto tenant = domain::Uuid::parse(payload.substr(0, colon));
  const auto user = colon == std::string_view::npos
                        ? std::nullopt
                        : domain::Uuid::parse(payload.substr(colon + 1));
  if (tenant && user) return evict(*tenant, *user);
  std::lock_guard lock(mutex_);
  clear_locked();
}

void PrincipalCache::set_listening(bool listening) {
  std::lock_guard lock(mutex_);
  listening_ = listening;
  clear_locked();
}

bool PrincipalCache::listening() const {
  std::lock_guard lock(mutex_);
  return listening_;
}

void PrincipalCache::clear_locked() {
  ++generation_;
  entries_.clear();
}

}  // namespace brandos::local
