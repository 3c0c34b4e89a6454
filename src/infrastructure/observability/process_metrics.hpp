#pragma once
// Registers the standard process gauges (process_resident_memory_bytes, process_open_fds),
// read from /proc at scrape time.
#include "infrastructure/observability/metrics.hpp"

namespace brandos::observability {

void register_process_metrics(Registry& registry);
double resident_memory_bytes();
double open_file_descriptors();

}  // namespace brandos::observability
