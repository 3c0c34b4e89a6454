#pragma once
// The unit of work on PostgreSQL: a TenantSession and the repositories, audit log, outbox and
// idempotency records that use it. TenantData opens them on one I/O thread's pool.
//
// Thread-safety: TenantData belongs to one I/O thread (its pool's); a unit of work to one
// coroutine.
#include "application/ports/id_generator.hpp"
#include "application/ports/unit_of_work.hpp"
#include "infrastructure/postgres/outbox_nudge.hpp"
#include "infrastructure/postgres/pool.hpp"

namespace brandos::pg {

class TenantData final : public application::TenantData {
 public:
  // `ids` names the audit rows the unit of work writes.
  // `nudge` (may be null: the relay then finds events by polling) wakes the outbox relay after
  // commits with outbox events.
  TenantData(Pool& pool, application::IdGenerator& ids, OutboxNudge* nudge = nullptr)
      : pool_(pool), ids_(ids), nudge_(nudge) {}
  std::unique_ptr<application::UnitOfWork> begin(
      const application::OperationContext& ctx, application::Access access,
      application::TenantOf tenant = application::TenantOf::context()) override;
  boost::asio::awaitable<application::Outcome<void>> spend_an_audited_commit(
      const application::OperationContext& ctx) override;

 private:
  Pool& pool_;
  application::IdGenerator& ids_;
  OutboxNudge* nudge_;
};

}  // namespace brandos::pg
