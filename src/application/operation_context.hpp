#pragma once
// What every use case and port is told about the operation it serves: in which tenant, for whom,
// until when, and under which trace and request. Built once per request by the API (or per job
// run by the job runner) and passed by const reference as the first argument; nothing below the
// API reads HTTP to learn these things.
//
// Where a statement runs (primary, replica, shard) is decided from this context behind the unit
// of work; the consistency token is how a client's later reads can be made to see its writes.
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "application/identity/principal.hpp"

namespace brandos::application {

// W3C trace context of the operation (empty when the caller sent none).
struct TraceSpan {
  std::string trace_id;  // 32 lowercase hex digits
  std::string span_id;   // 16 lowercase hex digits
};

// The lease a background job acts under: the unit of work checks, in the job's own transaction,
// that `epoch` is still the lease's, so a leader that lost its lease (paused, cut off) cannot
// write (ADR 0015).
struct JobFence {
  std::string job;
  std::int64_t epoch = 0;
};

struct OperationContext {
  // The tenant the operation acts in. Set for authenticated requests and tenant jobs; empty
  // before the tenant is known (sign-up, login, refresh), where the unit of work resolves it.
  std::optional<domain::Uuid> tenant;
  std::optional<Principal> principal;  // who acts; empty for public routes and system jobs
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  TraceSpan trace;
  std::string request_id;
  std::string client_ip;
  std::string consistency_token;  // read-your-writes; empty: none asked for
  std::optional<JobFence> fence;  // set for a leader-elected job's writes

  // The acting user. A use case that needs one is only reachable through an authenticated
  // route (the router enforces it), so its absence is a wiring bug.
  const Principal& actor() const {
    if (!principal) throw std::logic_error("operation has no principal");
    return *principal;
  }
  RequestOrigin origin() const { return {client_ip, request_id}; }

  // The context of an authenticated request.
  static OperationContext of(Principal p) {
    OperationContext c;
    c.tenant = p.tenant_id;
    c.principal = std::move(p);
    return c;
  }
  // A background job acting in one tenant, as no user.
  static OperationContext system(const domain::Uuid& tenant, std::string job) {
    OperationContext c;
    c.tenant = tenant;
    c.request_id = std::move(job);
    return c;
  }
};

}  // namespace brandos::application
