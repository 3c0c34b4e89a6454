// Black-box tests of the command line: settings precedence, configuration errors, the
// migrate and version commands, and the zero-configuration first start.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

using namespace std::chrono_literals;

struct CommandRun {
  int code;
  std::string output;
};

CommandRun run_brandos(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  ServerProcess p;
  p.launch(args, env);
  const auto code = p.wait_exit(60s);
  return {code.value_or(-1), p.log()};
}

std::vector<std::string> serve_args(const TestDatabase& db) {
  return {"serve",
          "--admin-listen",
          "127.0.0.1:0",
          "--threads",
          "1",
          "--database-url",
          db.app_conninfo,
          "--migration-database-url",
          db.owner_conninfo};
}

TEST(Cli, VersionPrintsTheVersion) {
  const CommandRun r = run_brandos({"version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(^brandos \d+\.\d+\.\d+\n$)"))) << r.output;
}

TEST(Cli, HelpExplainsTheCommandsAndSettings) {
  const CommandRun r = run_brandos({"--help"});
  EXPECT_EQ(r.code, 0);
  for (const char* s : {"serve", "migrate", "version", "--listen", "BRANDOS_LISTEN",
                        "--admin-listen", "--data-dir", "--database-url", "--config"})
    EXPECT_NE(r.output.find(s), std::string::npos) << s;
}

TEST(Cli, BadSettingsExitWithCode2AndOneLineNamingTheSetting) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string mention;
  };
  const std::vector<Case> cases = {
      {{"serve", "--listen", "nonsense"}, {}, "--listen"},
      {{"serve"}, {{"BRANDOS_ADMIN_LISTEN", "1.2.3.4:99999"}}, "BRANDOS_ADMIN_LISTEN"},
      {{"serve", "--threads", "-1"}, {}, "--threads"},
      {{"serve", "--db-pool-size", "many"}, {}, "--db-pool-size"},
      {{"serve", "--no-such-flag"}, {}, "--no-such-flag"},
      {{"serve", "--log-level", "loud"}, {}, "--log-level"},
      {{"serve", "--amqp-url", "http://broker/"}, {}, "--amqp-url"},
      {{"worker"}, {{"BRANDOS_AMQP_URL", "amqp://"}}, "BRANDOS_AMQP_URL"},
      {{"worker", "--jobs", "sometimes"}, {}, "--jobs"},
      {{"serve", "--job-lease-ms", "10"}, {}, "--job-lease-ms"},
      {{}, {}, "subcommand"},
  };
  for (const auto& c : cases) {
    const CommandRun r = run_brandos(c.args, c.env);
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(c.mention), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_EQ(r.output.rfind("brandos: ", 0), 0u) << r.output;
  }
}

TEST(Cli, ConfigFileErrorsAreReportedWithCode2) {
  const std::string path = "/tmp/brandos-cli-bad-" + std::to_string(getpid()) + ".toml";
  std::ofstream(path) << "listen = \"127.0.0.1:1\"\nlisten_typo = 3\n";
  CommandRun r = run_brandos({"serve", "--config", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("unknown setting listen_typo"), std::string::npos) << r.output;
  std::ofstream(path) << "listen = [\n";
  r = run_brandos({"serve", "--config", path});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find(path), std::string::npos) << r.output;
  std::remove(path.c_str());
}

// Flags win over the environment, the environment over the file, the file over defaults.
TEST(Cli, SettingsPrecedenceIsFlagThenEnvThenFile) {
  const TestDatabase db = create_test_database();
  const unsigned short file_port = free_port(), env_port = free_port(), flag_port = free_port();
  const std::string path = "/tmp/brandos-cli-" + std::to_string(getpid()) + ".toml";
  std::ofstream(path) << "listen = \"127.0.0.1:" << file_port << "\"\naccess_log = false\n";

  auto started_on = [&](std::vector<std::string> extra, std::map<std::string, std::string> env) {
    ServerProcess p;
    auto args = serve_args(db);
    args.insert(args.end(), extra.begin(), extra.end());
    p.launch(args, env);
    EXPECT_TRUE(p.wait_listening()) << p.log();
    const unsigned short port = p.port();
    p.signal(SIGTERM);
    p.wait_exit(10s);
    return port;
  };
  EXPECT_EQ(started_on({"--config", path}, {}), file_port);
  EXPECT_EQ(started_on({}, {{"BRANDOS_CONFIG", path}}), file_port);
  EXPECT_EQ(
      started_on({"--config", path}, {{"BRANDOS_LISTEN", "127.0.0.1:" + std::to_string(env_port)}}),
      env_port);
  EXPECT_EQ(started_on({"--config", path, "--listen", "127.0.0.1:" + std::to_string(flag_port)},
                       {{"BRANDOS_LISTEN", "127.0.0.1:" + std::to_string(env_port)}}),
            flag_port);
  std::remove(path.c_str());
}

TEST(Cli, MigrateAppliesPendingMigrationsAndIsIdempotent) {
  const TestDatabase db = create_empty_test_database();
  CommandRun r = run_brandos({"migrate", "--database-url", db.app_conninfo,
                              "--migration-database-url", db.owner_conninfo});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(R"("event":"migration_applied","file":"0001_)"), std::string::npos);
  r = run_brandos({"migrate", "--database-url", db.app_conninfo, "--migration-database-url",
                   db.owner_conninfo});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.output.find(R"("applied":0)"), std::string::npos) << r.output;
}

TEST(Cli, UnreachableDatabaseFailsStartWithAClearMessage) {
  const CommandRun r =
      run_brandos({"serve", "--database-url", "host=/nonexistent dbname=x user=y"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("cannot connect to the database to migrate"), std::string::npos)
      << r.output;
}

// The zero-configuration path end to end: no database URL, an empty data directory. The first
// start runs initdb; later starts reuse the cluster. Both are timed against the issue's bounds.
TEST(Cli, ZeroConfigurationServeIsReadyQuicklyOnFirstAndLaterStarts) {
  const std::string dir = "/tmp/brandos-zero-config-" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  auto ready_after = [&](bool& ok) {
    ServerProcess p;
    const auto start = std::chrono::steady_clock::now();
    p.launch(
        {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"});
    ok = p.wait_listening(60s);
    std::optional<RawResponse> r;
    while (ok && std::chrono::steady_clock::now() - start < 60s) {
      r = http_request(p.port(), "GET", "/health/ready");
      if (r && r->status == 200) break;
      std::this_thread::sleep_for(20ms);
    }
    const auto took = std::chrono::steady_clock::now() - start;
    ok = ok && r && r->status == 200 &&
         r->body.find(R"("database":{"status":"ok")") != std::string::npos;
    p.signal(SIGTERM);
    EXPECT_EQ(p.wait_exit(30s), std::optional<int>(0)) << p.log();
    return std::chrono::duration_cast<std::chrono::milliseconds>(took);
  };
  bool ok = false;
  const auto first = ready_after(ok);
  ASSERT_TRUE(ok);
  const auto second = ready_after(ok);
  ASSERT_TRUE(ok);
  std::cout << "[ figures ] zero-config ready: first start " << first.count() << " ms, later start "
            << second.count() << " ms\n";
  EXPECT_LT(first, 30s);
  EXPECT_LT(second, 3s);
  // The database server went down with brandos: nothing of ours is left running.
  EXPECT_FALSE(std::filesystem::exists(dir + "/postgres/postmaster.pid"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace brandos::testing
