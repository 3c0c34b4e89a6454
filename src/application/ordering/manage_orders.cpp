#include "application/ordering/manage_orders.hpp"

#include "domain/identity/role.hpp"

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
}  // namespace

asio::awaitable<Outcome<OrderRecord>> ManageOrders::place(const Principal& actor,
                                                          PlaceOrderCommand c,
                                                          const IdempotencyScope* scope,
                                                          const RenderOrder& render) const {
  if (!domain::has_permission(actor.role, Permission::orders_write))
    co_return std::unexpected(failures::forbidden());
  std::vector<FieldIssue> issues;
  for (auto& [field, message] : domain::check_order_items(c.items))
    issues.push_back({field, message});
  if (!issues.empty()) co_return std::unexpected(failures::validation(std::move(issues)));
  const NewOrder order{ids_.new_id(), c.customer_id, std::move(c.items),
                       actor.user_id, ids_.new_id(), ids_.new_id()};
  co_return co_await orders_.place(actor.tenant_id, order, scope, render);
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::get(const Principal& actor,
                                                        const domain::Uuid& id) const {
  if (!domain::has_permission(actor.role, Permission::orders_read))
    co_return std::unexpected(failures::forbidden());
  auto o = co_await orders_.get(actor.tenant_id, id);
  if (!o) co_return std::unexpected(o.error());
  if (!*o) co_return std::unexpected(failures::not_found());
  co_return std::move(**o);
}

asio::awaitable<Outcome<std::vector<OrderRecord>>> ManageOrders::list(const Principal& actor,
                                                                      OrderFilter filter) const {
  if (!domain::has_permission(actor.role, Permission::orders_read))
    co_return std::unexpected(failures::forbidden());
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
  co_return co_await orders_.list(actor.tenant_id, filter);
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::apply(const Principal& actor,
                                                          const domain::Uuid& id,
                                                          domain::OrderAction action,
                                                          std::string reason) const {
  if (!domain::has_permission(actor.role, Permission::orders_write))
    co_return std::unexpected(failures::forbidden());
  const domain::Uuid history_id = ids_.new_id();
  const domain::Uuid outbox_id = ids_.new_id();
  auto o = co_await orders_.transition(actor.tenant_id, id, action, actor.user_id.to_string(),
                                       reason, history_id, outbox_id);
  if (!o) co_return std::unexpected(o.error());
  if (!*o) co_return std::unexpected(failures::not_found());
  co_return std::move(**o);
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::cancel(const Principal& actor,
                                                           const domain::Uuid& id,
                                                           std::string reason) const {
  if (reason.size() > 500)
    co_return std::unexpected(failures::validation({{"reason", "must be at most 500 characters"}}));
  co_return co_await apply(actor, id, domain::OrderAction::cancel, std::move(reason));
}

asio::awaitable<Outcome<OrderRecord>> ManageOrders::fulfill(const Principal& actor,
                                                            const domain::Uuid& id) const {
  co_return co_await apply(actor, id, domain::OrderAction::fulfill, "");
}

asio::awaitable<Outcome<std::vector<OrderEventRecord>>> ManageOrders::history(
    const Principal& actor, const domain::Uuid& id) const {
  if (!domain::has_permission(actor.role, Permission::orders_read))
    co_return std::unexpected(failures::forbidden());
  auto h = co_await orders_.history(actor.tenant_id, id);
  if (!h) co_return std::unexpected(h.error());
  if (!*h) co_return std::unexpected(failures::not_found());
  co_return std::move(**h);
}

}  // namespace brandos::application
