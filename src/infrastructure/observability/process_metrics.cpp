#include "infrastructure/observability/process_metrics.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace brandos::observability {

double resident_memory_bytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE));
}

double open_file_descriptors() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
    ++n;
  return n;
}

void register_process_metrics(Registry& registry) {
  registry.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
                 resident_memory_bytes);
  registry.gauge("process_open_fds", "Number of open file descriptors.", {}, open_file_descriptors);
}

}  // namespace brandos::observability
