#pragma once
// HTTP mapping of the analytics read models (API.md "Analytics").
#include <variant>

#include "api/router.hpp"
#include "application/analytics/report_sales.hpp"

namespace brandos::api {

// Reads ?from=&to=&granularity=hour|day (all optional: granularity day, to now, from 30 days
// before `to` by day or 24 hours by hour); a 422 problem for a bad value, 400 for a bad query.
std::variant<application::SalesQuery, HttpResponse> read_sales_query(const RequestContext& ctx,
                                                                     std::int64_t now_us);

void add_analytics_routes(Router& router, const application::ReportSales& report);

}  // namespace brandos::api
