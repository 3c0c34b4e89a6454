// The failpoints of the `brandos_testing` binary (application/failpoints.hpp), armed by
// BRANDOS_FAILPOINTS: a comma-separated list of `name=kill` (SIGKILL the process there: no
// destructor, no flush, exactly a crash) or `name=fail` (the operation fails with 503 there),
// each optionally `*N` to act only the first N times the point is reached.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include "application/failpoints.hpp"

namespace brandos::application {

namespace {

struct Armed {
  FailpointAction action = FailpointAction::none;
  bool kill = false;
  int times = -1;  // -1: always
};

class Failpoints {
 public:
  Failpoints() {
    const char* spec = std::getenv("BRANDOS_FAILPOINTS");
    std::string s = spec ? spec : "";
    std::size_t at = 0;
    while (at < s.size()) {
      std::size_t end = s.find(',', at);
      if (end == std::string::npos) end = s.size();
      const std::string item = s.substr(at, end - at);
      at = end + 1;
      const auto eq = item.find('=');
      if (eq == std::string::npos) continue;
      std::string what = item.substr(eq + 1);
      Armed a;
      if (const auto star = what.find('*'); star != std::string::npos) {
        a.times = std::atoi(what.c_str() + star + 1);
        what.resize(star);
      }
      if (what == "kill")
        a.kill = true;
      else if (what == "fail")
        a.action = FailpointAction::fail;
      else
        continue;
      points_[item.substr(0, eq)] = a;
    }
  }

  FailpointAction reach(std::string_view name) {
    std::lock_guard lock(mutex_);
    auto it = points_.find(std::string(name));
    if (it == points_.end() || it->second.times == 0) return FailpointAction::none;
    if (it->second.times > 0) --it->second.times;
    if (it->second.kill) {
      const std::string line = "failpoint " + std::string(name) + ": kill\n";
      (void)!::write(2, line.data(), line.size());
      ::kill(::getpid(), SIGKILL);
    }
    return it->second.action;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, Armed> points_;
};

}  // namespace

FailpointAction failpoint(std::string_view name) {
  static Failpoints points;
  return points.reach(name);
}

}  // namespace brandos::application
