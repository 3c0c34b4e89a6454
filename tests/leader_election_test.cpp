// Issue 11's leader election test: three `brandos worker` nodes compete for the outbox relay's
// lease. The leader is stopped (SIGSTOP) for twice the lease, then killed (SIGKILL): each time a
// new leader takes over within lease + renewal, the epoch only grows, at every instant exactly
// one epoch is accepted by the fence, a stale epoch's write is refused, and the resumed former
// leader gives up without writing. The takeover times are printed.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/test_database.hpp"

namespace brandos::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int kLeaseMs = 1500;
constexpr auto kRenew = std::chrono::milliseconds(kLeaseMs / 3);

struct Lease {
  std::string holder;
  long epoch = 0;
};

Lease relay_lease(const TestDatabase& db) {
  const std::string row =
      run_sql(db.owner_conninfo,
              "SELECT holder || ' ' || epoch FROM brandos.job_leases WHERE job = 'outbox-relay'");
  const auto space = row.rfind(' ');
  if (space == std::string::npos) return {};
  return {row.substr(0, space), std::stol(row.substr(space + 1))};
}

// Whether the fence accepts a write of the relay at `epoch` now (a real, if empty, write).
bool fence_accepts(const TestDatabase& db, long epoch) {
  try {
    run_sql(db.app_conninfo,
            "SELECT brandos.mark_events_published(ARRAY[]::uuid[], "
            "'outbox-relay', " +
                std::to_string(epoch) + ")");
    return true;
  } catch (const std::exception& e) {
    if (std::string(e.what()).find("no longer at epoch") == std::string::npos) throw;
    return false;
  }
}

int pid_of_holder(const std::string& holder) {  // "host:pid:suffix"
  const auto a = holder.find(':'), b = holder.find(':', a + 1);
  return std::stoi(holder.substr(a + 1, b - a - 1));
}

TEST(LeaderElection, ANewLeaderWithinLeasePlusRenewalAndOnlyOneEpochAccepted) {
  const TestDatabase db = create_test_database();
  ServerProcess nodes[3];
  for (auto& n : nodes) {
    n.launch({"worker", "--admin-listen", "127.0.0.1:0", "--threads", "1", "--database-url",
              db.app_conninfo, "--migration-database-url", db.owner_conninfo, "--job-lease-ms",
              std::to_string(kLeaseMs), "--access-log", "false"});
    ASSERT_TRUE(n.wait_listening()) << n.log();
  }
  ASSERT_TRUE(eventually([&] { return relay_lease(db).epoch > 0; }));

  // How many of the epochs 1..n the fence accepts, asked in one transaction (each ask in a
  // subtransaction): the first accepted ask share-locks the lease, so no takeover can slip in
  // between the asks and make two look accepted.
  run_sql(db.owner_conninfo, R"sql(
    CREATE FUNCTION brandos.accepted_relay_epochs(n bigint) RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE accepted integer := 0;
    BEGIN
      FOR e IN 1..n LOOP
        BEGIN
          PERFORM brandos.hold_job_lease('outbox-relay', e);
          accepted := accepted + 1;
        EXCEPTION WHEN SQLSTATE 'BRL01' THEN NULL;
        END;
      END LOOP;
      RETURN accepted;
    END $$)sql");

  // Throughout: the lease's epoch never goes back, and exactly one epoch passes the fence.
  std::atomic<bool> watching{true};
  std::atomic<int> epochs_back{0}, not_exactly_one{0}, checks{0};
  std::thread watcher([&] {
    long last = 0;
    while (watching) {
      const long now = relay_lease(db).epoch;
      if (now < last) ++epochs_back;
      last = std::max(last, now);
      const std::string accepted =
          run_sql(db.owner_conninfo,
                  "SELECT brandos.accepted_relay_epochs(" + std::to_string(last + 5) + ")");
      if (accepted != "1") ++not_exactly_one;
      ++checks;
      std::this_thread::sleep_for(20ms);
    }
  });

  auto node_of = [&](const Lease& l) -> ServerProcess* {
    for (auto& n : nodes)
      if (n.pid() == pid_of_holder(l.holder)) return &n;
    return nullptr;
  };
  const auto bound = std::chrono::milliseconds(kLeaseMs) + kRenew + 1000ms;  // + machine slack

  for (const int sig : {SIGSTOP, SIGKILL}) {
    const Lease before = relay_lease(db);
    ServerProcess* leader = node_of(before);
    ASSERT_NE(leader, nullptr) << before.holder;
    const auto stopped_at = Clock::now();
    leader->signal(sig);
    Lease after;
    ASSERT_TRUE(eventually([&] { return (after = relay_lease(db)).epoch > before.epoch; }));
    const auto takeover = Clock::now() - stopped_at;
    EXPECT_NE(after.holder, before.holder);
    EXPECT_LE(takeover, bound);
    // The stale epoch's write is refused; the new one's accepted.
    EXPECT_FALSE(fence_accepts(db, before.epoch));
    EXPECT_TRUE(fence_accepts(db, after.epoch));
    std::cout << "[ leader   ] " << (sig == SIGSTOP ? "SIGSTOP" : "SIGKILL") << ": epoch "
              << before.epoch << " -> " << after.epoch << " in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(takeover).count()
              << " ms (lease " << kLeaseMs << " ms + renewal " << kRenew.count() << " ms)\n";
    if (sig == SIGSTOP) {
      // Stopped for twice the lease, then resumed: it finds it lost the lease and stops
      // leading; it never takes the lease back while the new leader renews it.
      std::this_thread::sleep_for(std::chrono::milliseconds(2 * kLeaseMs) - takeover);
      leader->signal(SIGCONT);
      ASSERT_TRUE(eventually([&] {
        auto m = http_request(leader->admin_port(), "GET", "/metrics");
        return m && m->body.find("job_leader{job=\"outbox-relay\"} 0") != std::string::npos;
      }));
      EXPECT_TRUE(eventually([&] {  // log lines are flushed on a timer
        return leader->log().find("\"job_lease_lost\"") != std::string::npos;
      }));
      EXPECT_EQ(relay_lease(db).epoch, after.epoch);
    } else {
      ASSERT_TRUE(leader->wait_exit(10s).has_value());
    }
  }
  watching = false;
  watcher.join();
  std::cout << "[ leader   ] fence checks " << checks << ", epochs that went back " << epochs_back
            << ", checks where not exactly one epoch was accepted " << not_exactly_one << "\n";
  EXPECT_GT(checks, 10);
  EXPECT_EQ(epochs_back, 0);
  EXPECT_EQ(not_exactly_one, 0);
}

}  // namespace
}  // namespace brandos::testing
