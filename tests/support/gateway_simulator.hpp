#pragma once
// The card gateway simulator (tools/payment-gateway-simulator/simulator.py) as a real server on
// 127.0.0.1 for tests: started on a free port with its charges kept in a state file, so a
// restart on the same port remembers them. Faults are injected through its control API.
#include <sys/types.h>

#include <boost/json/value.hpp>
#include <string>

namespace brandos::testing {

class GatewaySimulator {
 public:
  GatewaySimulator();
  ~GatewaySimulator();
  GatewaySimulator(const GatewaySimulator&) = delete;
  GatewaySimulator& operator=(const GatewaySimulator&) = delete;

  // Starts it (on the port it had before, after a stop); throws when it does not come up.
  void start();
  // SIGTERM, and waits for it to be gone: the gateway is down (connections refused).
  void stop();
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  unsigned short port() const { return port_; }

  // POST /_control/faults with `config` ({"mode": "error"|"timeout"|"drop"|"none", ...}).
  void faults(const boost::json::value& config);
  // GET /_control/stats.
  boost::json::value stats();
  // Charges created with `key` (0 or 1 by the simulator's construction) and charge requests
  // received with it.
  long long charges_created(const std::string& key);
  long long charge_attempts(const std::string& key);

 private:
  std::string dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace brandos::testing
