#pragma once
// A private PostgreSQL cluster that BrandOS manages itself: the zero-configuration default of
// `brandos serve`, and the real database behind every database test.
//
// Lifecycle: start() runs initdb on first use, clears a stale postmaster.pid left by a crash,
// adopts a server of ours that is still running, otherwise starts one listening only on a Unix
// socket inside the data directory (no TCP port), and creates the owner and application roles
// and the database. stop() (and the destructor, when this object started it) shuts it down with
// a fast shutdown. When run as root the server runs as the `postgres` system user.
//
// Thread-safety: none; call from one thread at start-up and shutdown. While it runs, only a
// ClusterSupervisor calls postmaster_alive() and restart_after_crash(), from its own thread; it is
// stopped before stop().
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "infrastructure/embedded_pg/child_process.hpp"

namespace brandos::embedded_pg {

struct ClusterOptions {
  std::filesystem::path data_dir;
  // Directory with initdb, pg_ctl and postgres; empty = look in /usr/lib/postgresql/*/bin.
  std::filesystem::path bin_dir;
  std::string database = "brandos";
  // Tests trade durability for speed (fsync off). Never for a server that keeps real data.
  bool durable = true;
  int max_connections = 200;
  // Leave the server running when this object goes away (test runs share one server started by
  // scripts/test.sh; each test process only attaches to it).
  bool keep_running = false;
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // Throws std::runtime_error with an operator-facing message on failure.
  void start();
  void stop();
  bool running() const;

  // Whether the postmaster named by postmaster.pid is alive and is ours: cheap (a kill(0) and a
  // /proc read), for a supervisor that polls it.
  bool postmaster_alive() const;
  // Starts the server again after it died (SIGKILL, OOM killer, a crash), waiting at most
  // `timeout` for it to accept connections. The stale postmaster.pid is left for PostgreSQL to
  // judge: it refuses to start while a backend of the dead server still holds its shared memory,
  // which a supervisor answers by trying again later. Throws std::runtime_error on failure.
  void restart_after_crash(std::chrono::seconds timeout);

  // Where the server actually keeps its files (the data dir, or a fallback the postgres user can
  // reach when the data dir is under a private home directory).
  const std::filesystem::path& cluster_dir() const { return cluster_dir_; }
  const std::filesystem::path& socket_dir() const { return socket_dir_; }
  bool initialised_now() const { return initialised_now_; }

  std::string conninfo(const std::string& user, const std::string& database) const;
  std::string superuser_conninfo(const std::string& database = "postgres") const {
    return conninfo("postgres", database);
  }
  std::string owner_conninfo() const { return conninfo("brandos_owner", options_.database); }
  std::string app_conninfo() const { return conninfo("brandos_app", options_.database); }

 private:
  void locate();
  void initdb();
  void clear_stale_pid_file();
  // Whether a process is still attached to the shared memory segment postmaster.pid names (the
  // check PostgreSQL makes before it reuses a data directory whose server died).
  bool dead_servers_memory_in_use() const;
  void pg_ctl(const std::string& action, bool must_succeed,
              std::chrono::seconds timeout = std::chrono::seconds(60));
  void bootstrap_roles();
  void prepare_directory(const std::filesystem::path& dir);

  ClusterOptions options_;
  std::filesystem::path bin_dir_;
  std::filesystem::path cluster_dir_;
  std::filesystem::path pgdata_;
  std::filesystem::path socket_dir_;
  std::filesystem::path log_file_;
  std::optional<SystemUser> run_as_;
  void lock_data_dir();
  int lock_fd_ = -1;  // flock held while this process manages the cluster
  bool started_by_us_ = false;
  bool initialised_now_ = false;
};

}  // namespace brandos::embedded_pg
