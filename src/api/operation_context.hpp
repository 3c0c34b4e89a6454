#pragma once
// The operation context of a request: what the application is told about it (tenant, principal,
// deadline, trace, request id, client address). Built here and nowhere else in the API.
#include <chrono>

#include "api/request_context.hpp"
#include "application/operation_context.hpp"

namespace brandos::api {

// How long a request may keep the database busy, counted from its arrival.
inline constexpr std::chrono::seconds kRequestBudget{30};

// For public routes: no principal, no tenant (the use case resolves it, if it needs one).
application::OperationContext operation_context(const RequestContext& ctx);
// For authenticated routes: the principal's tenant.
application::OperationContext operation_context(const RequestContext& ctx,
                                                const application::Principal& principal);

}  // namespace brandos::api
