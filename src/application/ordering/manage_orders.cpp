#include "application/ordering/manage_orders.hpp"

#include "domain/identity/role.hpp"
#include "domain/ordering/placement.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {

// RFC 3339 date-time: 2026-11-27T14:35:06Z, with optional fraction and numeric offset. (The
// database would also take words like "yesterday"; the API does not.)
bool rfc3339(const std::string& s) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (from + n > s.size()) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  if (!(digits(0, 4) && s.size() > 19 && s[4] == '-' && digits(5, 2) && s[7] == '-' &&
        digits(8, 2) && (s[10] == 'T' || s[10] == 't') && digits(11, 2) && s[13] == ':' &&
        digits(14, 2) && s[16] == ':' && digits(17, 2)))
    return false;
  std::size_t i = 19;
  if (s[i] == '.') {
    ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) return i + 1 == s.size();
  return i + 6 == s.size() && (s[i] == '+' || s[i] == '-') && digits(i + 1, 2) && s[i + 3] == ':' &&
         digits(i + 4, 2);
}

const char* event_type(domain::OrderAction a) {
  switch (a) {
    case domain::OrderAction::cancel:
      return "order.cancelled";
    case domain::OrderAction::fulfill:
      return "order.fulfilled";
    case domain::OrderAction::pay:
      return "order.paid";
    case domain::OrderAction::refund_in_full:
      return "order.refunded";
  }
  return "order.updated";
}

std::optional<Failure> lacks(const OperationContext& ctx, Permission p) {
  if (domain::has_permission(ctx.actor().role, p)) return std::nullopt;
  return failures::forbidden();
}

}  // namespace

asio::awaitable<Outcome<PlaceResult>> ManageOrders::place(const OperationContext& ctx,
                                                          PlaceOrderCommand c,
                                                          const IdempotencyScope* key) const {
  if (auto f = lacks(ctx, Permission::orders_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  for (auto& [field, message] : domain::check_order_items(c.items))
    issues.push_back({field, message});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  // Round trip 1: claim the key, lock the products and check the customer. Round trip 2:
  // everything else, and COMMIT.
  auto uow = data_.begin(ctx, Access::write);
  std::vector<domain::Uuid> product_ids;
  for (const auto& i : c.items) product_ids.push_back(i.product_id);
  auto ticket = key ? uow->idempotency().claim(*key) : nullptr;
  auto inputs = co_await uow->orders().lock_for_placement(product_ids, c.customer_id);
  if (!inputs) co_return std::unexpected(inputs.error());
  if (ticket) {
    const Claim claim = ticket->result();
    if (claim.result != ClaimResult::claimed) {
      co_await uow->rollback();
      co_return PlaceResult{std::nullopt, claim};
    }
  }
  const domain::Placement decision =
      domain::place_order(c.items, inputs->products, inputs->customer_known);
  // Refused: the transaction ends now, so the key's claim is free for the answer to be recorded.
  if (!std::holds_alternative<domain::PricedOrder>(decision)) co_await uow->rollback();
  if (const auto* rejected = std::get_if<domain::OrderRejected>(&decision)) {
    for (const auto& [field, message] : rejected->issues) issues.push_back({field, message});
    co_return std::unexpected(failures::validation(std::move(issues)));
  }
  if (const auto* out = std::get_if<domain::OutOfStock>(&decision))
    co_return std::unexpected(failures::conflict(
        "insufficient-stock", "Not enough stock for product " + out->product_id.to_string() + " (" +
                                  out->sku + "): " + std::to_string(out->left) + " left, " +
                                  std::to_string(out->ordered) + " ordered."));
  const auto& priced = std::get<domain::PricedOrder>(decision);
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());

  PlacedOrder placed;
  OrderRecord& o = placed.order;
  o.id = ids_.new_id();
  o.status = domain::to_string(domain::OrderStatus::pending_payment);
  o.customer_id = c.customer_id;
  o.total = priced.total;
  o.currency = priced.currency;
  o.created_at = o.updated_at = *now;
  std::vector<StockChange> reserved;
  for (const auto& l : priced.lines) {
    o.items.push_back({l.product_id, l.sku, l.name, l.quantity, l.unit_price, l.line_total});
    reserved.push_back({l.product_id, l.quantity});
  }
  placed.document = documents_.order(o);

  const Principal& actor = ctx.actor();
  uow->products().reserve(reserved);
  uow->orders().add(o, actor.user_id);
  uow->orders().add_history(o.id, {ids_.new_id(), "order.created", *now, actor.user_id.to_string(),
                                   documents_.order_placed(o)});
  uow->outbox().add({ids_.new_id(), "order.created", "order", o.id, o.version, placed.document});
  if (key) uow->idempotency().complete(*key, {201, placed.document});
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return PlaceResult{std::move(placed), std::nullopt};
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::get(const OperationContext& ctx,
                                                        const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::orders_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto o = co_await uow->orders().get(id);
  if (!o) co_return std::unexpected(o.error());
  if (!*o) co_return std::unexpected(failures::not_found());
  co_return std::move(**o);
}

asio::awaitable<Outcome<std::vector<OrderRecord>>> ManageOrders::list(const OperationContext& ctx,
                                                                      OrderFilter filter) const {
  if (auto f = lacks(ctx, Permission::orders_read)) co_return std::unexpected(*f);
  if (filter.status && !domain::parse_order_status(*filter.status))
    co_return std::unexpected(failures::validation(
        {{"status", "must be one of pending_payment, paid, fulfilled, cancelled, refunded"}}));
  std::vector<FieldIssue> issues;
  if (filter.created_from && !rfc3339(*filter.created_from))
    issues.push_back({"created_from", "must be an RFC 3339 timestamp"});
  if (filter.created_to && !rfc3339(*filter.created_to))
    issues.push_back({"created_to", "must be an RFC 3339 timestamp"});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  filter.limit += 1;  // one more tells the caller there is a next page
  auto uow = data_.begin(ctx, Access::read);
  co_return co_await uow->orders().list(filter);
}

asio::awaitable<Outcome<std::optional<OrderRecord>>> ManageOrders::apply(
    const OperationContext& ctx, const domain::Uuid& id, domain::OrderAction action,
    std::string actor, std::string reason, std::optional<domain::OrderStatus> only_from) const {
  // Round trip 1: lock the order. Round trip 2: status, stock, history, outbox, COMMIT.
  auto uow = data_.begin(ctx, Access::write);
  auto locked = co_await uow->orders().lock(id);
  if (!locked) co_return std::unexpected(locked.error());
  if (!*locked) co_return std::unexpected(failures::not_found());
  OrderRecord o = std::move(**locked);
  const auto from = domain::parse_order_status(o.status);
  if (only_from && from != only_from) co_return std::optional<OrderRecord>{};
  const auto to = from ? domain::next_status(*from, action) : std::nullopt;
  if (!to)
    co_return std::unexpected(failures::conflict(
        "invalid-state-transition",
        "An order that is " + o.status + " cannot be " +
            (action == domain::OrderAction::cancel ? "cancelled." : "fulfilled.")));
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  o.status = domain::to_string(*to);
  o.version += 1;
  o.updated_at = *now;
  const std::string type = event_type(action);
  uow->orders().save_status(o);
  if (domain::releases_stock(*from, action)) uow->products().release_order_stock(o.id);
  uow->orders().add_history(
      o.id, {ids_.new_id(), type, *now, std::move(actor), documents_.reason(reason)});
  uow->outbox().add({ids_.new_id(), type, "order", o.id, o.version, documents_.order(o)});
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  co_return o;
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::cancel(const OperationContext& ctx,
                                                           const domain::Uuid& id,
                                                           std::string reason) const {
  if (reason.size() > 500)
    co_return std::unexpected(failures::validation({{"reason", "must be at most 500 characters"}}));
  if (auto f = lacks(ctx, Permission::orders_write)) co_return std::unexpected(*f);
  auto o = co_await apply(ctx, id, domain::OrderAction::cancel, ctx.actor().user_id.to_string(),
                          std::move(reason));
  if (!o) co_return std::unexpected(o.error());
  co_return std::move(**o);
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::fulfill(const OperationContext& ctx,
                                                            const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::orders_write)) co_return std::unexpected(*f);
  auto o =
      co_await apply(ctx, id, domain::OrderAction::fulfill, ctx.actor().user_id.to_string(), "");
  if (!o) co_return std::unexpected(o.error());
  co_return std::move(**o);
}

asio::awaitable<Outcome<bool>> ManageOrders::expire_unpaid(const OperationContext& ctx,
                                                           const domain::Uuid& id) const {
  auto o = co_await apply(ctx, id, domain::OrderAction::cancel, "system", "unpaid",
                          domain::OrderStatus::pending_payment);
  if (!o) {
    if (o.error().code == FailureCode::not_found) co_return false;
    co_return std::unexpected(o.error());
  }
  co_return o->has_value();
}

asio::awaitable<Outcome<std::vector<OrderEventRecord>>> ManageOrders::history(
    const OperationContext& ctx, const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::orders_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read);
  auto h = co_await uow->orders().history(id);
  if (!h) co_return std::unexpected(h.error());
  if (!*h) co_return std::unexpected(failures::not_found());
  co_return std::move(**h);
}

}  // namespace brandos::application
