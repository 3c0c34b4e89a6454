#include "infrastructure/observability/error_tracker.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdio>
#include <vector>

#include "infrastructure/observability/wall_clock.hpp"

namespace brandos::observability {

namespace json = boost::json;

namespace {

bool hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

std::string fingerprint_of(const std::string& where, const std::string& normalized) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (const std::string* s : {&where, &normalized}) {
    for (unsigned char c : *s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace

ErrorTracker::ErrorTracker(Registry& registry, std::size_t limit)
    : limit_(limit),
      total_(registry.counter("unhandled_errors_total",
                              "Unhandled errors (bugs): see /errors on the admin listener.")) {}

std::string ErrorTracker::normalized(const std::string& what) {
  std::string out;
  out.reserve(what.size());
  for (std::size_t i = 0; i < what.size();) {
    // A run of digits, or of hex digits and dashes of an id's length (uuids, trace ids).
    std::size_t j = i;
    bool digit = false;
    while (j < what.size() && (hex(what[j]) || what[j] == '-')) {
      digit = digit || (what[j] >= '0' && what[j] <= '9');
      ++j;
    }
    if (digit && (j - i >= 8 || std::all_of(what.begin() + static_cast<std::ptrdiff_t>(i),
                                            what.begin() + static_cast<std::ptrdiff_t>(j),
                                            [](char c) { return c >= '0' && c <= '9'; }))) {
      out += '#';
      i = j;
      continue;
    }
    if (j > i) {
      out.append(what, i, j - i);
      i = j;
      continue;
    }
    out += what[i++];
  }
  return out.substr(0, 500);
}

void ErrorTracker::record(const std::string& where, const std::string& what) {
  total_.inc();
  const std::string norm = normalized(what);
  std::string fp = fingerprint_of(where, norm);
  const std::string now = utc_now_rfc3339();
  std::lock_guard lock(mutex_);
  auto it = groups_.find(fp);
  if (it == groups_.end()) {
    if (groups_.size() >= limit_) {
      fp = "overflow";
      it = groups_.find(fp);
    }
    if (it == groups_.end()) {
      Group g;
      g.where = fp == "overflow" ? "(more fingerprints than kept)" : where;
      g.sample = what.substr(0, 2000);
      g.first_seen = now;
      it = groups_.emplace(fp, std::move(g)).first;
    }
  }
  it->second.count += 1;
  it->second.last_seen = now;
  it->second.last_seen_order = ++sequence_;
}

std::string ErrorTracker::to_json() const {
  std::vector<std::pair<std::string, Group>> all;
  {
    std::lock_guard lock(mutex_);
    all.assign(groups_.begin(), groups_.end());
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.second.last_seen_order > b.second.last_seen_order;
  });
  json::array errors;
  for (const auto& [fp, g] : all)
    errors.push_back(json::object{{"fingerprint", fp},
                                  {"where", g.where},
                                  {"sample", g.sample},
                                  {"count", g.count},
                                  {"first_seen", g.first_seen},
                                  {"last_seen", g.last_seen}});
  return json::serialize(json::object{{"errors", std::move(errors)}});
}

}  // namespace brandos::observability
