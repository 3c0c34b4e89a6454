#pragma once
// Unhandled errors grouped the way an operator reads them (issue 13): where it happened (a route,
// a background task) and what it said with its numbers and ids blanked out make a fingerprint;
// each fingerprint keeps a count, when it was first and last seen, and one sample message. Shown
// on the admin listener at /errors (newest first) and counted in unhandled_errors_total.
//
// Bounded: at most `limit` fingerprints; beyond that, errors count under one overflow group.
// Thread-safety: all members from any thread.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

class ErrorTracker {
 public:
  ErrorTracker(Registry& registry, std::size_t limit = 500);
  void record(const std::string& where, const std::string& what);
  // {"errors": [{"fingerprint","where","sample","count","first_seen","last_seen"}]}, newest first.
  std::string to_json() const;

  // The message with digit runs and hex ids (uuids, trace ids) blanked: "order 01a2… has 3" and
  // "order 09b1… has 7" group together.
  static std::string normalized(const std::string& what);

 private:
  struct Group {
    std::string where;
    std::string sample;
    std::uint64_t count = 0;
    std::string first_seen;
    std::string last_seen;
    std::uint64_t last_seen_order = 0;
  };
  std::size_t limit_;
  Counter& total_;
  mutable std::mutex mutex_;
  std::map<std::string, Group> groups_;  // by fingerprint
  std::uint64_t sequence_ = 0;
};

}  // namespace brandos::observability
