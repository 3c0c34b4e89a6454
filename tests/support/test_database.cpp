#include "support/test_database.hpp"

#include <random>

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "infrastructure/embedded_pg/cluster.hpp"
#include "infrastructure/postgres/migration.hpp"

namespace brandos::testing {

namespace {

constexpr const char* kTemplate = "brandos_template";

struct SharedCluster {
  std::unique_ptr<embedded_pg::Cluster> cluster;
  std::filesystem::path private_dir;  // only when this process started its own

  SharedCluster() {
    embedded_pg::ClusterOptions opts;
    opts.durable = false;
    if (const char* dir = std::getenv("BRANDOS_TEST_PG_DIR")) {
      opts.data_dir = dir;
      opts.keep_running = true;
    } else {
      private_dir =
          std::filesystem::temp_directory_path() / ("brandos-test-pg-" + std::to_string(getpid()));
      opts.data_dir = private_dir;
    }
    cluster = std::make_unique<embedded_pg::Cluster>(opts);
    cluster->start();
    // A shared cluster already has its template (brandos_test_cluster made it); connecting to
    // the template here would make concurrent CREATE DATABASE ... TEMPLATE calls fail.
    if (private_dir.empty()) return;
    ensure_template(*cluster);
  }
  ~SharedCluster() {
    cluster.reset();
    if (!private_dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(private_dir, ec);
    }
  }
};

SharedCluster& shared() {
  static SharedCluster instance;
  return instance;
}

std::string unique_name(const char* prefix) {
  // The pid alone is not unique over a run: pids wrap (pid_max is 32,768 on Debian) while the
  // shared cluster keeps every test's database, so a reused pid met its predecessor's name.
  static const unsigned salt = std::random_device{}();
  static std::atomic<int> counter{0};
  return std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
         std::to_string(salt % 100000) + "_" + std::to_string(counter++);
}

// The same database privileges the self-managed cluster gives the real database.
void grant_like_production(const embedded_pg::Cluster& c, const std::string& name) {
  run_sql(c.superuser_conninfo(), "REVOKE ALL ON DATABASE " + name + " FROM PUBLIC");
  run_sql(c.superuser_conninfo(), "GRANT CONNECT ON DATABASE " + name + " TO brandos_app");
}

TestDatabase describe(const embedded_pg::Cluster& c, const std::string& name) {
  return {name, c.conninfo("brandos_app", name), c.conninfo("brandos_owner", name),
          c.conninfo("postgres", name)};
}

}  // namespace

std::string run_sql(const std::string& conninfo, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("test connect: ") + PQerrorMessage(conn.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error("test sql failed: " + sql + ": " + PQerrorMessage(conn.get()));
  if (PQntuples(r.get()) == 0 || PQnfields(r.get()) == 0) return "";
  return PQgetvalue(r.get(), 0, 0);
}

// Creates and migrates the template database once per cluster. Several test processes may race
// here: the advisory lock in migrate() and "CREATE DATABASE" failing with duplicate_database for
// the loser keep it correct.
void ensure_template(embedded_pg::Cluster& c) {
  const std::string exists =
      run_sql(c.superuser_conninfo(),
              std::string("SELECT count(*) FROM pg_database WHERE datname = '") + kTemplate + "'");
  if (exists == "0") {
    try {
      run_sql(c.superuser_conninfo(),
              std::string("CREATE DATABASE ") + kTemplate + " OWNER brandos_owner");
      run_sql(c.superuser_conninfo(),
              std::string("GRANT CONNECT ON DATABASE ") + kTemplate + " TO brandos_app");
    } catch (const std::runtime_error&) {
      // Another process created it first.
    }
  }
  pg::migrate(c.conninfo("brandos_owner", kTemplate), pg::embedded_migrations());
}

TestDatabase create_test_database() {
  return create_test_database_in(*shared().cluster);
}

TestDatabase create_test_database_in(embedded_pg::Cluster& c) {
  const std::string name = unique_name("t");
  // FILE_COPY: for a database this small, copying the files beats WAL-logging every block.
  // Cloning fails while anyone is connected to the template (another process briefly checking
  // it): retry a few times.
  for (int attempt = 0;; ++attempt) {
    try {
      run_sql(c.superuser_conninfo(), "CREATE DATABASE " + name + " TEMPLATE " + kTemplate +
                                          " OWNER brandos_owner STRATEGY FILE_COPY");
      break;
    } catch (const std::runtime_error& e) {
      if (attempt >= 50 ||
          std::string(e.what()).find("being accessed by other users") == std::string::npos)
        throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  grant_like_production(c, name);
  return describe(c, name);
}

TestDatabase create_empty_test_database() {
  auto& c = *shared().cluster;
  const std::string name = unique_name("e");
  run_sql(c.superuser_conninfo(), "CREATE DATABASE " + name + " OWNER brandos_owner");
  grant_like_production(c, name);
  return describe(c, name);
}

void create_scratch_table(const TestDatabase& db) {
  run_sql(db.owner_conninfo,
          "CREATE TABLE brandos.scratch (id bigint PRIMARY KEY, note text);"
          "GRANT SELECT, INSERT, UPDATE, DELETE ON brandos.scratch TO brandos_app;");
}

OpenTransaction::OpenTransaction(const std::string& conninfo)
    : conn_(PQconnectdb(conninfo.c_str())) {
  try {
    exec("BEGIN");
  } catch (...) {
    PQfinish(conn_);
    throw;
  }
}

OpenTransaction::~OpenTransaction() {
  PQfinish(conn_);
}

void OpenTransaction::exec(const std::string& q) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_, q.c_str()), &PQclear);
  const auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw std::runtime_error(q + ": " + PQerrorMessage(conn_));
}

HeldRowLock::HeldRowLock(const std::string& conninfo, const std::string& product_id)
    : OpenTransaction(conninfo) {
  exec("SELECT 1 FROM brandos.products WHERE id = '" + product_id + "' FOR UPDATE");
}

}  // namespace brandos::testing
