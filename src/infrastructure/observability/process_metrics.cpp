#include "infrastructure/observability/process_metrics.hpp"

#include <sys/statvfs.h>

#include <cmath>

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

namespace brandos::observability {

void register_disk_metrics(Registry& registry, std::string data_dir) {
  auto read = [data_dir](bool free) {
    struct statvfs fs {};
    if (::statvfs(data_dir.c_str(), &fs) != 0) return std::nan("");  // no sample, not a value
    const double block = static_cast<double>(fs.f_frsize);
    return block * static_cast<double>(free ? fs.f_bavail : fs.f_blocks);
  };
  registry.gauge("brandos_data_dir_free_bytes",
                 "Bytes available to the service on the data directory's filesystem.", {},
                 [read] { return read(true); });
  registry.gauge("brandos_data_dir_capacity_bytes",
                 "Size of the data directory's filesystem in bytes.", {},
                 [read] { return read(false); });
}

}  // namespace brandos::observability
