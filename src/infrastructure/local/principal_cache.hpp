#pragma once
// The node's cache of authenticated principals, so an authenticated request costs no database
// round trip to re-read its caller. Correct because every change to a user reaches it at once:
//  - on the node that made the change, the use case evicts the entry right after its commit;
//  - on every other node, the database's NOTIFY (migration 0008) evicts it on arrival, a few
//    milliseconds after the commit;
//  - while this node is not listening for those notifications (not yet, or its connection
//    dropped), nothing is served from the cache, and it is emptied when listening resumes;
//  - every entry also expires after `ttl`, a bound should a notification ever be lost.
// Only found users are cached: a token of a deleted user is re-checked against the database.
//
// Thread-safety: every member is safe from any thread (one mutex; the critical sections are a
// hash lookup).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "application/identity/principal.hpp"

namespace brandos::local {

class PrincipalCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit PrincipalCache(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // The cached principal, if it may be served.
  std::optional<application::Principal> find(const domain::Uuid& tenant, const domain::Uuid& user);
  // Read before looking a principal up in the database; store() keeps the result only if no
  // eviction happened since (it might have been read before the change committed).
  std::uint64_t generation() const;
  void store(const application::Principal& p, std::uint64_t generation_at_lookup);
  void evict(const domain::Uuid& tenant, const domain::Uuid& user);
  // A notification's payload: "<tenant id>:<user id>". Anything else empties the cache.
  void evict(std::string_view payload);
  // Listening for notifications or not; either way the cache starts empty.
  void set_listening(bool listening);
  bool listening() const;
  // Lookups answered from the cache, and those that went to the database (cache_requests_total).
  std::uint64_t hits() const;
  std::uint64_t misses() const;

 private:
  struct Entry {
    application::Principal principal;
    Clock::time_point expires;
  };
  static std::string key(const domain::Uuid& tenant, const domain::Uuid& user);
  void clear_locked();

  static constexpr std::size_t kMaxEntries = 100'000;
  const std::chrono::milliseconds ttl_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t generation_ = 0;
  bool listening_ = false;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
};

}  // namespace brandos::local
