#include "application/catalog/manage_products.hpp"

#include "domain/catalog/product.hpp"
#include "domain/identity/role.hpp"
#include "domain/money.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {
std::optional<Failure> missing(const OperationContext& ctx, Permission p) {
  if (domain::has_permission(ctx.actor().role, p)) return std::nullopt;
  return failures::forbidden();
}
}  // namespace

OutboxEvent ManageProducts::event(const char* type, const ProductRecord& p,
                                  std::string data) const {
  return {ids_.new_id(), type, "product", p.id, p.version, std::move(data)};
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::create(const OperationContext& ctx,
                                                               CreateProductCommand c) const {
  if (auto f = missing(ctx, Permission::products_write)) co_return std::unexpected(*f);
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

  auto uow = data_.begin(ctx, Access::write);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  const ProductRecord p{ids_.new_id(), c.sku,   c.name, c.description, c.price,
                        c.currency,    c.stock, 1,      *now,          *now};
  uow->products().add(p);
  uow->outbox().add(event("product.created", p, documents_.product(p)));
  auto done = co_await uow->commit();  // a taken SKU fails here: conflict "sku-taken"
  if (!done) co_return std::unexpected(done.error());
  co_return p;
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::get(const OperationContext& ctx,
                                                            const domain::Uuid& id) const {
  if (auto f = missing(ctx, Permission::products_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto p = co_await uow->products().get(id);
  if (!p) co_return std::unexpected(p.error());
  if (!*p) co_return std::unexpected(failures::not_found());
  co_return std::move(**p);
}

asio::awaitable<Outcome<std::vector<ProductRecord>>> ManageProducts::list(
    const OperationContext& ctx, const std::optional<std::string>& sku,
    const std::optional<domain::Uuid>& after, int limit) const {
  if (auto f = missing(ctx, Permission::products_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  co_return co_await uow->products().list(sku, after, limit + 1);
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::update(
    const OperationContext& ctx, const domain::Uuid& id, ProductChanges c,
    std::optional<int> expected_version) const {
  if (auto f = missing(ctx, Permission::products_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  if (c.name && !domain::valid_product_name(*c.name))
    issues.push_back({"name", "must be 1 to 200 characters"});
  if (c.description && !domain::valid_product_description(*c.description))
    issues.push_back({"description", "must be at most 5000 characters"});
  if (c.price && (*c.price < 0 || *c.price > domain::kMaxPrice))
    issues.push_back({"price", "must be a non-negative integer amount in minor units"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  auto uow = data_.begin(ctx, Access::write);
  auto locked = co_await uow->products().lock(id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) co_return std::unexpected(failures::not_found());
  ProductRecord p = std::move(**locked);
  if (expected_version && p.version != *expected_version)
    co_return std::unexpected(failures::precondition_failed());
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  if (c.name) p.name = *c.name;
  if (c.set_description) p.description = c.description;
  if (c.price) p.price = *c.price;
  p.version += 1;
  p.updated_at = *now;
  uow->products().save(p);
  uow->outbox().add(event("product.updated", p, documents_.product(p)));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return p;
}

asio::awaitable<Outcome<void>> ManageProducts::remove(const OperationContext& ctx,
                                                      const domain::Uuid& id) const {
  if (auto f = missing(ctx, Permission::products_write)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::write);
  auto locked = co_await uow->products().lock(id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) co_return std::unexpected(failures::not_found());
  ProductRecord p = std::move(**locked);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  p.version += 1;
  p.updated_at = *now;
  uow->products().remove(p.id, p.version);
  uow->outbox().add(event("product.deleted", p, documents_.product(p)));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<ProductRecord>> ManageProducts::adjust_stock(const OperationContext& ctx,
                                                                     const domain::Uuid& id,
                                                                     std::int64_t delta,
                                                                     std::string reason) const {
  if (auto f = missing(ctx, Permission::stock_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  if (delta == 0 || delta > domain::kMaxStock || delta < -domain::kMaxStock)
    issues.push_back({"delta", "must be a non-zero integer"});
  if (!domain::valid_product_name(reason))
    issues.push_back({"reason", "must be 1 to 200 characters"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  // The product stays locked from the check to the commit, so concurrent adjustments serialise
  // and the stock never goes below zero.
  auto uow = data_.begin(ctx, Access::write);
  auto locked = co_await uow->products().lock(id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) co_return std::unexpected(failures::not_found());
  ProductRecord p = std::move(**locked);
  const auto stock = domain::stock_after(p.stock, delta);
  if (!stock && delta > 0)
    co_return std::unexpected(failures::validation(
        {{"delta", "would take the stock above " + std::to_string(domain::kMaxStock)}}));
  if (!stock)
    co_return std::unexpected(
        failures::conflict("insufficient-stock", "Not enough stock for this adjustment."));
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  p.stock = *stock;
  p.version += 1;
  p.updated_at = *now;
  uow->products().save(p);
  uow->outbox().add(event("inventory.adjusted", p, documents_.stock_adjustment(p, delta, reason)));
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return p;
}

}  // namespace brandos::application
