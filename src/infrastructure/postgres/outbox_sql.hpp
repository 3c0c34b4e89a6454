#pragma once
// The outbox's insert (a header, so bench/order_create.sql can be checked against it).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::outbox_sql {

inline constexpr Query kInsertOutbox{"outbox.insert", R"sql(
INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id,
                                   aggregate_version, data)
VALUES ($1, brandos.current_tenant_id(), $2, $3, $4, $5, $6))sql"};

}  // namespace brandos::pg::outbox_sql
