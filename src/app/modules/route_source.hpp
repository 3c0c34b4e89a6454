#pragma once
// A module that serves HTTP routes: the http module asks each for its routes, per I/O thread
// (the handlers use that thread's use cases and connections).
#include "api/router.hpp"

namespace brandos::app {

class RouteSource {
 public:
  virtual ~RouteSource() = default;
  virtual void add_routes(int thread, api::Router& router) = 0;
};

}  // namespace brandos::app
