// brandos_outbox_oldest_unpublished_seconds (issue 13): with the broker unreachable, an order's
// event waits in the outbox and the gauge shows its age growing; what an alert rule
// (BrandosOutboxRelayFailing, deploy/prometheus/alerts.yml) and an operator look at.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;

double oldest_unpublished(const ServerProcess& server) {
  auto r = http_request(server.admin_port(), "GET", "/metrics");
  if (!r) return -1;
  const std::string key = "\nbrandos_outbox_oldest_unpublished_seconds ";
  const auto at = r->body.find(key);
  return at == std::string::npos ? -1 : std::stod(r->body.substr(at + key.size()));
}

TEST(OutboxLag, EventsWaitingForADownBrokerShowTheirAge) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  // Nothing listens there: every publish fails and the events wait.
  launch_api_server(
      server, db,
      {"--amqp-url", "amqp://guest:guest@127.0.0.1:" + std::to_string(free_port()) + "/"});
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  EXPECT_EQ(oldest_unpublished(server), 0);  // nothing waits yet
  auto product = api.post(
      "/v1/products",
      json::object{
          {"sku", "LAG-1"}, {"name", "Thing"}, {"price", 100}, {"currency", "EUR"}, {"stock", 10}},
      b.owner_token);
  ASSERT_EQ(product.status, 201);  // product.created waits in the outbox from now on
  EXPECT_TRUE(eventually([&] { return oldest_unpublished(server) >= 1.0; }));
  const double earlier = oldest_unpublished(server);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(eventually([&] { return oldest_unpublished(server) > earlier; }));
}

}  // namespace
}  // namespace brandos::testing
