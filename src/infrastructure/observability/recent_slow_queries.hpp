#pragma once
// The last slow database round trips, for the operator page (issue 13): the same facts as the
// slow_query log line (statement names, duration, tenant, trace id, outcome), newest first, so an
// operator sees them without a log search. Statement names only, never SQL text or parameters,
// so nothing personal is kept.
//
// Bounded: the last `limit`. Thread-safety: all members from any thread.
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace brandos::observability {

class RecentSlowQueries {
 public:
  explicit RecentSlowQueries(std::size_t limit = 50) : limit_(limit) {}
  void record(std::string statements, std::int64_t milliseconds, std::string tenant,
              std::string trace_id, bool ok);
  // {"slow_queries": [{"at","statements","ms","tenant","trace_id","outcome"}]}, newest first.
  std::string to_json() const;

 private:
  struct Entry {
    std::string at;  // RFC 3339, UTC
    std::string statements;
    std::int64_t milliseconds;
    std::string tenant;
    std::string trace_id;
    bool ok;
  };
  std::size_t limit_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // newest at the front
};

}  // namespace brandos::observability
