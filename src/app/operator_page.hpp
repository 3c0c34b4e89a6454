#pragma once
// The operator page on the admin listener (issue 13, ADR 0021): `/` and its assets from the
// binary, and the JSON it polls: /operator/history (the node's figures over time) and
// /operator/slow-queries; it also reads /errors and /health/ready, which the listener serves.
#include "api/router.hpp"
#include "infrastructure/observability/operator_history.hpp"
#include "infrastructure/observability/recent_slow_queries.hpp"

namespace brandos::app {

void add_operator_page(api::Router& router, const observability::OperatorHistory& history,
                       const observability::RecentSlowQueries& slow_queries);

}  // namespace brandos::app
