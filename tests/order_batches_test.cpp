// Black-box tests of orders placed together (ADR 0013): concurrent orders of one tenant share a
// transaction, and each is still accepted or refused on its own — its own stock check, key,
// stored response and answer. That orders shared a transaction is read from the database: rows
// inserted by one transaction carry its id in xmin.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// One I/O thread, so every order of a tenant queues in the same line and the batch a test builds
// is exactly the batch that runs.
class OrderBatchesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase(create_test_database());
    server_ = new ServerProcess();
    launch_api_server(*server_, *db_, {"--threads", "1", "--order-batch-max", "32"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete db_;
  }

  static ApiClient api() { return ApiClient(server_->port()); }
  static std::string product(ApiClient& a, const Brand& b, std::int64_t stock) {
    auto r = a.post("/v1/products",
                    json::object{{"sku", unique_name("SKU")},
                                 {"name", "Thing"},
                                 {"price", 1000},
                                 {"currency", "EUR"},
                                 {"stock", stock}},
                    b.owner_token);
    EXPECT_EQ(r.status, 201) << r.raw.body;
    return str(r.body, "id");
  }
  static ApiResponse order(ApiClient& a, const Brand& b, const std::string& product_id,
                           std::int64_t quantity, const std::string& key,
                           const std::string& traceparent = "") {
    Headers headers{{"Idempotency-Key", key}};
    if (!traceparent.empty()) headers.emplace_back("traceparent", traceparent);
    return a.post("/v1/orders",
                  json::object{{"items", json::array{json::object{{"product_id", product_id},
                                                                  {"quantity", quantity}}}}},
                  b.owner_token, std::move(headers));
  }
  static std::string sql(const std::string& q) { return run_sql(db_->superuser_conninfo, q); }
  static std::string xmin_of(const std::string& order_id) {
    return sql("SELECT xmin::text FROM brandos.orders WHERE id = '" + order_id + "'");
  }
  static std::int64_t stock_of(const std::string& product_id) {
    return std::stoll(sql("SELECT stock FROM brandos.products WHERE id = '" + product_id + "'"));
  }
  static double metric(const std::string& series) {
    auto m = http_request(server_->admin_port(), "GET", "/metrics");
    if (!m) return -1;
    const auto at = m->body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(m->body.substr(at + series.size() + 2));
  }

  static TestDatabase* db_;
  static ServerProcess* server_;
};

TestDatabase* OrderBatchesTest::db_ = nullptr;
ServerProcess* OrderBatchesTest::server_ = nullptr;

TEST_F(OrderBatchesTest, ThousandConcurrentOrdersOnHundredUnitsSellExactlyHundred) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string p = product(a, b, 100);
  std::atomic<int> created{0}, short_of_stock{0}, other{0}, next{0};
  std::vector<std::thread> buyers;
  for (int t = 0; t < 32; ++t)
    buyers.emplace_back([&] {
      ApiClient c(server_->port());
      for (int i; (i = next++) < 1000;) {
        auto r = order(c, b, p, 1, "unit-" + std::to_string(i));
        (r.status == 201 ? created : r.status == 409 ? short_of_stock : other)++;
      }
    });
  for (auto& t : buyers) t.join();
  EXPECT_EQ(created.load(), 100);
  EXPECT_EQ(short_of_stock.load(), 900);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(stock_of(p), 0);
  const std::string tenant = "tenant_id = '" + b.id + "'";
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.orders WHERE " + tenant), "100");
  EXPECT_EQ(
      sql("SELECT count(*) FROM brandos.outbox_events WHERE type = 'order.created' AND " + tenant),
      "100");
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.idempotency_keys WHERE " + tenant), "1000");
  // Placed together: the hundred orders committed in fewer transactions than orders.
  EXPECT_LT(std::stoi(sql("SELECT count(DISTINCT xmin::text) FROM brandos.orders WHERE " + tenant)),
            100);
}

TEST_F(OrderBatchesTest, EachOrderOfABatchIsAnsweredOnItsOwn) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string hot = product(a, b, 10);
  const std::string plenty = product(a, b, 100);
  auto earlier = order(a, b, plenty, 1, "earlier");
  ASSERT_EQ(earlier.status, 201);

  // The lead order waits for the held row; the next seven queue behind its batch.
  HeldRowLock held(db_->superuser_conninfo, hot);
  ApiResponse lead, plenty_1, hot_5, too_many, plenty_2, replay, twice_a, twice_b;
  std::thread leader([&] {
    ApiClient c(server_->port());
    lead = order(c, b, hot, 1, "lead");
  });
  ASSERT_TRUE(eventually([&] {
    return sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
               "datname = current_database()") == "1";
  }));
  std::vector<std::thread> queued;
  auto send = [&](ApiResponse& into, const std::string& p, std::int64_t q, std::string key) {
    queued.emplace_back([&into, &b, p, q, key] {
      ApiClient c(server_->port());
      into = order(c, b, p, q, key);
    });
  };
  send(plenty_1, plenty, 1, "plenty-1");
  send(hot_5, hot, 5, "hot-5");
  ASSERT_TRUE(eventually([&] { return metric("orders_waiting_for_batch") == 2; }));
  // Would fit the 9 units the lead leaves, but not the 4 that hot-5 ahead of it leaves.
  send(too_many, hot, 5, "too-many");
  send(plenty_2, plenty, 2, "plenty-2");
  send(replay, plenty, 1, "earlier");
  send(twice_a, plenty, 3, "twice");
  send(twice_b, plenty, 3, "twice");
  ASSERT_TRUE(eventually([&] { return metric("orders_waiting_for_batch") == 7; }))
      << "orders_waiting_for_batch: " << metric("orders_waiting_for_batch");
  held.release();
  leader.join();
  for (auto& t : queued) t.join();

  EXPECT_EQ(lead.status, 201) << lead.raw.body;
  for (const ApiResponse* r : {&plenty_1, &plenty_2, &hot_5}) {
    EXPECT_EQ(r->status, 201) << r->raw.body;
    EXPECT_FALSE(r->raw.header("Idempotent-Replayed"));
  }
  // The one that lacks stock (counting what the orders before it in the batch took) is refused
  // alone.
  EXPECT_EQ(too_many.status, 409) << too_many.raw.body;
  EXPECT_EQ(str(too_many.body, "type"), "https://brandos.dev/problems/insufficient-stock");
  EXPECT_NE(str(too_many.body, "detail").find("4 left, 5 ordered"), std::string::npos)
      << too_many.raw.body;
  // A key done before is answered with its stored response.
  EXPECT_EQ(replay.status, 201);
  EXPECT_TRUE(replay.raw.header("Idempotent-Replayed"));
  EXPECT_EQ(replay.raw.body, earlier.raw.body);
  // One key twice in the line: one places the order, the other (held for the next batch) replays
  // it.
  EXPECT_EQ(twice_a.status, 201);
  EXPECT_EQ(twice_b.status, 201);
  EXPECT_EQ(twice_a.raw.body, twice_b.raw.body);
  EXPECT_NE(!twice_a.raw.header("Idempotent-Replayed"), !twice_b.raw.header("Idempotent-Replayed"));

  // The accepted orders of the queue committed in one transaction, not the lead's.
  const std::string batch_xmin = xmin_of(str(plenty_1.body, "id"));
  EXPECT_EQ(xmin_of(str(plenty_2.body, "id")), batch_xmin);
  EXPECT_EQ(xmin_of(str(hot_5.body, "id")), batch_xmin);
  EXPECT_NE(xmin_of(str(lead.body, "id")), batch_xmin);
  EXPECT_EQ(stock_of(hot), 10 - 1 - 5);
  EXPECT_EQ(stock_of(plenty), 100 - 1 - 1 - 2 - 3);
  // Every placed order has its own history entry and event.
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.order_events WHERE tenant_id = '" + b.id + "'"), "6");
  EXPECT_EQ(sql("SELECT count(*) FROM brandos.outbox_events WHERE type = 'order.created' AND "
                "tenant_id = '" +
                b.id + "'"),
            "6");
}

// Orders placed together keep each its own trace on its event (issue 13): the event of each
// order of a batch continues the trace of the request that placed it, not the batch's first.
TEST_F(OrderBatchesTest, EachOrderOfABatchKeepsItsOwnRequestsTraceOnItsEvent) {
  auto a = api();
  const Brand b = sign_up_brand(a);
  const std::string hot = product(a, b, 10);
  const std::string plenty = product(a, b, 100);
  HeldRowLock held(db_->superuser_conninfo, hot);
  ApiResponse lead;
  std::thread leader([&] {
    ApiClient c(server_->port());
    lead = order(c, b, hot, 1, "trace-lead");
  });
  ASSERT_TRUE(eventually([&] {
    return sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND "
               "datname = current_database()") == "1";
  }));
  const std::vector<std::string> traces{"1af7651916cd43dd8448eb211c80319c",
                                        "2af7651916cd43dd8448eb211c80319c",
                                        "3af7651916cd43dd8448eb211c80319c"};
  std::vector<ApiResponse> placed(traces.size());
  std::vector<std::thread> queued;
  for (std::size_t i = 0; i < traces.size(); ++i) {
    queued.emplace_back([&, i] {
      ApiClient c(server_->port());
      placed[i] = order(c, b, plenty, 1, "trace-" + std::to_string(i),
                        "00-" + traces[i] + "-b7ad6b7169203331-01");
    });
    ASSERT_TRUE(eventually([&] { return metric("orders_waiting_for_batch") == double(i + 1); }));
  }
  held.release();
  leader.join();
  for (auto& t : queued) t.join();
  ASSERT_EQ(lead.status, 201);
  for (std::size_t i = 0; i < traces.size(); ++i) {
    ASSERT_EQ(placed[i].status, 201) << placed[i].raw.body;
    // One batch: one transaction.
    EXPECT_EQ(xmin_of(str(placed[i].body, "id")), xmin_of(str(placed[0].body, "id")));
    const std::string stored =
        sql("SELECT traceparent FROM brandos.outbox_events WHERE aggregate_id = '" +
            str(placed[i].body, "id") + "'");
    EXPECT_EQ(stored.substr(0, 36), "00-" + traces[i] + "-") << stored;
  }
}

}  // namespace
}  // namespace brandos::testing
