#pragma once
// Runs a program to completion, optionally as another system user, with its output appended to a
// log file. Used only at start-up and shutdown (initdb, pg_ctl), never on a request path.
#include <sys/types.h>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace brandos::embedded_pg {

struct SystemUser {
  std::string name;
  uid_t uid;
  gid_t gid;
};

std::optional<SystemUser> find_system_user(const std::string& name);

// Returns the exit status (or 128 + signal). Throws std::system_error when it cannot fork/exec.
int run_program(const std::vector<std::string>& argv, const std::optional<SystemUser>& as,
                const std::filesystem::path& output_log);

// True when `user` can traverse into `dir` (checked in a child that takes the user's identity,
// so ACLs and group memberships count exactly as they will for the server).
bool user_can_reach(const SystemUser& user, const std::filesystem::path& dir);

// The last `max_bytes` of a file, for error messages.
std::string tail_of(const std::filesystem::path& file, std::size_t max_bytes = 2000);

}  // namespace brandos::embedded_pg
