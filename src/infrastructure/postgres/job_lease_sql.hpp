#pragma once
// Statements of the job leases (migration 0013). A header: the unit of work and the job adapters
// fence their writes with the same statement.
#include "application/operation_context.hpp"
#include "infrastructure/postgres/query.hpp"
#include "infrastructure/postgres/statement.hpp"

namespace brandos::pg::job_lease_sql {

inline constexpr Query kTakeLease{"jobs.take_lease",
                                  "SELECT epoch FROM brandos.take_job_lease($1, $2, $3)"};
inline constexpr Query kReleaseLease{"jobs.release_lease",
                                     "SELECT brandos.release_job_lease($1, $2, $3)"};
// Raises SQLSTATE BRL01 unless the epoch is still the lease's; share-locks the lease row to the
// end of the transaction.
inline constexpr Query kHoldLease{"jobs.hold_lease", "SELECT brandos.hold_job_lease($1, $2)"};

inline Statement hold_lease(const application::JobFence& fence) {
  return Statement(kHoldLease, fence.job, fence.epoch);
}

}  // namespace brandos::pg::job_lease_sql
