#pragma once
#include "app/config.hpp"

namespace brandos::app {

// `brandos serve`: runs until SIGTERM/SIGINT, then shuts down gracefully. Returns the exit code.
int serve(const Config& config);
// `brandos migrate`: applies pending migrations and exits.
int migrate(const Config& config);

}  // namespace brandos::app
