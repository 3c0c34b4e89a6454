#include "application/ordering/manage_orders.hpp"

#include <algorithm>
#include <map>
#include "application/authorization.hpp"

#include "domain/identity/role.hpp"
#include "domain/ordering/placement.hpp"
#include "domain/timestamp.hpp"

namespace brandos::application {

namespace asio = boost::asio;
using domain::Permission;

namespace {

// RFC 3339 date-time, every field in range (the database would also take words like
// "yesterday", and refuse a 13th month with an error the API must never show).
bool rfc3339(const std::string& s) {
  return domain::parse_rfc3339_us(s).has_value();
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

}  // namespace

ManageOrders::ManageOrders(TenantData& data, const ResourceDocuments& documents, IdGenerator& ids,
                           int batch_orders, OrderBatchMetrics* batch_metrics,
                           BusinessMetrics* business)
    : data_(data), documents_(documents), ids_(ids), business_(business) {
  if (batch_orders > 1)
    batches_ = std::make_unique<OrderBatches>(
        batch_orders, [this](std::vector<PendingOrder*>& batch) { return place_batch(batch); },
        batch_metrics);
}

asio::awaitable<Outcome<PlaceResult>> ManageOrders::place(const OperationContext& ctx,
                                                          PlaceOrderCommand c,
                                                          const IdempotencyScope* key) const {
  if (auto f = lacks(ctx, Permission::orders_write)) co_return std::unexpected(*f);
  std::vector<FieldIssue> issues;
  for (auto& [field, message] : domain::check_order_items(c.items))
    issues.push_back({field, message});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));

  PendingOrder order{&ctx, std::move(c), key, std::nullopt, nullptr};
  if (batches_) co_return co_await batches_->place(order);
  std::vector<PendingOrder*> alone{&order};
  co_await place_batch(alone);
  if (order.error) std::rethrow_exception(order.error);
  co_return std::move(*order.result);
}

asio::awaitable<void> ManageOrders::place_batch(std::vector<PendingOrder*>& batch) const {
  // The transaction lasts as long as the latest of its orders may wait: an order close to its
  // deadline must not cut the round trips of the others short (a late answer beats a 503 for
  // orders that still had time; the batches take no order already past its deadline).
  OperationContext shared = *batch.front()->ctx;
  for (const PendingOrder* o : batch) shared.deadline = std::max(shared.deadline, o->ctx->deadline);
  auto uow = data_.begin(shared, Access::write);
  std::optional<Outcome<void>> together;
  std::exception_ptr thrown;
  try {
    together.emplace(co_await place_together(*uow, batch));
  } catch (...) {
    thrown = std::current_exception();
  }
  if (together && *together) co_return;
  // Ended before anything is retried or recorded: what it held (product rows, the keys' locks)
  // must be free, or a retried order would find its own key in use.
  co_await uow->rollback();
  const bool down = together && together->error().code == FailureCode::unavailable;
  if (batch.size() == 1 || down) {
    for (PendingOrder* o : batch) {
      if (thrown)
        o->error = thrown;
      else
        o->result.emplace(std::unexpected(together->error()));
    }
    co_return;
  }
  // A constraint or a bug in one order failed the shared transaction, which PostgreSQL reported,
  // so nothing of it committed (an unknown outcome is unavailable, above): each goes again alone.
  for (PendingOrder* o : batch) {
    std::vector<PendingOrder*> alone{o};
    co_await place_batch(alone);
  }
}

namespace {

Failure refusal(const domain::Placement& decision) {
  if (const auto* rejected = std::get_if<domain::OrderRejected>(&decision)) {
    std::vector<FieldIssue> issues;
    for (const auto& [field, message] : rejected->issues) issues.push_back({field, message});
    return failures::validation(std::move(issues));
  }
  const auto& out = std::get<domain::OutOfStock>(decision);
  return failures::conflict("insufficient-stock", "Not enough stock for product " +
                                                      out.product_id.to_string() + " (" + out.sku +
                                                      "): " + std::to_string(out.left) + " left, " +
                                                      std::to_string(out.ordered) + " ordered.");
}

template <class T>
void sort_unique(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

asio::awaitable<Outcome<void>> ManageOrders::place_together(
    UnitOfWork& uow, std::vector<PendingOrder*>& batch) const {
  // Round trip 1: claim every key, lock every product named (in id order, once) and check the
  // customers. Round trip 2: everything else, and COMMIT.
  std::vector<const IdempotencyScope*> keys;
  std::vector<domain::Uuid> product_ids, customer_ids;
  for (const PendingOrder* o : batch) {
    if (o->key) keys.push_back(o->key);
    for (const auto& i : o->command.items) product_ids.push_back(i.product_id);
    if (o->command.customer_id) customer_ids.push_back(*o->command.customer_id);
  }
  const auto claims = uow.idempotency().claim(keys);
  sort_unique(product_ids);
  sort_unique(customer_ids);
  auto inputs = co_await uow.orders().lock_for_placement(product_ids, customer_ids);
  if (!inputs) co_return std::unexpected(inputs.error());
  auto now = co_await uow.now();
  if (!now) co_return std::unexpected(now.error());

  // Each order is decided against the stock its predecessors in the batch left.
  std::map<domain::Uuid, domain::StockedProduct> stock;
  for (auto& p : inputs->products) stock.emplace(p.id, std::move(p));
  std::map<domain::Uuid, std::int64_t> reserved;
  std::vector<Outcome<PlaceResult>> answers;
  answers.reserve(batch.size());
  std::size_t next_claim = 0;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    const PendingOrder& pending = *batch[k];
    if (pending.key) {
      const Claim claim = claims.at(next_claim++)->result();
      if (claim.result != ClaimResult::claimed) {
        answers.emplace_back(PlaceResult{std::nullopt, claim});
        continue;
      }
    }
    const bool customer_known =
        !pending.command.customer_id ||
        std::binary_search(inputs->live_customers.begin(), inputs->live_customers.end(),
                           *pending.command.customer_id);
    std::vector<domain::StockedProduct>
        named;  // this order's products, as its predecessors left them
    for (const auto& item : pending.command.items)
      if (auto it = stock.find(item.product_id); it != stock.end()) named.push_back(it->second);
    const domain::Placement decision =
        domain::place_order(pending.command.items, named, customer_known);
    if (!std::holds_alternative<domain::PricedOrder>(decision)) {
      answers.emplace_back(std::unexpected(refusal(decision)));
      continue;
    }
    const auto& priced = std::get<domain::PricedOrder>(decision);
    PlacedOrder placed;
    OrderRecord& o = placed.order;
    o.id = ids_.new_id();
    o.status = domain::to_string(domain::OrderStatus::pending_payment);
    o.customer_id = pending.command.customer_id;
    o.total = priced.total;
    o.currency = priced.currency;
    o.created_at = o.updated_at = *now;
    for (const auto& l : priced.lines) {
      o.items.push_back({l.product_id, l.sku, l.name, l.quantity, l.unit_price, l.line_total});
      reserved[l.product_id] += l.quantity;
      stock.at(l.product_id).stock -= l.quantity;
    }
    placed.document = documents_.order(o);
    answers.emplace_back(PlaceResult{std::move(placed), std::nullopt});
  }

  // Each kind of row of every placed order goes in one statement (the answers are complete:
  // nothing below moves them, so the references stay good).
  std::vector<NewOrder> orders;
  std::vector<OrderHistoryEntry> history;
  std::vector<OutboxEvent> events;
  std::vector<KeyCompletion> completions;
  for (std::size_t k = 0; k < batch.size(); ++k) {
    if (!answers[k] || !answers[k]->placed) continue;
    const PlacedOrder& placed = *answers[k]->placed;
    const OrderRecord& o = placed.order;
    const Principal& actor = batch[k]->ctx->actor();
    orders.push_back({o, actor.user_id});
    history.push_back({o.id,
                       {ids_.new_id(), "order.created", *now, actor.user_id.to_string(),
                        documents_.order_placed(o)}});
    events.push_back({ids_.new_id(), "order.created", "order", o.id, o.version, placed.document,
                      &batch[k]->ctx->trace});
    if (batch[k]->key) completions.push_back({*batch[k]->key, 201, placed.document});
  }

  if (orders.empty()) {
    // Nothing placed: the transaction ends now, so the keys' claims are free for the refusals to
    // be recorded.
    co_await uow.rollback();
  } else {
    std::vector<StockChange> changes;
    for (const auto& [product, quantity] : reserved) changes.push_back({product, quantity});
    uow.products().reserve(changes);
    uow.orders().add(orders);
    uow.orders().add_history(history);
    uow.outbox().add(events);
    uow.idempotency().complete(completions);
    // A commit whose outcome is unknown (connection lost, timed out) fails as unavailable and is
    // not retried; an error PostgreSQL reports (a constraint, a bug) means nothing committed.
    auto done = co_await uow.commit();
    if (!done) co_return std::unexpected(done.error());
    if (business_) business_->orders_created(orders.size());
  }
  for (std::size_t k = 0; k < batch.size(); ++k) batch[k]->result.emplace(std::move(answers[k]));
  co_return Outcome<void>{};
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::get(const OperationContext& ctx,
                                                        const domain::Uuid& id) const {
  if (auto f = lacks(ctx, Permission::orders_read)) co_return std::unexpected(*f);
  auto uow = data_.begin(ctx, Access::read_by_key);
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
  // A paid order is cancelled with a refund, by the cancellation saga (CancelOrder), never here.
  if (!to || (action == domain::OrderAction::cancel && from == domain::OrderStatus::paid))
    co_return std::unexpected(failures::conflict(
        "invalid-state-transition",
        "An order that is " + o.status + " cannot be " +
            (action == domain::OrderAction::cancel ? "cancelled." : "fulfilled.")));
  // Money in motion holds the order: a payment being settled (cancelling now could leave a charge
  // on a cancelled order), or a cancellation running (fulfilling would ship a refunded order).
  auto situation = co_await uow->payments().refund_situation(id, std::nullopt);
  if (!situation) co_return std::unexpected(situation.error());
  if (situation->payment_pending) {
    if (only_from) co_return std::optional<OrderRecord>{};  // the expiry leaves it to settle
    co_return std::unexpected(failures::conflict(
        "payment-in-progress", "A payment of this order is being processed; retry once settled."));
  }
  if (situation->running_cancellation)
    co_return std::unexpected(failures::conflict(
        "cancellation-in-progress", "The order is being cancelled; it cannot be fulfilled."));
  auto now = co_await uow->now();
  if (!now) co_return std::unexpected(now.error());
  o.status = domain::to_string(*to);
  o.version += 1;
  o.updated_at = *now;
  const std::string type = event_type(action);
  uow->orders().save_status(o);
  if (domain::releases_stock(*from, action)) uow->products().release_order_stock(o.id);
  uow->orders().add_history(
      {{o.id, {ids_.new_id(), type, *now, std::move(actor), documents_.reason(reason)}}});
  uow->outbox().add({ids_.new_id(), type, "order", o.id, o.version, documents_.order(o)});
  auto done = co_await uow->commit();
  if (!done) co_return std::unexpected(done.error());
  if (business_ && action == domain::OrderAction::cancel) business_->order_cancelled();
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
