#include "support/gateway_simulator.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "support/http_client.hpp"

namespace brandos::testing {

namespace json = boost::json;

GatewaySimulator::GatewaySimulator() {
  char tmpl[] = "/tmp/brandos-gateway-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  start();
}

GatewaySimulator::~GatewaySimulator() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void GatewaySimulator::start() {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  const std::string script =
      std::string(BRANDOS_SOURCE_DIR) + "/tools/payment-gateway-simulator/simulator.py";
  const std::string port = std::to_string(port_);
  const std::string state = dir_ + "/state.json";
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    ::execlp("python3", "python3", script.c_str(), "--port", port.c_str(), "--state-file",
             state.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(out[1]);
  // "listening <port>\n", within 20 s.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  char c = 0;
  while (std::chrono::steady_clock::now() < deadline && ::read(out[0], &c, 1) == 1 && c != '\n')
    line += c;
  ::close(out[0]);
  if (line.rfind("listening ", 0) != 0) {
    stop();
    throw std::runtime_error("the gateway simulator did not start: '" + line + "'");
  }
  port_ = static_cast<unsigned short>(std::stoi(line.substr(10)));
}

void GatewaySimulator::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (::waitpid(pid_, &status, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

void GatewaySimulator::faults(const json::value& config) {
  auto r = http_request(port_, "POST", "/_control/faults", {{"Content-Type", "application/json"}},
                        json::serialize(config));
  if (!r || r->status != 200) throw std::runtime_error("the simulator refused the faults");
}

json::value GatewaySimulator::stats() {
  auto r = http_request(port_, "GET", "/_control/stats");
  if (!r || r->status != 200) throw std::runtime_error("the simulator gave no stats");
  return json::parse(r->body);
}

namespace {
long long count_in(const json::value& stats, const char* table, const std::string& key) {
  const auto* t = stats.as_object().if_contains(table);
  if (t == nullptr || !t->is_object()) return 0;
  const auto* n = t->as_object().if_contains(key);
  return n != nullptr && n->is_int64() ? n->as_int64() : 0;
}
}  // namespace

long long GatewaySimulator::charges_created(const std::string& key) {
  return count_in(stats(), "charges_by_key", key);
}

long long GatewaySimulator::charge_attempts(const std::string& key) {
  return count_in(stats(), "charge_attempts_by_key", key);
}

}  // namespace brandos::testing
