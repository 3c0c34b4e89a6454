#pragma once
// HTTP mapping of payments, refunds and cancelling (API.md "Payments and refunds", "Orders"):
// POST/GET /v1/orders/{id}/payments, POST/GET /v1/orders/{id}/refunds (with the Idempotency-Key
// protocol of idempotent_answers.hpp) and POST /v1/orders/{id}/cancel.
#include <boost/json/object.hpp>

#include "api/router.hpp"
#include "application/idempotency/idempotent_requests.hpp"
#include "application/payments/cancel_order.hpp"
#include "application/payments/refund_payment.hpp"
#include "application/payments/take_payment.hpp"
#include "application/ports/request_fingerprints.hpp"

namespace brandos::api {

struct PaymentsApi {
  const application::TakePayment& payments;
  const application::RefundPayment& refunds;
  const application::CancelOrder& cancellations;
  const application::IdempotentRequests& idempotency;
  const application::RequestFingerprints& fingerprints;
};

void add_payment_routes(Router& router, const PaymentsApi& api);

// The bodies: {"payment_method", "amount"?} and {"amount", "reason"?}; problems (missing, wrong
// type, unknown field) go to `issues`. Fuzzed by fuzz/payment_body_fuzz.cpp.
application::PayCommand read_pay_command(const boost::json::object& body,
                                         std::vector<application::FieldIssue>& issues);
application::RefundCommand read_refund_command(const boost::json::object& body,
                                               std::vector<application::FieldIssue>& issues);

}  // namespace brandos::api
