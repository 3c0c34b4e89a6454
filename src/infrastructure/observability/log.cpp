#include "infrastructure/observability/log.hpp"

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

void append_timestamp(std::string& out) {
  const auto now = std::chrono::system_clock::now();
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  out.append(buf, n);
  std::snprintf(buf, sizeof buf, ".%06lldZ", static_cast<long long>(us % 1000000));
  out += buf;
}
}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
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
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
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
  buf_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::num(std::string_view k, double value) {
  if (buf_.empty()) return *this;
  key(k);
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", value);
  buf_ += b;
  return *this;
}

void LogLine::write() {
  if (buf_.empty()) return;
  buf_ += "}\n";
  std::fwrite(buf_.data(), 1, buf_.size(), stdout);
  buf_.clear();
}

void log_task_failure(std::string_view task, std::exception_ptr error) {
  std::string what = "non-standard exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  log_error("task_failed").str("task", task).str("error", what).write();
}

}  // namespace brandos::observability
