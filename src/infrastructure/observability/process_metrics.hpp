#pragma once
// Registers the standard process gauges (process_resident_memory_bytes, process_open_fds),
// read from /proc at scrape time.
#include <string>

#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

void register_process_metrics(Registry& registry);
// brandos_data_dir_free_bytes and brandos_data_dir_capacity_bytes of the filesystem holding
// `data_dir` (the self-managed PostgreSQL, keys), read at scrape time (statvfs); NaN when it
// cannot be read (the directory does not exist: an external database and keys from the
// environment).
void register_disk_metrics(Registry& registry, std::string data_dir);
double resident_memory_bytes();
double open_file_descriptors();

}  // namespace brandos::observability
