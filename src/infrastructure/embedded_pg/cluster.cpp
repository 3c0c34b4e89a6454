#include "infrastructure/embedded_pg/cluster.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace brandos::embedded_pg {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxSocketPath = 100;  // sun_path is 108 bytes with the file name

std::string hex_hash(const std::string& s) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016zx", std::hash<std::string>{}(s));
  return buf;
}

fs::path find_bin_dir(const fs::path& configured) {
  if (!configured.empty()) {
    if (fs::exists(configured / "initdb")) return configured;
    throw std::runtime_error("no initdb in the PostgreSQL bin dir " + configured.string() +
                             " (BRANDOS_PG_BIN_DIR)");
  }
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
  }
  if (found.empty())
    throw std::runtime_error(
        "no PostgreSQL server found under /usr/lib/postgresql; run scripts/setup.sh or set "
        "BRANDOS_PG_BIN_DIR, or give --database-url");
  // Highest major version wins; versions are plain integers ("15", "16").
  std::sort(found.begin(), found.end(), [](const fs::path& a, const fs::path& b) {
    return std::stoi(a.parent_path().filename().string()) <
           std::stoi(b.parent_path().filename().string());
  });
  return found.back();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace

Cluster::Cluster(ClusterOptions options) : options_(std::move(options)) {}

Cluster::~Cluster() {
  if (started_by_us_ && !options_.keep_running) {
    try {
      stop();
    } catch (...) {  // a destructor reports nothing; stop() failures are logged by pg_ctl
    }
  }
  if (lock_fd_ >= 0) close(lock_fd_);
}

// One managing process per cluster: a second brandos on the same data directory (or a restart
// while the previous process is still shutting its database down) waits for the first to let
// go, instead of adopting a server that is about to stop.
void Cluster::lock_data_dir() {
  if (lock_fd_ >= 0) return;  // held since an earlier start() of this object
  const fs::path lock = cluster_dir_ / "brandos.lock";
  lock_fd_ = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0)
    throw std::system_error(errno, std::generic_category(), "open " + lock.string());
  for (int i = 0; i < 300; ++i) {
    if (flock(lock_fd_, LOCK_EX | LOCK_NB) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("another brandos process is using " + cluster_dir_.string() +
                           " (waited 30 s for it to stop)");
}

void Cluster::prepare_directory(const fs::path& dir) {
  fs::create_directories(dir);
  if (run_as_) {
    if (chown(dir.c_str(), run_as_->uid, run_as_->gid) != 0)
      throw std::system_error(errno, std::generic_category(), "chown " + dir.string());
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
}

void Cluster::locate() {
  bin_dir_ = find_bin_dir(options_.bin_dir);
  if (geteuid() == 0) {
    run_as_ = find_system_user("postgres");
    if (!run_as_)
      throw std::runtime_error(
          "running as root needs the `postgres` system user for the database "
          "server (install postgresql, or run brandos as a normal user)");
  }
  fs::create_directories(options_.data_dir);
  const fs::path data_dir = fs::canonical(options_.data_dir);
  cluster_dir_ = data_dir;
  if (run_as_) {
    // The data dir itself is traversable but not listable by others: the server needs to reach
    // its own subdirectory and nothing else.
    fs::permissions(data_dir, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::replace);
    if (!user_can_reach(*run_as_, data_dir)) {
      // Typically a checkout under /root (0700): the postgres user cannot get in. Keep the
      // cluster in a place it can reach, tied to this data dir by a hash of its path.
      cluster_dir_ = fs::path("/var/lib/brandos") / hex_hash(data_dir.string());
      fs::create_directories(cluster_dir_);
      fs::permissions("/var/lib/brandos",
                      fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::replace);
      fs::permissions(cluster_dir_,
                      fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::replace);
      write_file(
          data_dir / "postgres-cluster-location",
          "The postgres user cannot reach this directory, so the database cluster lives in " +
              cluster_dir_.string() + "\n");
    }
  }
  pgdata_ = cluster_dir_ / "postgres";
  socket_dir_ = cluster_dir_ / "run";
  if ((socket_dir_ / ".s.PGSQL.5432").string().size() > kMaxSocketPath)
    socket_dir_ = fs::path("/tmp") / ("brandos-pg-" + hex_hash(pgdata_.string()));
  log_file_ = cluster_dir_ / "postgresql.log";
  if (run_as_) {
    std::ofstream touch(log_file_, std::ios::app);
    if (chown(log_file_.c_str(), run_as_->uid, run_as_->gid) != 0)
      throw std::system_error(errno, std::generic_category(), "chown " + log_file_.string());
  }
}

void Cluster::initdb() {
  prepare_directory(pgdata_);
  std::vector<std::string> argv = {(bin_dir_ / "initdb").string(), "-D", pgdata_.string(), "-U",
                                   "postgres", "-E", "UTF8", "--no-locale",
                                   // Only local Unix-socket connections exist; the socket
                                   // directory is 0700, so the file system is the access check.
                                   "--auth-local=trust", "--auth-host=scram-sha-256"};
  if (!options_.durable) argv.push_back("--no-sync");
  if (run_program(argv, run_as_, log_file_) != 0)
    throw std::runtime_error("initdb failed for " + pgdata_.string() + ":\n" + tail_of(log_file_));
  std::ofstream conf(pgdata_ / "postgresql.conf", std::ios::app);
  conf << "\ninclude_if_exists = 'brandos.conf'\n";
  initialised_now_ = true;
}

void Cluster::clear_stale_pid_file() {
  const fs::path pid_file = pgdata_ / "postmaster.pid";
  std::ifstream in(pid_file);
  if (!in) return;
  long pid = 0;
  in >> pid;
  if (pid > 0 && kill(static_cast<pid_t>(pid), 0) == 0) {
    // Alive: ours if its working directory is this data directory (the postmaster chdirs there).
    std::error_code ec;
    const fs::path cwd = fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd", ec);
    if (!ec && cwd == fs::canonical(pgdata_)) return;
  }
  // Left by a crash (or the pid now belongs to an unrelated process): PostgreSQL would refuse to
  // start while the file names a live process. The file is also PostgreSQL's guard against a
  // second server on the same data: it goes only once no backend of the dead server is still
  // attached to its shared memory.
  in.close();
  if (dead_servers_memory_in_use())
    throw std::runtime_error(
        "backends of a dead server still hold its shared memory (" + pid_file.string() +
        "): not starting a second server on the same data; they exit once they notice, then "
        "start again");
  fs::remove(pid_file);
  for (const auto& name : {".s.PGSQL.5432.lock", ".s.PGSQL.5432"}) {
    std::error_code ec;
    fs::remove(socket_dir_ / name, ec);
  }
}

void Cluster::pg_ctl(const std::string& action, bool must_succeed, std::chrono::seconds timeout) {
  std::vector<std::string> argv = {
      (bin_dir_ / "pg_ctl").string(),  "-D", pgdata_.string(),  "-w", "-t",
      std::to_string(timeout.count()), "-l", log_file_.string()};
  if (action == "stop") {
    argv.insert(argv.end(), {"-m", "fast"});
  }
  argv.push_back(action);
  if (run_program(argv, run_as_, log_file_) != 0 && must_succeed)
    throw std::runtime_error("pg_ctl " + action + " failed for " + pgdata_.string() + ":\n" +
                             tail_of(log_file_));
}

bool Cluster::running() const {
  if (pgdata_.empty()) return false;
  return run_program({(bin_dir_ / "pg_ctl").string(), "-D", pgdata_.string(), "status"}, run_as_,
                     "/dev/null") == 0;
}

// When a process started, in seconds since the epoch, and whether it is a zombie, from
// /proc/<pid>/stat (readable for any user's process, unlike /proc/<pid>/cwd, which needs
// CAP_SYS_PTRACE for another user's: containers do not grant it). nullopt: no such process.
std::optional<std::pair<double, bool>> process_start(long pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return std::nullopt;
  const auto paren = text.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(paren + 2));
  std::string field, state;
  fields >> state;  // field 3
  unsigned long long start_ticks = 0;
  for (int i = 4; i <= 22 && fields >> field; ++i)
    if (i == 22) start_ticks = std::strtoull(field.c_str(), nullptr, 10);
  std::ifstream proc_stat("/proc/stat");
  long long boot = 0;
  for (std::string line; std::getline(proc_stat, line);)
    if (line.rfind("btime ", 0) == 0) boot = std::strtoll(line.c_str() + 6, nullptr, 10);
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return std::pair{static_cast<double>(boot) + static_cast<double>(start_ticks) / hz, state == "Z"};
}

bool Cluster::postmaster_alive() const {
  // postmaster.pid: the pid on line 1, the server's start time (epoch seconds) on line 3.
  std::ifstream in(pgdata_ / "postmaster.pid");
  std::string pid_line, data_dir_line, start_line;
  if (!std::getline(in, pid_line) || !std::getline(in, data_dir_line) ||
      !std::getline(in, start_line))
    return false;
  long pid = 0;
  long long started = 0;
  try {
    pid = std::stol(pid_line);
    started = std::stoll(start_line);
  } catch (const std::exception&) {
    return false;  // half-written by a server that is starting or stopping
  }
  if (pid <= 0) return false;
  const auto process = process_start(pid);
  if (!process || process->second) return false;  // gone, or dead and not yet reaped
  // A live pid that started at another time is not the server the file names (a pid reused
  // after a crash): then ours is dead.
  return std::abs(process->first - static_cast<double>(started)) <= 2.0;
}

bool Cluster::dead_servers_memory_in_use() const {
  // Line 7 of postmaster.pid: "<key> <shmid>" of the server's System V segment.
  std::ifstream in(pgdata_ / "postmaster.pid");
  std::string line;
  for (int i = 0; i < 7 && std::getline(in, line); ++i) {
  }
  long long key = 0, id = -1;
  if (!(std::istringstream(line) >> key >> id)) return false;
  shmid_ds segment{};
  return id >= 0 && shmctl(static_cast<int>(id), IPC_STAT, &segment) == 0 && segment.shm_nattch > 0;
}

void Cluster::restart_after_crash(std::chrono::seconds timeout) {
  // PostgreSQL refuses to start while the pid its lock file names is alive. If that pid now
  // belongs to another process (reused after the crash), the file may go — but only once no
  // backend of the dead server is still attached to its shared memory (line 7 names the
  // segment), which is the check PostgreSQL itself would have made with the file.
  std::ifstream in(pgdata_ / "postmaster.pid");
  long pid = 0;
  in >> pid;
  in.close();
  if (pid > 0 && !postmaster_alive() && kill(static_cast<pid_t>(pid), 0) == 0) {
    if (dead_servers_memory_in_use())
      throw std::runtime_error("backends of the dead server still hold its shared memory");
    fs::remove(pgdata_ / "postmaster.pid");
  }
  pg_ctl("start", true, timeout);
  started_by_us_ = true;
}

void Cluster::start() {
  locate();
  if (!options_.keep_running) lock_data_dir();
  if (!fs::exists(pgdata_ / "PG_VERSION")) initdb();
  prepare_directory(socket_dir_);
  std::string conf = "# Written by brandos at every start; edit postgresql.conf instead.\n";
  conf += "listen_addresses = ''\n";
  conf += "unix_socket_directories = '" + socket_dir_.string() + "'\n";
  conf += "unix_socket_permissions = 0700\n";
  conf += "max_connections = " + std::to_string(options_.max_connections) + "\n";
  conf += "shared_buffers = 128MB\n";
  if (!options_.durable) conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n";
  write_file(pgdata_ / "brandos.conf", conf);
  if (run_as_ && chown((pgdata_ / "brandos.conf").c_str(), run_as_->uid, run_as_->gid) != 0)
    throw std::system_error(errno, std::generic_category(), "chown brandos.conf");

  clear_stale_pid_file();
  const bool start_now = !running();
  if (start_now) pg_ctl("start", true);
  // Started now, or a server of ours that outlived a crashed brandos (adopted): either way we
  // stop it when we stop, unless asked to keep it running.
  started_by_us_ = true;
  // Processes that only attach to a server another process manages (test runs) leave the roles
  // alone: concurrent catalog updates from many of them would conflict.
  if (start_now || !options_.keep_running) bootstrap_roles();
}

void Cluster::stop() {
  if (pgdata_.empty() || !started_by_us_) return;
  started_by_us_ = false;
  pg_ctl("stop", false);
}

std::string Cluster::conninfo(const std::string& user, const std::string& database) const {
  return "host=" + socket_dir_.string() + " port=5432 user=" + user + " dbname=" + database;
}

void Cluster::bootstrap_roles() {
  static const std::regex safe_name("^[a-z_][a-z0-9_]{0,62}$");
  if (!std::regex_match(options_.database, safe_name))
    throw std::runtime_error("database name must be a lowercase identifier: " + options_.database);
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(superuser_conninfo().c_str()),
                                                 &PQfinish);
  if (PQstatus(c.get()) != CONNECTION_OK)
    throw std::runtime_error(std::string("cannot connect to the managed PostgreSQL: ") +
                             PQerrorMessage(c.get()));
  auto run = [&](const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c.get(), sql.c_str()), &PQclear);
    const auto st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
      throw std::runtime_error("bootstrapping the managed PostgreSQL failed: " +
                               std::string(PQerrorMessage(c.get())));
    return PQntuples(r.get());
  };
  run("SET client_min_messages = warning");
  // The owner runs migrations and owns every object; the application role owns nothing and is
  // subject to row-level security (see docs/adr/0004-database-roles.md).
  run(R"sql(DO $$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'brandos_owner') THEN
      CREATE ROLE brandos_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
    END IF;
    -- The owner answers the pre-tenant lookups (SECURITY DEFINER functions) across tenants.
    IF NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = 'brandos_owner') THEN
      ALTER ROLE brandos_owner BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'brandos_app') THEN
      CREATE ROLE brandos_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
        NOINHERIT;
    END IF;
  END$$)sql");
  if (run("SELECT 1 FROM pg_database WHERE datname = '" + options_.database + "'") == 0)
    run("CREATE DATABASE " + options_.database + " OWNER brandos_owner");
  // Every start, not only after CREATE: a crash between the two must not leave them unapplied.
  run("REVOKE ALL ON DATABASE " + options_.database + " FROM PUBLIC");
  run("GRANT CONNECT ON DATABASE " + options_.database + " TO brandos_app");
}

}  // namespace brandos::embedded_pg
