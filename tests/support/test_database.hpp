#pragma once
// Real PostgreSQL databases for tests. All test processes of a run share one self-managed
// cluster (started by scripts/test.sh through brandos_test_cluster, found via
// BRANDOS_TEST_PG_DIR); a test binary run on its own starts a private one. Every call to
// create() returns a new database cloned from a template that has all migrations applied, so
// each test starts from the real schema and nothing it writes leaks into another test.
#include <chrono>
#include <string>
#include <thread>

namespace brandos::embedded_pg {
class Cluster;
}

struct pg_conn;

namespace brandos::testing {

struct TestDatabase {
  std::string name;
  std::string app_conninfo;    // as brandos_app: what the service uses
  std::string owner_conninfo;  // as brandos_owner: migrations
  std::string superuser_conninfo;
};

// A fresh migrated database.
TestDatabase create_test_database();
// A fresh migrated database in `cluster`, whose template ensure_template() made (for tests that
// stop and start their own cluster).
TestDatabase create_test_database_in(embedded_pg::Cluster& cluster);
// A fresh empty database (for migration tests).
TestDatabase create_empty_test_database();

// Creates (if missing) and migrates the template database every test database is cloned from.
void ensure_template(embedded_pg::Cluster& cluster);

// Creates brandos.scratch (id bigint primary key, note text) as the owner and grants it to the
// app role, as a migration would: a table for driver tests to write to.
void create_scratch_table(const TestDatabase& db);

// Runs one SQL string as superuser on `conninfo`; throws on failure. Returns the first value of
// the first row, or "" when there is none.
std::string run_sql(const std::string& conninfo, const std::string& sql);

// A transaction of the test's own session, open until commit() or destruction (which rolls it
// back): for holding locks and uncommitted changes while the server under test runs into them.
class OpenTransaction {
 public:
  explicit OpenTransaction(const std::string& conninfo);
  ~OpenTransaction();
  OpenTransaction(const OpenTransaction&) = delete;
  OpenTransaction& operator=(const OpenTransaction&) = delete;
  // Runs one statement in the transaction; throws on failure.
  void exec(const std::string& sql);
  void commit() { exec("COMMIT"); }

 private:
  pg_conn* conn_;
};

// Holds a product's row lock (SELECT ... FOR UPDATE) until release(), so an order that needs the
// product waits mid-request.
class HeldRowLock : public OpenTransaction {
 public:
  HeldRowLock(const std::string& conninfo, const std::string& product_id);
  void release() { commit(); }
};

// Polls `done` every 10 ms for at most 30 s (a bound on a hang, not a timing).
template <class Condition>
bool eventually(Condition done) {
  using namespace std::chrono_literals;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms))
    if (done()) return true;
  return false;
}

}  // namespace brandos::testing
