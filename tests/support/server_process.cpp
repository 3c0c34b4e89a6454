#include "support/server_process.hpp"

#include <cstdlib>

#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/test_database.hpp"

namespace brandos::testing {

ServerProcess::~ServerProcess() {
  if (proxy_pid_ > 0) {
    ::kill(proxy_pid_, SIGKILL);
    int status = 0;
    ::waitpid(proxy_pid_, &status, 0);
  }
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (!log_path_.empty()) ::unlink(log_path_.c_str());
}

void ServerProcess::launch(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env) {
  char path[] = "/tmp/brandos-server-log-XXXXXX";
  const int fd = ::mkstemp(path);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  log_path_ = path;
  // BRANDOS_TEST_BINARY runs the tests against another build, e.g. an older commit's, to see a
  // test fail before its fix.
  const char* other = std::getenv("BRANDOS_TEST_BINARY");
  std::vector<std::string> argv_s = {!binary_.empty()                     ? binary_
                                     : other != nullptr && *other != '\0' ? other
                                                                          : BRANDOS_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, STDIN_FILENO);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fd);
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ServerProcess::wait_listening(std::chrono::milliseconds timeout) {
  static const std::regex line(R"re("event":"listening".*"port":(\d+).*"admin_port":(\d+))re");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    const std::string text = log();
    if (std::regex_search(text, m, line)) {
      port_ = static_cast<unsigned short>(std::stoi(m[1].str()));
      admin_port_ = static_cast<unsigned short>(std::stoi(m[2].str()));
      const char* prism = std::getenv("BRANDOS_TEST_VALIDATING_PROXY");
      if (prism != nullptr && *prism != '\0' && proxy_pid_ < 0) start_validating_proxy(prism);
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void ServerProcess::start_validating_proxy(const std::string& prism) {
  proxy_port_ = free_port();
  const std::string spec = std::string(BRANDOS_SOURCE_DIR) + "/docs/openapi.yaml";
  std::vector<std::string> argv_s = {
      prism,      "proxy",     spec,     "http://127.0.0.1:" + std::to_string(port_),
      "--host",   "127.0.0.1", "--port", std::to_string(proxy_port_),
      "--errors", "false"};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  const std::string proxy_log = log_path_ + ".prism";
  proxy_pid_ = ::fork();
  if (proxy_pid_ < 0) throw std::runtime_error("fork failed");
  if (proxy_pid_ == 0) {
    const int fd = ::open(proxy_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // Ready when it accepts connections (Prism takes a second or two to load the document).
  for (int i = 0; i < 600; ++i) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(proxy_port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool up = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    if (up) return;
    int status = 0;
    if (::waitpid(proxy_pid_, &status, WNOHANG) == proxy_pid_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("the validating proxy did not start; see " + proxy_log);
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return std::nullopt;
}

TestServer::TestServer(std::vector<std::string> extra, std::map<std::string, std::string> env) {
  const TestDatabase db = create_test_database();
  std::vector<std::string> args = {"serve",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--admin-listen",
                                   "127.0.0.1:0",
                                   "--threads",
                                   "2",
                                   "--db-pool-size",
                                   "4",
                                   "--database-url",
                                   db.app_conninfo,
                                   "--migration-database-url",
                                   db.owner_conninfo};
  args.insert(args.end(), extra.begin(), extra.end());
  process.launch(args, env);
  if (!process.wait_listening())
    throw std::runtime_error("brandos did not start:\n" + process.log());
}

void launch_api_server(ServerProcess& server, const TestDatabase& db,
                       const std::vector<std::string>& extra,
                       const std::map<std::string, std::string>& env) {
  std::vector<std::string> args = {"serve",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--admin-listen",
                                   "127.0.0.1:0",
                                   "--threads",
                                   "2",
                                   "--db-pool-size",
                                   "8",
                                   "--database-url",
                                   db.app_conninfo,
                                   "--migration-database-url",
                                   db.owner_conninfo,
                                   "--sign-ups-per-hour-per-ip",
                                   "1000",
                                   "--login-attempts-per-minute-per-ip",
                                   "1000",
                                   "--tenant-requests-per-minute",
                                   "1000000",
                                   "--access-log",
                                   "false"};
  // A flag given in `extra` replaces the default above.
  for (std::size_t i = 0; i < extra.size(); ++i) {
    auto it = std::find(args.begin(), args.end(), extra[i]);
    if (extra[i].starts_with("--") && it != args.end() && it + 1 != args.end() &&
        i + 1 < extra.size()) {
      *(it + 1) = extra[++i];
      continue;
    }
    args.push_back(extra[i]);
  }
  server.launch(args, env);
  if (!server.wait_listening()) throw std::runtime_error("brandos did not start:\n" + server.log());
}

TestDatabase* ApiServerSuite::db_ = nullptr;
ServerProcess* ApiServerSuite::server_ = nullptr;

void ApiServerSuite::SetUpTestSuite() {
  db_ = new TestDatabase(create_test_database());
  server_ = new ServerProcess();
  launch_api_server(*server_, *db_);
}

void ApiServerSuite::TearDownTestSuite() {
  delete server_;
  delete db_;
  server_ = nullptr;
  db_ = nullptr;
}

unsigned short free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(s);
  return ntohs(addr.sin_port);
}

}  // namespace brandos::testing
