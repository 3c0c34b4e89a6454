#include "infrastructure/observability/log.hpp"

#include <charconv>
#include <cmath>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace brandos::observability {

namespace {
std::atomic<int> g_min_level{static_cast<int>(Level::info)};

const char* level_name(Level l) {
  switch (l) {
    case Level::debug:
      return "debug";
    case Level::info:
      return "info";
    case Level::warn:
      return "warn";
    case Level::error:
      return "error";
  }
  return "info";
}

// Every access-log line starts with one: the seconds part is formatted once per second per thread.
void append_timestamp(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  thread_local std::time_t cached_secs = -1;
  thread_local char cached[24];
  thread_local std::size_t cached_n = 0;
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    cached_n = std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_secs = secs;
  }
  out.append(cached, cached_n);
  char frac[8] = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
  for (long long f = us % 1000000, i = 6; i >= 1; --i, f /= 10)
    frac[i] = static_cast<char>('0' + f % 10);
  out.append(frac, sizeof frac);
}
}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Runs that need no escaping (nearly everything) are copied whole.
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s, from, i - from);
    from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s, from);
}

void set_min_level(Level level) {
  g_min_level.store(static_cast<int>(level));
}

void flush_log() {
  std::fflush(stdout);
}

LogLine::LogLine(Level level, std::string_view event) {
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  buf_.reserve(256);
  buf_ += "{\"ts\":\"";
  append_timestamp(buf_);
  buf_ += "\",\"level\":\"";
  buf_ += level_name(level);
  buf_ += "\",\"event\":\"";
  append_json_escaped(buf_, event);
  buf_ += '"';
}

void LogLine::key(std::string_view k) {
  buf_ += ",\"";
  append_json_escaped(buf_, k);
  buf_ += "\":";
}

LogLine& LogLine::str(std::string_view k, std::string_view value) {
  if (buf_.empty()) return *this;
  key(k);
  buf_ += '"';
  append_json_escaped(buf_, value);
  buf_ += '"';
  return *this;
}

LogLine& LogLine::num(std::string_view k, std::int64_t value) {
  if (buf_.empty()) return *this;
  key(k);
  char b[24];
  const auto r = std::to_chars(b, b + sizeof b, value);
  buf_.append(b, r.ptr);
  return *this;
}

LogLine& LogLine::num(std::string_view k, double value) {
  if (buf_.empty()) return *this;
  key(k);
  char b[32];
  const auto r = std::to_chars(b, b + sizeof b, value, std::chars_format::fixed, 3);
  // JSON has no NaN or infinity, and a value too long for the buffer is no use in a log line.
  if (r.ec != std::errc() || !std::isfinite(value))
    buf_ += "null";
  else
    buf_.append(b, r.ptr);
  return *this;
}

void LogLine::write() {
  if (buf_.empty()) return;
  buf_ += "}\n";
  std::fwrite(buf_.data(), 1, buf_.size(), stdout);
  buf_.clear();
}

std::string what_of(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
  }
  return "non-standard exception";
}

void log_task_failure(std::string_view task, std::exception_ptr error) {
  log_error("task_failed").str("task", task).str("error", what_of(error)).write();
}

}  // namespace brandos::observability
