#include "infrastructure/embedded_pg/child_process.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace brandos::embedded_pg {

std::optional<SystemUser> find_system_user(const std::string& name) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return std::nullopt;
  return SystemUser{name, pw.pw_uid, pw.pw_gid};
}

namespace {

// The user's groups, looked up before fork(): the child of a multi-threaded process must not
// call into NSS (initgroups), whose locks another thread may have held at the fork.
std::vector<gid_t> groups_of(const SystemUser& u) {
  int n = 32;
  std::vector<gid_t> groups(static_cast<std::size_t>(n));
  while (getgrouplist(u.name.c_str(), u.gid, groups.data(), &n) < 0)
    groups.resize(static_cast<std::size_t>(n));
  groups.resize(static_cast<std::size_t>(n));
  return groups;
}

bool drop_privileges(const SystemUser& u, const std::vector<gid_t>& groups) {
  return setgroups(groups.size(), groups.data()) == 0 && setgid(u.gid) == 0 && setuid(u.uid) == 0;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace

int run_program(const std::vector<std::string>& argv, const std::optional<SystemUser>& as,
                const std::filesystem::path& output_log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string log = output_log.string();
  const std::vector<gid_t> groups = as ? groups_of(*as) : std::vector<gid_t>{};
  const pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (as && !drop_privileges(*as, groups)) _exit(126);
    // A new session: a Ctrl-C meant for brandos must not reach the database server directly;
    // brandos stops it in order, after the requests that still need it.
    setsid();
    execvp(args[0], args.data());
    _exit(127);
  }
  return wait_for(pid);
}

bool user_can_reach(const SystemUser& user, const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::vector<gid_t> groups = groups_of(user);
  const pid_t pid = fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
  if (pid == 0) {
    if (!drop_privileges(user, groups)) _exit(2);
    _exit(access(d.c_str(), X_OK) == 0 ? 0 : 1);
  }
  return wait_for(pid) == 0;
}

std::string tail_of(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace brandos::embedded_pg
