// Issue 11's chaos test: orders are placed (and some cancelled) under load while the node that
// relays the outbox is killed with SIGKILL several times and RabbitMQ is restarted once. Every
// committed order's order.created must reach a queue bound to brandos.events at least once, each
// order's versions must first arrive in order, and the sales projection (fed by its own queue,
// through its inbox) must count every order exactly once. The counts are printed.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <boost/json.hpp>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/rabbitmq_broker.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

void launch_worker(ServerProcess& w, const TestDatabase& db, const std::string& amqp_url) {
  w.launch({"worker", "--admin-listen", "127.0.0.1:0", "--threads", "1", "--database-url",
            db.app_conninfo, "--migration-database-url", db.owner_conninfo, "--amqp-url", amqp_url,
            "--job-lease-ms", "1500", "--access-log", "false"});
  ASSERT_TRUE(w.wait_listening()) << w.log();
}

bool leads_relay(const ServerProcess& w) {
  auto m = http_request(w.admin_port(), "GET", "/metrics");
  return m && m->body.find("job_leader{job=\"outbox-relay\"} 1") != std::string::npos;
}

TEST(EventsChaos, EveryCommittedOrderIsPublishedAndCountedOnceThroughRelayKillsAndABrokerRestart) {
  RabbitMqBroker broker;
  broker.start();
  // Bound before any order exists, so every order event is routed to it.
  EventQueueReader observer(broker.port(), "chaos-observer", {"order.*"});
  const TestDatabase db = create_test_database();
  ServerProcess api_node;
  launch_api_server(api_node, db, {"--jobs", "off", "--amqp-url", broker.url()});
  ServerProcess workers[2];
  for (auto& w : workers) launch_worker(w, db, broker.url());

  ApiClient setup(api_node.port());
  const Brand brand = sign_up_brand(setup);
  auto p = setup.post("/v1/products",
                      json::object{{"sku", unique_name("SKU")},
                                   {"name", "Thing"},
                                   {"price", 250},
                                   {"currency", "EUR"},
                                   {"stock", 10000000}},
                      brand.owner_token);
  ASSERT_EQ(p.status, 201) << p.raw.body;
  const std::string product = str(p.body, "id");

  std::mutex mutex;
  std::set<std::string> placed, cancelled;
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> clerks;
  for (int t = 0; t < 4; ++t)
    clerks.emplace_back([&, t] {
      ApiClient a(api_node.port());
      for (int i = 0; !stop; ++i) {
        auto r = a.post(
            "/v1/orders",
            json::object{
                {"items", json::array{json::object{{"product_id", product}, {"quantity", 1}}}}},
            brand.owner_token,
            {{"Idempotency-Key", "chaos-" + std::to_string(t) + "-" + std::to_string(i)}});
        if (r.status != 201) {
          ++unexpected;
          continue;
        }
        const std::string id = str(r.body, "id");
        {
          std::lock_guard lock(mutex);
          placed.insert(id);
        }
        if (i % 5 == 0) {
          auto c = a.post("/v1/orders/" + id + "/cancel", json::object{}, brand.owner_token);
          if (c.status == 200) {
            std::lock_guard lock(mutex);
            cancelled.insert(id);
          } else {
            ++unexpected;
          }
        }
      }
    });

  // Kill the relay's leader four times; restart the broker once, between two kills.
  int kills = 0;
  for (int round = 0; round < 4; ++round) {
    std::this_thread::sleep_for(1500ms);
    ServerProcess* leader = nullptr;
    ASSERT_TRUE(eventually([&] {
      for (auto& w : workers)
        if (leads_relay(w)) leader = &w;
      return leader != nullptr;
    }));
    leader->signal(SIGKILL);
    ASSERT_TRUE(leader->wait_exit(10s).has_value());
    ++kills;
    if (round == 1) {
      broker.stop();
      std::this_thread::sleep_for(1s);
      broker.start();
    }
    launch_worker(*leader, db, broker.url());
  }
  std::this_thread::sleep_for(1s);
  stop = true;
  for (auto& c : clerks) c.join();

  // Everything committed leaves the outbox, and the projection catches up.
  const auto orders = static_cast<long>(placed.size()),
             cancels = static_cast<long>(cancelled.size());
  ASSERT_GT(orders, 100);
  ASSERT_TRUE(eventually([&] {
    return run_sql(db.owner_conninfo,
                   "SELECT count(*) FROM brandos.outbox_events WHERE published_at IS NULL") == "0";
  })) << "events still unpublished";
  ASSERT_TRUE(eventually([&] {
    return run_sql(db.owner_conninfo,
                   "SELECT coalesce(sum(orders), 0) FROM brandos.sales_by_hour") ==
           std::to_string(orders - cancels);
  })) << "projection: "
      << run_sql(db.owner_conninfo, "SELECT coalesce(sum(orders), 0) FROM brandos.sales_by_hour")
      << " orders, expected " << orders - cancels;

  auto seen = observer.drain(3s, 120s);
  std::map<std::string, std::vector<std::int64_t>> versions;  // per order, in arrival order
  std::map<std::string, int> arrivals;                        // per event id
  int malformed = 0;
  for (const auto& e : seen) {
    ++arrivals[e.message_id];
    versions[e.aggregate_id].push_back(e.aggregate_version);
    if (!e.persistent || e.tenant_id != brand.id || e.traceparent.size() != 55) ++malformed;
  }
  long created_seen = 0, missing = 0, out_of_order = 0, duplicates = 0;
  for (const auto& [id, n] : arrivals) duplicates += n - 1;
  for (const auto& id : placed) {
    auto it = versions.find(id);
    if (it == versions.end() ||
        std::find(it->second.begin(), it->second.end(), 1) == it->second.end()) {
      ++missing;
      continue;
    }
    ++created_seen;
    // First arrivals in order: version 2 never before the first version 1.
    const auto first1 = std::find(it->second.begin(), it->second.end(), 1);
    const auto first2 = std::find(it->second.begin(), it->second.end(), 2);
    if (first2 != it->second.end() && first2 < first1) ++out_of_order;
  }
  const std::string sold =
      run_sql(db.owner_conninfo, "SELECT coalesce(sum(orders), 0) FROM brandos.sales_by_hour");
  const std::string inbox = run_sql(
      db.owner_conninfo, "SELECT count(*) FROM brandos.inbox WHERE consumer = 'sales-projection'");
  std::cout << "[ chaos    ] orders placed " << orders << ", cancelled " << cancels
            << ", relay leaders killed " << kills << ", broker restarts 1\n"
            << "[ chaos    ] order events observed " << seen.size() << " (duplicates " << duplicates
            << "), order.created seen " << created_seen << ", missing " << missing
            << ", out of order " << out_of_order << "\n"
            << "[ chaos    ] sales projection: orders " << sold << " (expected " << orders - cancels
            << "), inbox entries " << inbox << " (expected " << orders + cancels
            << "), failed requests " << unexpected << "\n";
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(out_of_order, 0);
  EXPECT_EQ(malformed, 0);
  EXPECT_EQ(created_seen, orders);
  EXPECT_EQ(sold, std::to_string(orders - cancels));
  EXPECT_EQ(inbox, std::to_string(orders + cancels));
  EXPECT_EQ(unexpected, 0);
}

}  // namespace
}  // namespace brandos::testing
