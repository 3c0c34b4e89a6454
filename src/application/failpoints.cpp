#include "application/failpoints.hpp"

namespace brandos::application {

// Weak: a binary that links a definition of its own (the test build's) replaces this one.
__attribute__((weak)) FailpointAction failpoint(std::string_view) {
  return FailpointAction::none;
}

}  // namespace brandos::application
