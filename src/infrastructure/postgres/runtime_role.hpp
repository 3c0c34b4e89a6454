#pragma once
// What the role brandos serves requests as may do beyond its tenant's rows. Row-level security
// confines only a role that is not a superuser, does not have BYPASSRLS and owns no table (an
// owner is exempt from its tables' policies). Pointed at the owner role by mistake, brandos would
// still filter by tenant in its SQL, but the database would no longer enforce it: checked once
// at start-up, with a plain libpq connection.
#include <string>
#include <vector>

namespace brandos::pg {

struct RuntimeRole {
  std::string name;
  bool superuser = false;
  bool bypasses_rls = false;
  std::vector<std::string> owned_tables;  // of the brandos schema, the first few

  // Each way the role escapes row-level security, in words for an operator; empty when none.
  std::vector<std::string> escapes() const;
};

// Connects with `conninfo` and inspects its role. Throws std::runtime_error if it cannot.
RuntimeRole inspect_runtime_role(const std::string& conninfo);

}  // namespace brandos::pg
