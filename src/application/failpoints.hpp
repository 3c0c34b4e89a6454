#pragma once
// Failpoints: named places in recovery-critical code (a payment between its recovery points, a
// cancellation between its steps) where a test build can crash the process or fail on demand, so
// tests can show that every crash is finished and every failure compensated.
//
// The production binary links the no-op below; the `brandos_testing` binary links
// app/failpoints_enabled.cpp, which reads BRANDOS_FAILPOINTS ("name=kill,other=fail*2").
#include <string_view>

namespace brandos::application {

enum class FailpointAction {
  none,  // go on
  fail,  // the caller fails the operation as if a dependency were down (503), leaving the
         // recovery point as it stands
};

// Called at a failpoint. May not return (kill). Thread-safe.
FailpointAction failpoint(std::string_view name);

}  // namespace brandos::application
