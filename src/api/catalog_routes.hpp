#pragma once
// HTTP mapping of the catalog (API.md "Catalog"): products with ETag / If-Match on their
// version, keyset lists, soft delete and stock adjustments.
#include <boost/json/object.hpp>
#include <vector>

#include "api/router.hpp"
#include "application/catalog/manage_products.hpp"

namespace brandos::api {

void add_catalog_routes(Router& router, const application::ManageProducts& products);

// The bodies of product creation and PATCH read into commands; problems go to `issues`.
// Exposed for the fuzz target.
application::CreateProductCommand read_new_product(const boost::json::object& body,
                                                   std::vector<application::FieldIssue>& issues);
application::ProductChanges read_product_changes(const boost::json::object& body,
                                                 std::vector<application::FieldIssue>& issues);

// If-Match: "<version>" (or * for any). nullopt when absent; -1 when it names no version we
// could ever have (answer 412).
std::optional<int> expected_version(const HttpRequest& request);

}  // namespace brandos::api
