#pragma once
// HTTP mapping of customers (API.md "Customers").
#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "application/customers/manage_customers.hpp"

namespace brandos::api {

// Reads a customer body ({"email", "name", "phone"?, "address"?}); problems go to `issues`.
application::CustomerData read_customer(const boost::json::object& body,
                                        std::vector<application::FieldIssue>& issues);

void add_customer_routes(Router& router, const application::ManageCustomers& customers);

}  // namespace brandos::api
