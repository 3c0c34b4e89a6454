#pragma once
// Port: the JSON document of each resource, exactly as the HTTP API shows it. Implemented once,
// in the API layer; use cases render event payloads and stored idempotent responses with it, so
// an event's data and the response body of the same change are the same bytes.
#include <cstdint>
#include <string>

#include "application/ports/order_repository.hpp"
#include "application/ports/payment_repository.hpp"
#include "application/ports/product_repository.hpp"

namespace brandos::application {

class ResourceDocuments {
 public:
  virtual ~ResourceDocuments() = default;
  virtual std::string order(const OrderRecord& order) const = 0;
  virtual std::string product(const ProductRecord& product) const = 0;
  // inventory.adjusted: {product_id, sku, delta, reason, stock}
  virtual std::string stock_adjustment(const ProductRecord& product, std::int64_t delta,
                                       const std::string& reason) const = 0;
  // {"id": ...}: events about resources whose content must not travel (personal data).
  virtual std::string reference(const domain::Uuid& id) const = 0;
  // History data: {"total", "currency"} of a placed order; {"reason"} (or {}) of a transition.
  virtual std::string order_placed(const OrderRecord& order) const = 0;
  virtual std::string reason(const std::string& reason) const = 0;
  virtual std::string payment(const PaymentRecord& payment) const = 0;
  virtual std::string refund(const RefundRecord& refund) const = 0;
  // History data of money moving: {"id", "amount", "currency"} and "code" when one is given.
  virtual std::string money_movement(const domain::Uuid& id, std::int64_t amount,
                                     const std::string& currency,
                                     const std::optional<std::string>& code) const = 0;
};

}  // namespace brandos::application
