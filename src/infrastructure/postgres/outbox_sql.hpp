#pragma once
// The outbox's insert (a header, so bench/order_create.sql can be checked against it).
#include "infrastructure/postgres/query.hpp"

namespace brandos::pg::outbox_sql {

inline constexpr Query kInsertOutbox{"outbox.insert", R"sql(
INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id,
                                   aggregate_version, data, traceparent)
VALUES ($1, brandos.current_tenant_id(), $2, $3, $4, $5, $6, $7))sql"};

// Many events in one statement (a batch of orders).
inline constexpr Query kInsertOutboxMany{"outbox.insert_many", R"sql(
INSERT INTO brandos.outbox_events (id, tenant_id, type, aggregate_type, aggregate_id,
                                   aggregate_version, data, traceparent)
SELECT r.id, brandos.current_tenant_id(), r.type, r.aggregate_type, r.aggregate_id,
       r.aggregate_version, r.data::jsonb, r.traceparent
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::integer[], $6::text[],
            $7::text[])
     AS r(id, type, aggregate_type, aggregate_id, aggregate_version, data, traceparent))sql"};

}  // namespace brandos::pg::outbox_sql
