#pragma once
// HTTP mapping of the catalog (API.md "Catalog"): products with ETag / If-Match on their
// version, keyset lists, soft delete and stock adjustments.
#include "api/router.hpp"
#include "application/catalog/manage_products.hpp"

namespace brandos::api {

void add_catalog_routes(Router& router, const application::ManageProducts& products);

// If-Match: "<version>" (or * for any). nullopt when absent; -1 when it names no version we
// could ever have (answer 412).
std::optional<int> expected_version(const HttpRequest& request);

}  // namespace brandos::api
