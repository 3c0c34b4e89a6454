#include "domain/ordering/placement.hpp"

#include <map>

namespace brandos::domain {

Placement place_order(const std::vector<OrderItemRequest>& items,
                      const std::vector<StockedProduct>& products, bool customer_known) {
  std::map<Uuid, const StockedProduct*> by_id;
  for (const auto& p : products) by_id[p.id] = &p;

  PricedOrder order;
  OrderRejected rejected;
  // Foreign keys alone would accept another tenant's customer.
  if (!customer_known)
    rejected.issues.push_back({"customer_id", "is not a customer of this brand"});
  for (std::size_t k = 0; k < items.size(); ++k) {
    const auto& item = items[k];
    const std::string field = "items[" + std::to_string(k) + "].product_id";
    const auto it = by_id.find(item.product_id);
    if (it == by_id.end()) {
      rejected.issues.push_back({field, "is not a product of this brand (unknown or deleted)"});
      continue;
    }
    const StockedProduct& p = *it->second;
    if (order.currency.empty()) order.currency = p.currency;
    if (p.currency != order.currency)
      rejected.issues.push_back({field, "is priced in another currency than the other items"});
    const auto line = line_total(item.quantity, p.price);
    std::int64_t total = 0;
    if (!line || __builtin_add_overflow(order.total, *line, &total)) {
      rejected.issues.push_back({field, "makes the total too large"});
      continue;
    }
    order.total = total;
    order.lines.push_back({p.id, p.sku, p.name, item.quantity, p.price, *line});
  }
  if (!rejected.issues.empty()) return rejected;
  for (const auto& line : order.lines) {
    const StockedProduct& p = *by_id.at(line.product_id);
    if (p.stock < line.quantity) return OutOfStock{p.id, p.sku, p.stock, line.quantity};
  }
  return order;
}

}  // namespace brandos::domain
