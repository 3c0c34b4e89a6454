#include "infrastructure/postgres/failure_of.hpp"

#include <string_view>

namespace brandos::pg {

namespace {

struct KnownConstraint {
  std::string_view constraint;
  std::string_view slug;
  std::string_view detail;
};

// Unique indexes whose violation is the caller's business, not a bug.
constexpr KnownConstraint kKnown[] = {
    {"tenants_slug_key", "slug-taken", "This slug is already taken."},
    {"users_email_per_tenant", "email-taken", "A user with this e-mail already exists."},
    {"users_one_owner", "owner-exists", "The brand already has an owner."},
    {"products_sku_per_tenant", "sku-taken", "A product with this SKU already exists."},
    {"customers_email_per_tenant", "email-taken", "A customer with this e-mail already exists."},
    // Guards behind the order's lock (migration 0017): reached only if that check were bypassed.
    {"payments_one_live_per_order", "payment-in-progress",
     "Another payment of this order is being processed or has succeeded."},
    {"order_cancellations_one_running", "cancellation-in-progress",
     "The order is being cancelled already."},
    {"payments_tenant_id_request_user_id_request_key_key", "idempotency-key-in-use",
     "A request with this Idempotency-Key is still being processed; retry shortly."},
    {"refunds_tenant_id_request_user_id_request_key_key", "idempotency-key-in-use",
     "A request with this Idempotency-Key is still being processed; retry shortly."},
};

}  // namespace

application::Failure failure_or_throw(const Error& e) {
  // A deadlock or serialization failure is transient: the client's retry succeeds.
  if (e.unavailable() || e.retryable()) return application::failures::unavailable();
  // A job's fence (migration 0013): its lease has passed to another node since it took it.
  if (e.sqlstate == "BRL01")
    return application::failures::conflict("lease-lost", "This node no longer holds the job.");
  if (e.kind == ErrorKind::unique_violation)
    for (const auto& k : kKnown)
      if (e.constraint == k.constraint)
        return application::failures::conflict(std::string(k.slug), std::string(k.detail));
  throw DatabaseBug(std::string("database: ") + to_string(e.kind) + " " + e.sqlstate + " " +
                    e.message);
}

}  // namespace brandos::pg
