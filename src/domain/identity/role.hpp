#pragma once
// Staff roles and what they may do (API.md "Roles"). Roles are totally ordered; each has the
// permissions of every role below it. A user may only manage users whose role is strictly below
// their own, and may never grant a role at or above their own.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace brandos::domain {

enum class Role { viewer = 0, staff = 1, manager = 2, admin = 3, owner = 4 };

std::optional<Role> parse_role(std::string_view text);
const char* to_string(Role role);

enum class Permission {
  products_read,
  customers_read,
  orders_read,
  payments_read,
  customers_write,
  orders_write,
  payments_write,
  products_write,
  stock_write,
  refunds_write,
  users_read,
  analytics_read,
  users_write,
  webhooks_write,
  audit_read,
  customers_erase,
  customers_export,
  feature_flags_read,
  tenant_write,
};

const char* to_string(Permission p);  // "orders:write"
Role minimum_role(Permission p);
inline bool has_permission(Role role, Permission p) {
  return role >= minimum_role(p);
}
// Every permission the role has, in a stable order (GET /v1/me).
std::vector<std::string> permission_names(Role role);

// May `actor` create, change or delete a user who has (or would get) role `target`?
inline bool may_manage_role(Role actor, Role target) {
  return actor > target;
}

}  // namespace brandos::domain
