#include "infrastructure/observability/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace brandos::observability {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  if (v > 0)
    sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(v * 1e6)),
                          std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

namespace {

void escape_into(std::string& out, const std::string& v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::string number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest form that round-trips
  return std::string(buf, r.ptr);
}

std::string with_label(const std::string& rendered, const std::string& extra) {
  if (rendered.empty()) return "{" + extra + "}";
  return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

}  // namespace

std::string render_labels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i) out += ',';
    out += labels[i].first;
    out += "=\"";
    escape_into(out, labels[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

std::string label_value(const std::string& rendered, const std::string& key) {
  const std::string needle = key + "=\"";
  for (std::size_t at = rendered.find(needle); at != std::string::npos;
       at = rendered.find(needle, at + 1)) {
    if (at != 0 && rendered[at - 1] != '{' && rendered[at - 1] != ',') continue;
    const std::size_t from = at + needle.size();
    std::size_t to = from;
    while (to < rendered.size() && rendered[to] != '"') to += rendered[to] == '\\' ? 2 : 1;
    return rendered.substr(from, std::min(to, rendered.size()) - from);
  }
  return "";
}

Registry::Family& Registry::family(const std::string& name, const std::string& help, Type type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.help = help;
    it->second.type = type;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::counter).counters[render_labels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, const std::vector<double>& bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, Type::histogram).histograms[render_labels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::gauge(const std::string& name, const std::string& help, const Labels& labels,
                     std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::gauge).gauges[render_labels(labels)] = std::move(read);
}

void Registry::counter(const std::string& name, const std::string& help, const Labels& labels,
                       std::function<double()> read) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::counter).gauges[render_labels(labels)] = std::move(read);
}

void Registry::gauges(const std::string& name, const std::string& help,
                      std::function<std::vector<Sample>()> read_all) {
  std::lock_guard lock(mutex_);
  family(name, help, Type::gauge).read_all = std::move(read_all);
}

std::vector<Registry::Sample> Registry::read(const std::string& name) const {
  std::lock_guard lock(mutex_);
  std::vector<Sample> out;
  const auto it = families_.find(name);
  if (it == families_.end()) return out;
  for (const auto& [labels, c] : it->second.counters)
    out.push_back({labels, static_cast<double>(c->value())});
  for (const auto& [labels, read] : it->second.gauges) out.push_back({labels, read()});
  if (it->second.read_all)
    for (auto& s : it->second.read_all()) out.push_back(std::move(s));
  return out;
}

std::optional<Histogram::Snapshot> Registry::merged(const std::string& name,
                                                    std::vector<double>* bounds) const {
  std::lock_guard lock(mutex_);
  const auto it = families_.find(name);
  if (it == families_.end() || it->second.histograms.empty()) return std::nullopt;
  Histogram::Snapshot total{{}, 0, 0};
  for (const auto& [labels, h] : it->second.histograms) {
    const auto s = h->snapshot();
    if (total.cumulative.empty()) {
      total.cumulative.assign(s.cumulative.size(), 0);
      if (bounds) *bounds = h->bounds();
    }
    if (s.cumulative.size() != total.cumulative.size()) continue;  // not ours to add up
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) total.cumulative[i] += s.cumulative[i];
    total.sum += s.sum;
    total.count += s.count;
  }
  return total;
}

std::string Registry::expose() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(8192);
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n";
    switch (f.type) {
      case Type::counter:
        out += "# TYPE " + name + " counter\n";
        for (const auto& [labels, c] : f.counters)
          out += name + labels + " " + std::to_string(c->value()) + "\n";
        for (const auto& [labels, read] : f.gauges)  // counters read from elsewhere
          out += name + labels + " " + number(read()) + "\n";
        break;
      case Type::gauge:
        out += "# TYPE " + name + " gauge\n";
        for (const auto& [labels, read] : f.gauges)
          out += name + labels + " " + number(read()) + "\n";
        if (f.read_all)
          for (const auto& s : f.read_all()) out += name + s.labels + " " + number(s.value) + "\n";
        break;
      case Type::histogram:
        out += "# TYPE " + name + " histogram\n";
        for (const auto& [labels, h] : f.histograms) {
          const auto s = h->snapshot();
          const auto& b = h->bounds();
          for (std::size_t i = 0; i <= b.size(); ++i) {
            const std::string le = i < b.size() ? number(b[i]) : "+Inf";
            out += name + "_bucket" + with_label(labels, "le=\"" + le + "\"") + " " +
                   std::to_string(s.cumulative[i]) + "\n";
          }
          out += name + "_sum" + labels + " " + number(s.sum) + "\n";
          out += name + "_count" + labels + " " + std::to_string(s.count) + "\n";
        }
        break;
    }
  }
  return out;
}

}  // namespace brandos::observability
