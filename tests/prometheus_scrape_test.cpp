// A real Prometheus (Debian's `prometheus`) scrapes a running node and loads the alert rules
// (issue 13): the business counters it stores are the orders the test placed, and the rules of
// deploy/prometheus/alerts.yml are loaded without error.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/api_client.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// Prometheus on a free loopback port, its storage in a temporary directory; stopped at the end.
class Prometheus {
 public:
  explicit Prometheus(unsigned short target_port) : port_(free_port()) {
    char tmpl[] = "/tmp/brandos-prometheus-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    std::ofstream(dir_ + "/prometheus.yml")
        << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        << "rule_files: ['" << BRANDOS_SOURCE_DIR << "/deploy/prometheus/alerts.yml']\n"
        << "scrape_configs:\n"
        << "  - job_name: brandos\n"
        << "    static_configs: [{targets: ['127.0.0.1:" << target_port << "']}]\n"
        << "  - job_name: prometheus\n"  // itself: its rule-evaluation metrics
        << "    static_configs: [{targets: ['127.0.0.1:" << port_ << "']}]\n";
    const std::string config = "--config.file=" + dir_ + "/prometheus.yml";
    const std::string storage = "--storage.tsdb.path=" + dir_ + "/data";
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
    const std::string log = dir_ + "/prometheus.log";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::execl("/usr/bin/prometheus", "prometheus", config.c_str(), storage.c_str(), listen.c_str(),
              nullptr);
      ::_exit(127);
    }
  }
  ~Prometheus() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  // The API's answer to `path`, parsed; null when it does not answer (yet).
  json::value get(const std::string& path) const {
    auto r = http_request(port_, "GET", path);
    if (!r || r->status != 200) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(r->body, ec);
    return ec ? json::value(nullptr) : v;
  }
  // The single value of an instant query, or "" when there is none.
  std::string value(const std::string& query) const {
    const auto v = get("/api/v1/query?query=" + query);
    if (!v.is_object()) return "";
    const auto& result = v.at("data").at("result").as_array();
    if (result.size() != 1) return "";
    return std::string(result[0].at("value").as_array()[1].as_string());
  }
  std::string log() const {
    std::ifstream in(dir_ + "/prometheus.log");
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  unsigned short port_;
  std::string dir_;
  pid_t pid_ = -1;
};

TEST(PrometheusScrape, ARealPrometheusStoresTheNodesCountersAndLoadsTheAlertRules) {
  const TestDatabase db = create_test_database();
  ServerProcess server;
  launch_api_server(server, db);
  Prometheus prometheus(server.admin_port());
  ApiClient api(server.port());
  const Brand b = sign_up_brand(api);
  auto product = api.post(
      "/v1/products",
      json::object{
          {"sku", "PROM-1"}, {"name", "Thing"}, {"price", 500}, {"currency", "EUR"}, {"stock", 10}},
      b.owner_token);
  ASSERT_EQ(product.status, 201);
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(api.post("/v1/orders",
                       json::object{{"items", json::array{json::object{
                                                  {"product_id", str(product.body, "id")},
                                                  {"quantity", 1}}}}},
                       b.owner_token, {{"Idempotency-Key", "prom-" + std::to_string(i)}})
                  .status,
              201);
  EXPECT_TRUE(eventually([&] { return prometheus.value("up%7Bjob%3D%22brandos%22%7D") == "1"; }))
      << prometheus.log();
  EXPECT_TRUE(eventually([&] { return prometheus.value("brandos_orders_created_total") == "3"; }))
      << prometheus.log();
  // The rules loaded (21: 10 recorded series, 11 alerts) and evaluated without a failure; the
  // recording rules produce their series from the node's metrics.
  EXPECT_TRUE(eventually([&] {
    return prometheus.value("sum(prometheus_rule_group_rules)") == "23";
  })) << prometheus.log();
  EXPECT_TRUE(eventually([&] {
    return prometheus.value("count(brandos:http_errors:ratio_rate5m)") == "1";
  })) << prometheus.log();
  EXPECT_EQ(prometheus.value("sum(prometheus_rule_evaluation_failures_total)"), "0");
}

}  // namespace
}  // namespace brandos::testing
