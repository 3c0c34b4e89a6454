#pragma once
// HTTP mapping of customers (API.md "Customers").
#include "api/router.hpp"
#include "application/customers/manage_customers.hpp"

namespace brandos::api {

void add_customer_routes(Router& router, const application::ManageCustomers& customers);

}  // namespace brandos::api
