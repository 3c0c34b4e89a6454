// The self-managed cluster: first start, restart, adoption of a running server, and recovery
// from a stale postmaster.pid after a crash.
#include "infrastructure/embedded_pg/cluster.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/shm.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/test_database.hpp"

namespace brandos::embedded_pg {
namespace {

using namespace std::chrono_literals;

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("brandos-cluster-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    options_.data_dir = dir_;
    options_.durable = false;
  }
  void TearDown() override {
    {
      Cluster c(options_);  // stop whatever a test left running
      try {
        c.start();
      } catch (...) {
      }
    }
    std::filesystem::remove_all(dir_);
  }
  // Whether a process is still attached to the shared memory segment postmaster.pid names.
  bool shared_memory_in_use() {
    std::ifstream in(dir_ / "postgres" / "postmaster.pid");
    std::string line;
    for (int i = 0; i < 7 && std::getline(in, line); ++i) {
    }
    long long key = 0, id = -1;
    std::istringstream(line) >> key >> id;
    shmid_ds segment{};
    return id >= 0 && shmctl(static_cast<int>(id), IPC_STAT, &segment) == 0 &&
           segment.shm_nattch > 0;
  }
  long postmaster_pid(const Cluster& c) {
    std::ifstream in(c.cluster_dir() / "postgres" / "postmaster.pid");
    long pid = 0;
    in >> pid;
    return pid;
  }

  std::filesystem::path dir_;
  ClusterOptions options_;
};

TEST_F(ClusterTest, InitialisesOnFirstStartAndReusesAfterwards) {
  {
    Cluster c(options_);
    c.start();
    EXPECT_TRUE(c.initialised_now());
    EXPECT_TRUE(c.running());
    EXPECT_EQ(testing::run_sql(c.app_conninfo(), "SELECT current_user"), "brandos_app");
    EXPECT_EQ(testing::run_sql(c.superuser_conninfo(), "SHOW listen_addresses"), "");
  }
  Cluster again(options_);
  again.start();
  EXPECT_FALSE(again.initialised_now());
  EXPECT_EQ(testing::run_sql(again.owner_conninfo(), "SELECT current_user"), "brandos_owner");
  again.stop();
  EXPECT_FALSE(again.running());
}

TEST_F(ClusterTest, AdoptsAServerThatOutlivedItsOwner) {
  options_.keep_running = true;
  long first_pid = 0;
  {
    Cluster c(options_);
    c.start();
    first_pid = postmaster_pid(c);
  }                         // keep_running: the server stays up, as after a crash of brandos itself
  ASSERT_GT(first_pid, 0);  // else the comparison below would hold for an unreadable file
  options_.keep_running = false;
  Cluster c(options_);
  c.start();
  EXPECT_EQ(postmaster_pid(c), first_pid);
  EXPECT_EQ(testing::run_sql(c.app_conninfo(), "SELECT 1"), "1");
}

TEST_F(ClusterTest, StartsDespiteAStalePidFileAfterACrash) {
  options_.durable = true;  // a crash test with fsync off would test the file system, not us
  options_.keep_running = true;
  long pid = 0;
  {
    Cluster c(options_);
    c.start();
    pid = postmaster_pid(c);
  }
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(static_cast<pid_t>(pid), SIGKILL), 0);  // the machine "crashed"
  // Wait until the orphaned backends have noticed and let go of the dead server's shared memory
  // (the segment named on line 7 of the pid file): until then PostgreSQL rightly refuses.
  ASSERT_TRUE(testing::eventually([&] { return !shared_memory_in_use(); }));
  options_.keep_running = false;
  Cluster c(options_);
  ASSERT_TRUE(std::filesystem::exists(dir_ / "postgres" / "postmaster.pid"));
  c.start();
  EXPECT_TRUE(c.running());
  EXPECT_EQ(testing::run_sql(c.app_conninfo(), "SELECT 1"), "1");
}

TEST_F(ClusterTest, StartsWhenThePidFileNamesAnUnrelatedProcess) {
  {
    Cluster c(options_);
    c.start();
  }  // stopped cleanly
  Cluster c(options_);
  // A pid file left behind whose pid now belongs to someone else (here: this test process).
  {
    std::ofstream pid_file(dir_ / "postgres" / "postmaster.pid");
    pid_file << getpid() << "\n" << dir_.string() << "\n";
    ASSERT_TRUE(pid_file.good());
  }
  c.start();
  EXPECT_TRUE(c.running());
}

// A pid file whose server is gone while something still holds its shared memory (orphaned
// backends): the file is PostgreSQL's guard against two servers on one data directory, so it
// stays and start refuses, clearly, until the memory is let go.
TEST_F(ClusterTest, RefusesToStartWhileTheDeadServersSharedMemoryIsStillAttached) {
  {
    Cluster c(options_);
    c.start();
  }  // stopped cleanly
  const int segment = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  ASSERT_GE(segment, 0);
  void* attached = shmat(segment, nullptr, 0);
  ASSERT_NE(attached, reinterpret_cast<void*>(-1));
  {
    // Names a live unrelated process (this one), as after a crash and a reused pid, and the
    // segment on line 7.
    std::ofstream pid_file(dir_ / "postgres" / "postmaster.pid");
    pid_file << getpid() << "\n" << dir_.string() << "\n0\n5432\n/tmp\n\n0 " << segment << "\n";
    ASSERT_TRUE(pid_file.good());
  }
  ASSERT_TRUE(shared_memory_in_use());
  {
    Cluster c(options_);
    try {
      c.start();
      ADD_FAILURE() << "started a second server over attached shared memory";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("shared memory"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(std::filesystem::exists(dir_ / "postgres" / "postmaster.pid"));
  }
  shmdt(attached);
  shmctl(segment, IPC_RMID, nullptr);
  Cluster c(options_);
  c.start();  // let go: the stale file is cleared and the server starts
  EXPECT_TRUE(c.running());
}

// What the supervisor polls: alive while the server runs; dead once it was killed, and when the
// pid file names a process that started at another time (a pid reused after a crash).
TEST_F(ClusterTest, KnowsWhetherItsPostmasterIsAlive) {
  Cluster c(options_);
  c.start();
  EXPECT_TRUE(c.postmaster_alive());
  const long pid = postmaster_pid(c);
  ASSERT_GT(pid, 0);
  ASSERT_EQ(kill(static_cast<pid_t>(pid), SIGKILL), 0);
  bool dead = false;
  for (int i = 0; i < 500 && !dead; ++i) {
    dead = !c.postmaster_alive();
    if (!dead) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(dead);
  std::ofstream(c.cluster_dir() / "postgres" / "postmaster.pid") << getpid() << "\n"
                                                                 << dir_.string() << "\n"
                                                                 << 1000000000 << "\n";
  EXPECT_FALSE(c.postmaster_alive());  // this test process, started long after 2001
  // As the supervisor does: PostgreSQL refuses while the dead server's backends linger.
  bool restarted = false;
  for (int i = 0; i < 50 && !restarted; ++i) {
    try {
      c.restart_after_crash(std::chrono::seconds(30));
      restarted = true;
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(200ms);
    }
  }
  EXPECT_TRUE(restarted);
  EXPECT_TRUE(c.postmaster_alive());
}

}  // namespace
}  // namespace brandos::embedded_pg
