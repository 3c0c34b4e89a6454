#pragma once
// Port: the tenant's append-only audit log, on a unit of work: an entry commits together with
// the change it records, or not at all.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "application/failure.hpp"
#include "application/identity/principal.hpp"

namespace brandos::application {

struct AuditEntry {
  std::string action;  // "auth.login", "user.created", "security.role_escalation_denied"...
  std::optional<domain::Uuid> actor_user_id;
  std::string target_type;
  std::string target_id;
  RequestOrigin origin;
  std::string outcome = "success";  // success | failure | denied
  std::string details_json = "{}";
};

struct AuditRecord {
  domain::Uuid id;
  std::string occurred_at;
  std::optional<std::string> actor_user_id;
  std::string action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> ip;
  std::optional<std::string> request_id;
  std::string outcome;
  std::string details_json;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Queued; written with the unit of work's next round trip or its commit.
  virtual void append(const AuditEntry& entry) = 0;
  // Newest first; `after` is the last id of the previous page.
  [[nodiscard]] virtual boost::asio::awaitable<Outcome<std::vector<AuditRecord>>> list(
      const std::optional<std::string>& action, const std::optional<domain::Uuid>& after,
      int limit) = 0;
};

}  // namespace brandos::application
