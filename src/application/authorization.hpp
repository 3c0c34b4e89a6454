#pragma once
// The role check every use case makes before it acts (the router checks too; this is the rule
// where it belongs, so a use case reached another way is still guarded).
#include <optional>

#include "application/failure.hpp"
#include "application/operation_context.hpp"
#include "domain/identity/role.hpp"

namespace brandos::application {

// forbidden when the acting user's role lacks `p`; nullopt when it has it.
inline std::optional<Failure> lacks(const OperationContext& ctx, domain::Permission p) {
  if (domain::has_permission(ctx.actor().role, p)) return std::nullopt;
  return failures::forbidden();
}

}  // namespace brandos::application
