// Black-box tests of payments, refunds and the cancellation of paid orders over HTTP, with the
// built-in `test` provider (API.md "Payments and refunds"): paying makes the order paid, a decline
// is 402 and stored, the Idempotency-Key protocol (replays, another body, another order's key),
// different keys on one order never both pay, refunds partial and full with their bounds, the
// cancellation saga's history, roles and tenant isolation. Recovery after crashes and gateway
// faults: payment_recovery_test.cpp.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

#include "support/api_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

class PaymentsTest : public ApiServerSuite {
 protected:
  ApiClient api() { return ApiClient(server_->port()); }

  std::string product(const Brand& b, std::int64_t stock, std::int64_t price) {
    auto a = api();
    auto r = a.post("/v1/products",
                    json::object{{"sku", unique_name("PAY")},
                                 {"name", "Thing"},
                                 {"price", price},
                                 {"currency", "EUR"},
                                 {"stock", stock}},
                    b.owner_token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  // An order of `quantity` of a fresh product priced 1000; its id.
  std::string order(const Brand& b, std::int64_t quantity = 2, std::string* product_id = nullptr) {
    auto a = api();
    const std::string p = product(b, 10, 1000);
    if (product_id) *product_id = p;
    auto r =
        a.post("/v1/orders",
               json::object{
                   {"items", json::array{json::object{{"product_id", p}, {"quantity", quantity}}}}},
               b.owner_token, {{"Idempotency-Key", unique_name("o")}});
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  ApiResponse pay(const Brand& b, const std::string& order_id, const std::string& key,
                  const std::string& method = "pm_card_visa") {
    auto a = api();
    return a.post("/v1/orders/" + order_id + "/payments", json::object{{"payment_method", method}},
                  b.owner_token, {{"Idempotency-Key", key}});
  }
  ApiResponse refund(const Brand& b, const std::string& order_id, std::int64_t amount,
                     const std::string& key, const std::string& token = "") {
    auto a = api();
    return a.post("/v1/orders/" + order_id + "/refunds",
                  json::object{{"amount", amount}, {"reason", "damaged"}},
                  token.empty() ? b.owner_token : token, {{"Idempotency-Key", key}});
  }
  json::value get_order(const Brand& b, const std::string& id) {
    auto a = api();
    return a.get("/v1/orders/" + id, b.owner_token).body;
  }
  std::vector<std::string> history(const Brand& b, const std::string& id) {
    auto a = api();
    std::vector<std::string> types;
    const auto events = a.get("/v1/orders/" + id + "/events", b.owner_token);
    for (const auto& e : events.body.at("data").as_array()) types.push_back(str(e, "type"));
    return types;
  }
  std::string sql(const std::string& q) { return run_sql(db_->superuser_conninfo, q); }
};

TEST_F(PaymentsTest, PayingMakesTheOrderPaidAndAnnouncesIt) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(b);
  auto r = pay(b, id, "pay-1");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(str(r.body, "status"), "succeeded");
  EXPECT_EQ(str(r.body, "order_id"), id);
  EXPECT_EQ(r.body.at("amount").as_int64(), 2000);
  EXPECT_EQ(str(r.body, "currency"), "EUR");
  EXPECT_EQ(str(r.body, "provider"), "test");
  EXPECT_FALSE(str(r.body, "provider_reference").empty());
  const auto o = get_order(b, id);
  EXPECT_EQ(str(o, "status"), "paid");
  EXPECT_EQ(o.at("paid_amount").as_int64(), 2000);
  EXPECT_EQ(o.at("version").as_int64(), 2);
  auto list = a.get("/v1/orders/" + id + "/payments", b.owner_token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(json::serialize(list.body.at("data").as_array()[0]), r.raw.body);
  EXPECT_EQ(history(b, id), (std::vector<std::string>{"order.created", "order.paid"}));
  EXPECT_EQ(sql("SELECT string_agg(type, ',' ORDER BY position) FROM brandos.outbox_events WHERE "
                "aggregate_id IN ('" +
                id + "', '" + str(r.body, "id") +
                "') AND type <> "
                "'order.created'"),
            "payment.succeeded,order.paid");
  // The same key again: the stored answer, byte for byte.
  auto again = pay(b, id, "pay-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.raw.body, r.raw.body);
  EXPECT_EQ(again.raw.header("Idempotent-Replayed"), "true");
  // Another key: the order is paid already.
  auto twice = pay(b, id, "pay-2");
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(str(twice.body, "type"), "https://brandos.dev/problems/invalid-state-transition");
}

TEST_F(PaymentsTest, ADeclineIs402StoredAsFailedAndLeavesTheOrderUnpaid) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(b);
  auto r = pay(b, id, "declined-1", "pm_card_declined");
  ASSERT_EQ(r.status, 402) << r.raw.body;
  EXPECT_EQ(str(r.body, "type"), "https://brandos.dev/problems/payment-declined");
  EXPECT_EQ(str(get_order(b, id), "status"), "pending_payment");
  auto list = a.get("/v1/orders/" + id + "/payments", b.owner_token);
  ASSERT_EQ(list.body.at("data").as_array().size(), 1u);
  EXPECT_EQ(str(list.body.at("data").as_array()[0], "status"), "failed");
  EXPECT_EQ(str(list.body.at("data").as_array()[0], "failure_code"), "card_declined");
  auto again = pay(b, id, "declined-1", "pm_card_declined");
  EXPECT_EQ(again.status, 402);
  EXPECT_EQ(again.raw.body, r.raw.body);
  EXPECT_EQ(again.raw.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(history(b, id), (std::vector<std::string>{"order.created", "payment.failed"}));
  // Another card, another key: it pays.
  EXPECT_EQ(pay(b, id, "declined-2").status, 201);
  EXPECT_EQ(str(get_order(b, id), "status"), "paid");
}

TEST_F(PaymentsTest, BadRequestsAreRefusedClearly) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(b);
  auto no_key = a.post("/v1/orders/" + id + "/payments",
                       json::object{{"payment_method", "pm_card_visa"}}, b.owner_token);
  EXPECT_EQ(no_key.status, 400);
  auto wrong_amount = a.post("/v1/orders/" + id + "/payments",
                             json::object{{"payment_method", "pm_card_visa"}, {"amount", 1999}},
                             b.owner_token, {{"Idempotency-Key", "amount-1"}});
  EXPECT_EQ(wrong_amount.status, 422);
  EXPECT_TRUE(has_field_error(wrong_amount, "amount"));
  auto unknown_field = a.post("/v1/orders/" + id + "/payments",
                              json::object{{"payment_method", "pm_card_visa"}, {"tip", 5}},
                              b.owner_token, {{"Idempotency-Key", "field-1"}});
  EXPECT_EQ(unknown_field.status, 422);
  auto no_method = a.post("/v1/orders/" + id + "/payments", json::object{}, b.owner_token,
                          {{"Idempotency-Key", "method-1"}});
  EXPECT_EQ(no_method.status, 422);
  EXPECT_EQ(pay(b, "0190c7e5-0000-7000-8000-000000000000", "ghost-1").status, 404);
  // The refused key replays its refusal; used with another body, 422.
  auto replay = a.post("/v1/orders/" + id + "/payments",
                       json::object{{"payment_method", "pm_card_visa"}, {"amount", 1999}},
                       b.owner_token, {{"Idempotency-Key", "amount-1"}});
  EXPECT_EQ(replay.status, 422);
  EXPECT_EQ(replay.raw.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(pay(b, id, "amount-1").status, 422);
  // Another tenant's order is not found, and nothing was paid.
  const Brand other = sign_up_brand(a);
  auto foreign =
      a.post("/v1/orders/" + id + "/payments", json::object{{"payment_method", "pm_card_visa"}},
             other.owner_token, {{"Idempotency-Key", "foreign-1"}});
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(a.get("/v1/orders/" + id + "/payments", other.owner_token).status, 404);
  EXPECT_EQ(str(get_order(b, id), "status"), "pending_payment");
  // Viewers read payments but cannot pay.
  const auto viewer = add_user(a, b, "viewer");
  EXPECT_EQ(a.get("/v1/orders/" + id + "/payments", viewer.second).status, 200);
  auto forbidden =
      a.post("/v1/orders/" + id + "/payments", json::object{{"payment_method", "pm_card_visa"}},
             viewer.second, {{"Idempotency-Key", "viewer-1"}});
  EXPECT_EQ(forbidden.status, 403);
}

TEST_F(PaymentsTest, DifferentKeysOnOneOrderNeverBothPay) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(b);
  constexpr int kRequests = 20;
  std::latch go(kRequests);
  std::mutex m;
  std::map<int, int> statuses;
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      auto r = pay(b, id, "race-" + std::to_string(i), "pm_card_slow");
      std::lock_guard lock(m);
      ++statuses[r.status];
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(statuses[201], 1);
  EXPECT_EQ(statuses[409], kRequests - 1);
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.payments WHERE order_id = '" + id + "'"), "1");
  EXPECT_EQ(get_order(b, id).at("paid_amount").as_int64(), 2000);
}

TEST_F(PaymentsTest, RefundsArePartialOrFullAndBoundedByWhatWasPaid) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(b);
  ASSERT_EQ(pay(b, id, "p").status, 201);
  const auto staff = add_user(a, b, "staff");
  EXPECT_EQ(refund(b, id, 100, "staff-1", staff.second).status, 403);  // manager+
  auto part = refund(b, id, 500, "r-1");
  ASSERT_EQ(part.status, 201) << part.raw.body;
  EXPECT_EQ(str(part.body, "status"), "succeeded");
  EXPECT_EQ(part.body.at("amount").as_int64(), 500);
  EXPECT_EQ(str(part.body, "order_id"), id);
  auto o = get_order(b, id);
  EXPECT_EQ(str(o, "status"), "paid");
  EXPECT_EQ(o.at("refunded_amount").as_int64(), 500);
  auto too_much = refund(b, id, 1501, "r-2");
  EXPECT_EQ(too_much.status, 422);
  EXPECT_TRUE(has_field_error(too_much, "amount"));
  auto replay = refund(b, id, 500, "r-1");
  EXPECT_EQ(replay.raw.body, part.raw.body);
  EXPECT_EQ(replay.raw.header("Idempotent-Replayed"), "true");
  auto rest = refund(b, id, 1500, "r-3");
  ASSERT_EQ(rest.status, 201) << rest.raw.body;
  o = get_order(b, id);
  EXPECT_EQ(str(o, "status"), "refunded");
  EXPECT_EQ(o.at("refunded_amount").as_int64(), 2000);
  EXPECT_EQ(refund(b, id, 1, "r-4").status, 409);  // refunded: nothing left
  auto list = a.get("/v1/orders/" + id + "/refunds", b.owner_token);
  EXPECT_EQ(list.body.at("data").as_array().size(), 2u);
  EXPECT_EQ(history(b, id),
            (std::vector<std::string>{"order.created", "order.paid", "refund.succeeded",
                                      "refund.succeeded", "order.refunded"}));
  const std::string unpaid = order(b);
  EXPECT_EQ(refund(b, unpaid, 100, "r-5").status, 409);
}

TEST_F(PaymentsTest, CancellingAPaidOrderRefundsReleasesStockAndCancels) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  std::string product_id;
  const std::string id = order(b, 3, &product_id);
  ASSERT_EQ(pay(b, id, "p").status, 201);
  ASSERT_EQ(refund(b, id, 400, "partial").status, 201);
  EXPECT_EQ(a.get("/v1/products/" + product_id, b.owner_token).body.at("stock").as_int64(), 7);
  auto r = a.post("/v1/orders/" + id + "/cancel", json::object{{"reason", "changed mind"}},
                  b.owner_token);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(str(r.body, "status"), "cancelled");
  EXPECT_EQ(r.body.at("refunded_amount").as_int64(), 3000);
  EXPECT_EQ(r.body.at("paid_amount").as_int64(), 3000);
  EXPECT_EQ(a.get("/v1/products/" + product_id, b.owner_token).body.at("stock").as_int64(), 10);
  EXPECT_EQ(history(b, id),
            (std::vector<std::string>{"order.created", "order.paid", "refund.succeeded",
                                      "order.cancellation_started", "refund.succeeded",
                                      "stock.released", "order.cancelled"}));
  EXPECT_EQ(sql("SELECT step FROM brandos.order_cancellations WHERE order_id = '" + id + "'"),
            "completed");
  auto refunds = a.get("/v1/orders/" + id + "/refunds", b.owner_token);
  ASSERT_EQ(refunds.body.at("data").as_array().size(), 2u);
  EXPECT_EQ(refunds.body.at("data").as_array()[0].at("amount").as_int64(), 2600);
  // Cancelled: nothing more happens to it.
  EXPECT_EQ(a.post("/v1/orders/" + id + "/cancel", json::object{}, b.owner_token).status, 409);
  EXPECT_EQ(a.post("/v1/orders/" + id + "/fulfill", json::object{}, b.owner_token).status, 409);
  EXPECT_EQ(a.get("/v1/products/" + product_id, b.owner_token).body.at("stock").as_int64(), 10);
}

}  // namespace
}  // namespace brandos::testing
