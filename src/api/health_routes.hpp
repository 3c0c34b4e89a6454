#pragma once
// GET /health/live (the process answers) and GET /health/ready (its dependencies answer).
#include "api/router.hpp"
#include "application/check_readiness.hpp"

namespace brandos::api {

// `readiness` is borrowed and must outlive the router (one per io_context).
void add_health_routes(Router& router, const application::CheckReadiness& readiness);

}  // namespace brandos::api
