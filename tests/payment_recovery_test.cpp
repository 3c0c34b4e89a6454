// Payments against a real card gateway (the simulator under tools/) through the HTTP adapter,
// with the `brandos_testing` binary whose failpoints are armed (ADR 0018):
//  - SIGKILL at every recovery point of a payment and of a refund, restart, retry: exactly one
//    charge (one refund) at the gateway, order and payment consistent;
//  - a failure injected at each step of a paid order's cancellation, and a SIGKILL mid-saga: no
//    half-cancelled order, no saga left running once the settlement job caught up; a refund the
//    gateway refuses compensates;
//  - gateway faults: a dropped answer after the charge, 5xx, timeouts (settled later), the gateway
//    down (its breaker opens, answers fail fast, probes close it when it is back);
//  - 100 concurrent requests with one key: one charge.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <latch>
#include <map>
#include <mutex>
#include <thread>

#include "support/api_client.hpp"
#include "support/gateway_simulator.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class PaymentRecovery : public ::testing::Test {
 protected:
  void SetUp() override { db_ = create_test_database(); }
  void TearDown() override {
    if (server_) server_->signal(SIGTERM), server_->wait_exit(10s);
  }

  // brandos_testing against the simulator: short leases and a busy settlement job, so takeovers
  // happen within the test's time.
  void start(const std::string& failpoints = "", std::vector<std::string> extra = {}) {
    if (server_) server_->wait_exit(1s);
    server_ = std::make_unique<ServerProcess>();
    server_->use_binary(BRANDOS_TESTING_BINARY);
    std::map<std::string, std::string> env;
    if (!failpoints.empty()) env["BRANDOS_FAILPOINTS"] = failpoints;
    std::vector<std::string> flags{"--payment-gateway-url",
                                   gateway_.url(),
                                   "--payment-attempt-lease-ms",
                                   "1500",
                                   "--payment-settlement-interval-ms",
                                   "200",
                                   "--job-lease-ms",
                                   "1000",
                                   "--job-interval-s",
                                   "1",
                                   "--payment-gateway-timeout-ms",
                                   "400",
                                   "--payment-gateway-attempts",
                                   "2",
                                   "--breaker-failures",
                                   "4",
                                   "--breaker-open-ms",
                                   "1000"};
    for (std::size_t i = 0; i + 1 < extra.size(); i += 2) {  // replaces a default above
      auto it = std::find(flags.begin(), flags.end(), extra[i]);
      if (it != flags.end())
        *(it + 1) = extra[i + 1];
      else
        flags.insert(flags.end(), {extra[i], extra[i + 1]});
    }
    launch_api_server(*server_, db_, flags, env);
  }
  ApiClient api() { return ApiClient(server_->port()); }
  // A request the armed failpoint kills the server in: no answer is expected.
  void send_into_crash(const std::string& path, const json::value& body, const std::string& token,
                       const std::string& key = "") {
    std::vector<std::pair<std::string, std::string>> h{{"Authorization", "Bearer " + token},
                                                       {"Content-Type", "application/json"}};
    if (!key.empty()) h.emplace_back("Idempotency-Key", key);
    auto r = http_request(server_->port(), "POST", path, h, json::serialize(body));
    EXPECT_FALSE(r) << "answered " << r->status << ": " << r->body;
  }
  void crash_expected() {
    auto code = server_->wait_exit(15s);
    ASSERT_TRUE(code) << "the failpoint did not kill the server:\n" << server_->log();
    EXPECT_EQ(*code, 128 + SIGKILL);
  }
  // After a restart: a fresh token (signing keys survive, but keep the test independent of it).
  std::string token(const Brand& b) {
    auto a = api();
    return log_in(a, b.slug, b.owner_email, kStrongPassword).first;
  }
  std::string product(ApiClient& a, const std::string& token, std::int64_t stock) {
    auto r = a.post("/v1/products",
                    json::object{{"sku", unique_name("REC")},
                                 {"name", "Thing"},
                                 {"price", 1000},
                                 {"currency", "EUR"},
                                 {"stock", stock}},
                    token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  std::string order(ApiClient& a, const std::string& token, const std::string& product_id,
                    std::int64_t quantity = 2) {
    auto r = a.post("/v1/orders",
                    json::object{{"items", json::array{json::object{{"product_id", product_id},
                                                                    {"quantity", quantity}}}}},
                    token, {{"Idempotency-Key", unique_name("o")}});
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  ApiResponse pay(ApiClient& a, const std::string& token, const std::string& order_id,
                  const std::string& key) {
    return a.post("/v1/orders/" + order_id + "/payments",
                  json::object{{"payment_method", "pm_card_visa"}}, token,
                  {{"Idempotency-Key", key}});
  }
  // Retries while the key is in flight (someone's lease runs) or the gateway is unavailable.
  ApiResponse pay_until_settled(ApiClient& a, const std::string& token, const std::string& order_id,
                                const std::string& key) {
    ApiResponse r;
    for (const auto until = Clock::now() + 20s; Clock::now() < until;) {
      r = pay(a, token, order_id, key);
      if (r.status != 409 && r.status != 503 && r.status != 0) return r;
      std::this_thread::sleep_for(200ms);
    }
    return r;
  }
  // Polls until `done` holds (20 s at most).
  template <class Done>
  bool eventually(Done done) {
    for (const auto until = Clock::now() + 20s; Clock::now() < until;) {
      if (done()) return true;
      std::this_thread::sleep_for(100ms);
    }
    return done();
  }
  std::string sql(const std::string& q) { return run_sql(db_.superuser_conninfo, q); }
  std::string metric(const std::string& line_start) {
    auto r = http_request(server_->admin_port(), "GET", "/metrics");
    if (!r) return "";
    const auto at = r->body.find("\n" + line_start);
    if (at == std::string::npos) return "";
    const auto end = r->body.find('\n', at + 1);
    return r->body.substr(at + 1 + line_start.size() + 1, end - at - line_start.size() - 2);
  }
  long long refunds_at_gateway(const std::string& key) {
    const auto stats = gateway_.stats();
    const auto* t = stats.as_object().if_contains("refunds_by_key");
    if (t == nullptr || !t->is_object()) return 0;
    const auto* n = t->as_object().if_contains(key);
    return n != nullptr && n->is_int64() ? n->as_int64() : 0;
  }

  TestDatabase db_;
  GatewaySimulator gateway_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(PaymentRecovery, SigkillAtEveryRecoveryPointOfAPaymentChargesExactlyOnce) {
  start();
  auto a = api();
  const Brand b = sign_up_brand(a);
  for (const std::string point : {"payment.recorded", "payment.charged", "payment.settled"}) {
    SCOPED_TRACE(point);
    start(point + "=kill");
    a = api();
    std::string t = token(b);
    const std::string p = product(a, t, 10);
    const std::string id = order(a, t, p);
    send_into_crash("/v1/orders/" + id + "/payments",
                    json::object{{"payment_method", "pm_card_visa"}}, t, "kill-" + point);
    crash_expected();
    start();
    a = api();
    t = token(b);
    auto r = pay_until_settled(a, t, id, "kill-" + point);
    ASSERT_EQ(r.status, 201) << r.raw.body << "\n" << server_->log();
    const std::string payment_id = str(r.body, "id");
    EXPECT_EQ(gateway_.charges_created(payment_id), 1);
    EXPECT_EQ(sql("SELECT count(*) || ':' || min(status) FROM brandos.payments WHERE order_id = '" +
                  id + "'"),
              "1:succeeded");
    auto o = a.get("/v1/orders/" + id, t).body;
    EXPECT_EQ(str(o, "status"), "paid");
    EXPECT_EQ(o.at("paid_amount").as_int64(), 2000);
    // Asked again later: the same answer, and still one charge.
    auto again = pay(a, t, id, "kill-" + point);
    EXPECT_EQ(again.raw.body, r.raw.body);
    EXPECT_EQ(gateway_.charges_created(payment_id), 1);
  }
  // Exactly as many charges at the gateway as payments in the database.
  EXPECT_EQ(std::to_string(gateway_.stats().at("charges_created").as_int64()),
            sql("SELECT count(*) FROM brandos.payments WHERE status = 'succeeded'"));
}

TEST_F(PaymentRecovery, SigkillAtEveryRecoveryPointOfARefundRefundsExactlyOnce) {
  start();
  auto a = api();
  const Brand b = sign_up_brand(a);
  for (const std::string point : {"refund.recorded", "refund.answered", "refund.settled"}) {
    SCOPED_TRACE(point);
    start();
    a = api();
    std::string t = token(b);
    const std::string id = order(a, t, product(a, t, 10));
    ASSERT_EQ(pay(a, t, id, "p-" + point).status, 201);
    start(point + "=kill");
    a = api();
    t = token(b);
    send_into_crash("/v1/orders/" + id + "/refunds", json::object{{"amount", 700}}, t,
                    "r-" + point);
    crash_expected();
    start();
    a = api();
    t = token(b);
    ApiResponse r;
    for (const auto until = Clock::now() + 20s; Clock::now() < until;) {
      r = a.post("/v1/orders/" + id + "/refunds", json::object{{"amount", 700}}, t,
                 {{"Idempotency-Key", "r-" + point}});
      if (r.status != 409 && r.status != 503) break;
      std::this_thread::sleep_for(200ms);
    }
    ASSERT_EQ(r.status, 201) << r.raw.body;
    EXPECT_EQ(refunds_at_gateway(str(r.body, "id")), 1);
    auto o = a.get("/v1/orders/" + id, t).body;
    EXPECT_EQ(o.at("refunded_amount").as_int64(), 700);
    EXPECT_EQ(sql("SELECT count(*) FROM brandos.refunds WHERE order_id = '" + id + "'"), "1");
  }
}

TEST_F(PaymentRecovery, AFailureAtEachStepOfACancellationLeavesNoHalfCancelledOrder) {
  // Each step fails once, in turn; the settlement job carries the saga on after each.
  start(
      "cancellation.started=fail*1,cancellation.refund_answered=fail*1,"
      "cancellation.refunded=fail*1,cancellation.stock_released=fail*1,"
      "cancellation.completed=fail*1");
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(a, b.owner_token, 10);
  const std::string id = order(a, b.owner_token, p, 4);
  ASSERT_EQ(pay(a, b.owner_token, id, "p").status, 201);
  auto first = a.post("/v1/orders/" + id + "/cancel", json::object{}, b.owner_token);
  EXPECT_EQ(first.status, 503) << first.raw.body;
  EXPECT_TRUE(first.raw.header("Retry-After"));
  // While it runs, the order is not half anything: paid, or cancelled with all that goes with it.
  ASSERT_TRUE(eventually([&] {
    auto o = a.get("/v1/orders/" + id, b.owner_token).body;
    if (str(o, "status") == "paid") return false;
    EXPECT_EQ(str(o, "status"), "cancelled");
    return true;
  })) << server_->log();
  auto o = a.get("/v1/orders/" + id, b.owner_token).body;
  EXPECT_EQ(o.at("refunded_amount").as_int64(), 4000);
  EXPECT_EQ(a.get("/v1/products/" + p, b.owner_token).body.at("stock").as_int64(), 10);
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.order_cancellations WHERE step NOT IN "
                "('completed', 'compensated')"),
            "0");
  const std::string refund_id = sql("SELECT id FROM brandos.refunds WHERE order_id = '" + id + "'");
  EXPECT_EQ(refunds_at_gateway(refund_id), 1);
  std::vector<std::string> types;
  const auto events = a.get("/v1/orders/" + id + "/events", b.owner_token);
  for (const auto& e : events.body.at("data").as_array()) types.push_back(str(e, "type"));
  EXPECT_EQ(types,
            (std::vector<std::string>{"order.created", "order.paid", "order.cancellation_started",
                                      "refund.succeeded", "stock.released", "order.cancelled"}));
}

TEST_F(PaymentRecovery, ASigkillMidCancellationIsFinishedAfterARestart) {
  start("cancellation.stock_released=kill");
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(a, b.owner_token, 10);
  const std::string id = order(a, b.owner_token, p, 3);
  ASSERT_EQ(pay(a, b.owner_token, id, "p").status, 201);
  send_into_crash("/v1/orders/" + id + "/cancel", json::object{}, b.owner_token);
  crash_expected();
  EXPECT_EQ(sql("SELECT step FROM brandos.order_cancellations WHERE order_id = '" + id + "'"),
            "marking_cancelled");
  start();
  a = api();
  const std::string t = token(b);
  ASSERT_TRUE(eventually([&] {
    return str(a.get("/v1/orders/" + id, t).body, "status") == "cancelled";
  })) << server_->log();
  EXPECT_EQ(a.get("/v1/products/" + p, t).body.at("stock").as_int64(), 10);  // released once
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.order_cancellations WHERE step NOT IN "
                "('completed', 'compensated')"),
            "0");
}

TEST_F(PaymentRecovery, ARefundTheGatewayRefusesCompensatesTheCancellation) {
  start();
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(a, b.owner_token, 10);
  const std::string id = order(a, b.owner_token, p, 1);
  auto paid = pay(a, b.owner_token, id, "p");
  ASSERT_EQ(paid.status, 201);
  // Someone refunds the whole charge at the gateway, outside BrandOS: its refund will be refused.
  auto outside =
      http_request(gateway_.port(), "POST", "/v1/refunds",
                   {{"Content-Type", "application/json"}, {"Idempotency-Key", "outside"}},
                   json::serialize(json::object{{"charge", str(paid.body, "provider_reference")},
                                                {"amount", 1000}}));
  ASSERT_TRUE(outside && outside->status == 200);
  auto r = a.post("/v1/orders/" + id + "/cancel", json::object{}, b.owner_token);
  EXPECT_EQ(r.status, 409) << r.raw.body;
  EXPECT_EQ(str(r.body, "type"), "https://brandos.dev/problems/cancellation-failed");
  auto o = a.get("/v1/orders/" + id, b.owner_token).body;
  EXPECT_EQ(str(o, "status"), "paid");
  EXPECT_EQ(o.at("refunded_amount").as_int64(), 0);
  EXPECT_EQ(a.get("/v1/products/" + p, b.owner_token).body.at("stock").as_int64(), 9);
  EXPECT_EQ(sql("SELECT step FROM brandos.order_cancellations WHERE order_id = '" + id + "'"),
            "compensated");
  // It can be fulfilled again, as a paid order.
  EXPECT_EQ(a.post("/v1/orders/" + id + "/fulfill", json::object{}, b.owner_token).status, 200);
}

TEST_F(PaymentRecovery, HundredConcurrentRequestsWithOneKeyChargeOnce) {
  start();
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string id = order(a, b.owner_token, product(a, b.owner_token, 10));
  gateway_.faults(json::object{{"mode", "none"}, {"latency_ms", 300}});  // all 100 overlap
  constexpr int kRequests = 100;
  std::latch go(kRequests);
  std::mutex m;
  std::map<int, int> statuses;
  std::vector<std::string> bodies;
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&] {
      ApiClient c(server_->port());
      go.arrive_and_wait();
      auto r = pay(c, b.owner_token, id, "same-key");
      std::lock_guard lock(m);
      ++statuses[r.status];
      if (r.status == 201) bodies.push_back(r.raw.body);
    });
  for (auto& t : threads) t.join();
  gateway_.faults(json::object{{"mode", "none"}});
  EXPECT_GE(statuses[201], 1);
  EXPECT_EQ(statuses[201] + statuses[409], kRequests);
  for (const auto& body : bodies) EXPECT_EQ(body, bodies.front());
  const std::string payment_id = str(json::parse(bodies.front()), "id");
  EXPECT_EQ(gateway_.charges_created(payment_id), 1);
  EXPECT_EQ(gateway_.stats().at("charges_created").as_int64(), 1);
}

TEST_F(PaymentRecovery, LostAnswersAndServerErrorsAreRetriedWithTheSameKey) {
  start();
  auto a = api();
  const Brand b = sign_up_brand(a);
  // The charge is made, then the connection drops before the answer: the retry finds it.
  gateway_.faults(json::object{{"mode", "drop"},
                               {"count", 1},
                               {"after_processing", true},
                               {"paths", json::array{"/v1/charges"}}});
  const std::string dropped = order(a, b.owner_token, product(a, b.owner_token, 10));
  auto r = pay(a, b.owner_token, dropped, "drop-1");
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(gateway_.charges_created(str(r.body, "id")), 1);
  EXPECT_EQ(gateway_.charge_attempts(str(r.body, "id")), 2);
  // A 503 from the gateway once: retried.
  gateway_.faults(json::object{{"mode", "error"}, {"count", 1}});
  const std::string erred = order(a, b.owner_token, product(a, b.owner_token, 10));
  auto e = pay(a, b.owner_token, erred, "error-1");
  ASSERT_EQ(e.status, 201) << e.raw.body;
  EXPECT_EQ(gateway_.charges_created(str(e.body, "id")), 1);
  // No answer at all, every attempt: 503, the payment stays pending; settled later by the job
  // once the gateway answers again.
  gateway_.faults(json::object{{"mode", "timeout"}, {"count", 2}});
  const std::string slow = order(a, b.owner_token, product(a, b.owner_token, 10));
  auto t = pay(a, b.owner_token, slow, "timeout-1");
  EXPECT_EQ(t.status, 503) << t.raw.body;
  EXPECT_TRUE(t.raw.header("Retry-After"));
  // Pending now, unless the settlement job, which may take over the moment the 503 is sent,
  // was quicker than this read (it was once, on a slow sanitizer build): never anything else.
  const std::string right_after =
      sql("SELECT status FROM brandos.payments WHERE order_id = '" + slow + "'");
  EXPECT_TRUE(right_after == "pending" || right_after == "succeeded") << right_after;
  const std::string order_after = str(a.get("/v1/orders/" + slow, b.owner_token).body, "status");
  EXPECT_TRUE(order_after == "pending_payment" || order_after == "paid") << order_after;
  ASSERT_TRUE(eventually([&] {
    return str(a.get("/v1/orders/" + slow, b.owner_token).body, "status") == "paid";
  })) << server_->log();
  const std::string pid = sql("SELECT id FROM brandos.payments WHERE order_id = '" + slow + "'");
  EXPECT_EQ(gateway_.charges_created(pid), 1);
  // The client's retry now gets the settled payment.
  auto later = pay(a, b.owner_token, slow, "timeout-1");
  EXPECT_EQ(later.status, 201);
  EXPECT_EQ(str(later.body, "id"), pid);
}

TEST_F(PaymentRecovery, TheGatewayDownOpensItsBreakerAnswersFailFastAndProbesCloseIt) {
  start("", {"--breaker-open-ms", "4000"});
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(a, b.owner_token, 1000);
  EXPECT_EQ(metric("circuit_breaker_state{dependency=\"payment-gateway\"}"), "0");
  gateway_.stop();
  // Two payments' attempts (two each) reach the breaker's four failures: it is open.
  std::vector<std::string> pending;
  for (int i = 0; i < 2; ++i) {
    const std::string id = order(a, b.owner_token, p, 1);
    auto r = pay(a, b.owner_token, id, "down-" + std::to_string(i));
    EXPECT_EQ(r.status, 503) << r.raw.body;
    pending.push_back(id);
  }
  EXPECT_EQ(metric("circuit_breaker_state{dependency=\"payment-gateway\"}"), "1");
  // Open: answered at once, without recording a payment.
  std::vector<double> ms;
  for (int i = 0; i < 200; ++i) {
    const std::string id = order(a, b.owner_token, p, 1);
    const auto t0 = Clock::now();
    auto r = pay(a, b.owner_token, id, "fast-" + std::to_string(i));
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    ASSERT_EQ(r.status, 503);
    ASSERT_TRUE(r.raw.header("Retry-After"));
    if (i == 0) {
      EXPECT_EQ(sql("SELECT count(*) FROM brandos.payments WHERE order_id = '" + id + "'"), "0");
    }
    if (metric("circuit_breaker_state{dependency=\"payment-gateway\"}") != "1") break;
  }
  std::sort(ms.begin(), ms.end());
  const double p99 = ms[ms.size() * 99 / 100];
  std::cout << "fail-fast answers while the breaker is open: " << ms.size() << " requests, p50 "
            << ms[ms.size() / 2] << " ms, p99 " << p99 << " ms\n";
  // The goal is p99 under 5 ms (printed above); the bound here only catches a breaker
  // that no longer fails fast (each call would wait out its connect and retries), as shared CI
  // machines are too noisy for a tighter timing assertion.
  EXPECT_LT(p99, 50.0);
  gateway_.start();
  // A probe goes once the breaker's open time is over; its success closes it.
  ASSERT_TRUE(eventually([&] {
    const std::string id = order(a, b.owner_token, p, 1);
    return pay(a, b.owner_token, id, unique_name("after")).status == 201;
  }));
  EXPECT_EQ(metric("circuit_breaker_state{dependency=\"payment-gateway\"}"), "0");
  EXPECT_NE(metric("circuit_breaker_opened_total{dependency=\"payment-gateway\"}"), "0");
  // The payments recorded before it opened are settled by the job: charged once each.
  for (const auto& id : pending)
    EXPECT_TRUE(eventually([&] {
      return str(a.get("/v1/orders/" + id, b.owner_token).body, "status") == "paid";
    })) << id;
}

}  // namespace
}  // namespace brandos::testing
