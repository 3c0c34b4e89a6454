#pragma once
// Runs the real `brandos` binary as a child process for black-box tests: its stdout and stderr
// go to a log file the test can read; start() waits for the "listening" log line and learns the
// ports from it (tests listen on port 0).
#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace brandos::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Runs `path` instead of brandos (brandos_testing, whose failpoints are armed).
  void use_binary(std::string path) { binary_ = std::move(path); }
  // Starts `brandos <args...>` with extra environment variables.
  void launch(const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env = {});
  // Waits for the "listening" line; false on timeout or early exit.
  bool wait_listening(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // The API port: brandos's own, or, when BRANDOS_TEST_VALIDATING_PROXY names a Prism binary,
  // that of a Prism proxy in front of it that checks every exchange against docs/openapi.yaml
  // (ApiClient fails the test on any response the document does not describe).
  unsigned short port() const { return proxy_port_ != 0 ? proxy_port_ : port_; }
  // brandos's own port, for bytes no proxy would pass on faithfully (malformed JSON, bad framing).
  unsigned short direct_port() const { return port_; }
  unsigned short admin_port() const { return admin_port_; }
  pid_t pid() const { return pid_; }
  std::string log() const;

  void signal(int sig);
  // The exit code (or 128 + signal) if the process ended within the timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  void start_validating_proxy(const std::string& prism);
  std::string binary_;
  pid_t pid_ = -1;
  pid_t proxy_pid_ = -1;
  unsigned short proxy_port_ = 0;
  std::string log_path_;
  unsigned short port_ = 0;
  unsigned short admin_port_ = 0;
};

// Starts `brandos serve` on ports chosen by the kernel against a fresh migrated test database.
// Extra flags are appended.
struct TestServer {
  explicit TestServer(std::vector<std::string> extra = {},
                      std::map<std::string, std::string> env = {});
  ServerProcess process;
};

// `brandos serve` on kernel-chosen ports against `db`, with limits raised for tests that sign up
// and log in many times, plus `extra` flags; waits until it listens (throws if it does not).
struct TestDatabase;
void launch_api_server(ServerProcess& server, const TestDatabase& db,
                       const std::vector<std::string>& extra = {},
                       const std::map<std::string, std::string>& env = {});

// A suite sharing one API server and its database (started once per suite, stopped after it).
class ApiServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static TestDatabase* db_;
  static ServerProcess* server_;
};

// A free TCP port on 127.0.0.1 (bound once and released; fine for tests on one machine).
unsigned short free_port();

}  // namespace brandos::testing
