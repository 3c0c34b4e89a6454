#include "domain/identity/role.hpp"

namespace brandos::domain {

std::optional<Role> parse_role(std::string_view t) {
  if (t == "owner") return Role::owner;
  if (t == "admin") return Role::admin;
  if (t == "manager") return Role::manager;
  if (t == "staff") return Role::staff;
  if (t == "viewer") return Role::viewer;
  return std::nullopt;
}

const char* to_string(Role r) {
  switch (r) {
    case Role::owner:
      return "owner";
    case Role::admin:
      return "admin";
    case Role::manager:
      return "manager";
    case Role::staff:
      return "staff";
    case Role::viewer:
      return "viewer";
  }
  return "viewer";
}

namespace {
struct PermissionInfo {
  Permission permission;
  const char* name;
  Role minimum;
};
constexpr PermissionInfo kPermissions[] = {
    {Permission::products_read, "products:read", Role::viewer},
    {Permission::customers_read, "customers:read", Role::viewer},
    {Permission::orders_read, "orders:read", Role::viewer},
    {Permission::payments_read, "payments:read", Role::viewer},
    {Permission::customers_write, "customers:write", Role::staff},
    {Permission::orders_write, "orders:write", Role::staff},
    {Permission::payments_write, "payments:write", Role::staff},
    {Permission::products_write, "products:write", Role::manager},
    {Permission::stock_write, "stock:write", Role::manager},
    {Permission::refunds_write, "refunds:write", Role::manager},
    {Permission::users_read, "users:read", Role::manager},
    {Permission::analytics_read, "analytics:read", Role::manager},
    {Permission::users_write, "users:write", Role::admin},
    {Permission::webhooks_write, "webhooks:write", Role::admin},
    {Permission::audit_read, "audit:read", Role::admin},
    {Permission::customers_erase, "customers:erase", Role::admin},
    {Permission::customers_export, "customers:export", Role::admin},
    {Permission::feature_flags_read, "feature_flags:read", Role::admin},
    {Permission::tenant_write, "tenant:write", Role::owner},
};

const PermissionInfo& info(Permission p) {
  for (const auto& i : kPermissions)
    if (i.permission == p) return i;
  return kPermissions[0];
}
}  // namespace

const char* to_string(Permission p) {
  return info(p).name;
}
Role minimum_role(Permission p) {
  return info(p).minimum;
}

std::vector<std::string> permission_names(Role role) {
  std::vector<std::string> out;
  for (const auto& i : kPermissions)
    if (role >= i.minimum) out.emplace_back(i.name);
  return out;
}

}  // namespace brandos::domain
