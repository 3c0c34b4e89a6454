#include "application/catalog/manage_products.hpp"

#include "domain/catalog/product.hpp"
#include "domain/identity/role.hpp"
#include "domain/money.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {
std::optional<Failure> missing(const Principal& actor, Permission p) {
  if (domain::has_permission(actor.role, p)) return std::nullopt;
  return failures::forbidden();
}
}  // namespace

asio::awaitable<Outcome<ProductRecord>> ManageProducts::create(const Principal& actor,
                                                               CreateProductCommand c) const {
  if (auto f = missing(actor, Permission::products_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  if (!domain::valid_sku(c.sku)) issues.push_back({"sku", "must match ^[A-Za-z0-9._-]{1,64}$"});
  if (!domain::valid_product_name(c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  if (c.description && !domain::valid_product_description(*c.description))
    issues.push_back({"description", "must be at most 5000 characters"});
  if (c.price < 0 || c.price > domain::kMaxPrice)
    issues.push_back({"price", "must be a non-negative integer amount in minor units"});
  if (!domain::valid_currency(c.currency))
    issues.push_back({"currency", "must be an ISO 4217 code"});
  if (c.stock < 0 || c.stock > domain::kMaxStock)
    issues.push_back({"stock", "must be a non-negative integer"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  const NewProduct p{ids_.new_id(), c.sku, c.name, c.description, c.price, c.currency, c.stock};
  const domain::Uuid event_id = ids_.new_id();
  co_return co_await products_.create(actor.tenant_id, p, event_id);
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::get(const Principal& actor,
                                                            const domain::Uuid& id) const {
  if (auto f = missing(actor, Permission::products_read)) co_return std::unexpected(*f);
  auto p = co_await products_.get(actor.tenant_id, id);
  if (!p) co_return std::unexpected(p.error());
  if (!*p) co_return std::unexpected(failures::not_found());
  co_return std::move(**p);
}

asio::awaitable<Outcome<std::vector<ProductRecord>>> ManageProducts::list(
    const Principal& actor, const std::optional<std::string>& sku,
    const std::optional<domain::Uuid>& after, int limit) const {
  if (auto f = missing(actor, Permission::products_read)) co_return std::unexpected(*f);
  co_return co_await products_.list(actor.tenant_id, sku, after, limit + 1);
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::update(
    const Principal& actor, const domain::Uuid& id, ProductChanges c,
    std::optional<int> expected_version) const {
  if (auto f = missing(actor, Permission::products_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  if (c.name && !domain::valid_product_name(*c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  if (c.description && !domain::valid_product_description(*c.description))
    issues.push_back({"description", "must be at most 5000 characters"});
  if (c.price && (*c.price < 0 || *c.price > domain::kMaxPrice))
    issues.push_back({"price", "must be a non-negative integer amount in minor units"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  const domain::Uuid event_id = ids_.new_id();
  auto p = co_await products_.update(actor.tenant_id, id, c, expected_version, event_id);
  if (!p) co_return std::unexpected(p.error());
  if (!*p) co_return std::unexpected(failures::not_found());
  co_return std::move(**p);
}

asio::awaitable<Outcome<void>> ManageProducts::remove(const Principal& actor,
                                                      const domain::Uuid& id) const {
  if (auto f = missing(actor, Permission::products_write)) co_return std::unexpected(*f);
  const domain::Uuid event_id = ids_.new_id();
  auto removed = co_await products_.remove(actor.tenant_id, id, event_id);
  if (!removed) co_return std::unexpected(removed.error());
  if (!*removed) co_return std::unexpected(failures::not_found());
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::adjust_stock(const Principal& actor,
                                                                     const domain::Uuid& id,
                                                                     std::int64_t delta,
                                                                     std::string reason) const {
  if (auto f = missing(actor, Permission::stock_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  if (delta == 0 || delta > domain::kMaxStock || delta < -domain::kMaxStock)
    issues.push_back({"delta", "must be a non-zero integer"});
  if (!domain::valid_product_name(reason))
    issues.push_back({"reason", "must be 1 to 200 characters"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  const domain::Uuid event_id = ids_.new_id();
  auto p = co_await products_.adjust_stock(actor.tenant_id, id, delta, reason, event_id);
  if (!p) co_return std::unexpected(p.error());
  if (!*p) co_return std::unexpected(failures::not_found());
  co_return std::move(**p);
}

}  // namespace brandos::application
