#include "infrastructure/observability/recent_slow_queries.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "infrastructure/observability/wall_clock.hpp"

namespace brandos::observability {

namespace json = boost::json;

void RecentSlowQueries::record(std::string statements, std::int64_t milliseconds,
                               std::string tenant, std::string trace_id, bool ok) {
  Entry e{utc_now_rfc3339(), std::move(statements), milliseconds,
          std::move(tenant), std::move(trace_id),   ok};
  std::lock_guard lock(mutex_);
  entries_.push_front(std::move(e));
  while (entries_.size() > limit_) entries_.pop_back();
}

std::string RecentSlowQueries::to_json() const {
  json::array list;
  {
    std::lock_guard lock(mutex_);
    for (const auto& e : entries_)
      list.push_back(json::object{{"at", e.at},
                                  {"statements", e.statements},
                                  {"ms", e.milliseconds},
                                  {"tenant", e.tenant},
                                  {"trace_id", e.trace_id},
                                  {"outcome", e.ok ? "ok" : "failed"}});
  }
  return json::serialize(json::object{{"slow_queries", std::move(list)}});
}

}  // namespace brandos::observability
