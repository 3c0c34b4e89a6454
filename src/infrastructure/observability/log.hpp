#pragma once
// Structured logging: one JSON object per line on stdout (12-factor; the platform ships them).
// A line is built in a LogLine and written with one fwrite, so lines from different threads
// never interleave. stdout is block-buffered for throughput; flush() runs on a timer and at exit.
//
// Thread-safety: LogLine is per call; write() and flush() are safe from any thread.
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace brandos::observability {

enum class Level { debug, info, warn, error };

class LogLine {
 public:
  LogLine(Level level, std::string_view event);
  LogLine& str(std::string_view key, std::string_view value);
  LogLine& num(std::string_view key, std::int64_t value);
  LogLine& num(std::string_view key, double value);
  // Writes the line; a LogLine is written at most once.
  void write();

 private:
  void key(std::string_view k);
  std::string buf_;
};

void set_min_level(Level level);
void flush_log();

// Appends `s` to `out` as the inside of a JSON string (quotes not included).
void append_json_escaped(std::string& out, std::string_view s);

inline LogLine log_info(std::string_view event) {
  return LogLine(Level::info, event);
}
inline LogLine log_warn(std::string_view event) {
  return LogLine(Level::warn, event);
}
inline LogLine log_error(std::string_view event) {
  return LogLine(Level::error, event);
}

// Logs a coroutine that ended with an exception (a bug) as task_failed, with what it said.
void log_task_failure(std::string_view task, std::exception_ptr error);
// What an exception says: its what(), or "non-standard exception".
std::string what_of(std::exception_ptr error);

}  // namespace brandos::observability
