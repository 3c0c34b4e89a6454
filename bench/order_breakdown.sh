#!/usr/bin/env bash
# Where an order's database time goes (issue 8: "measure which"): pgbench variants of the
# service's order transaction on a fresh self-managed cluster, 32 clients, 10 s each, with the
# cluster's CPU per order. Usage: bench/order_breakdown.sh (after scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/cpu.sh
work=$(mktemp -d /tmp/brandos-breakdown.XXXXXX); chmod 755 "$work"
build/brandos serve --data-dir "$work/data" --listen 127.0.0.1:18090 --admin-listen 127.0.0.1:19490 --threads 2 >"$work/log" 2>&1 &
pid=$!
trap 'kill -TERM $pid; wait $pid; rm -rf $work' EXIT
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:18090/health/ready >/dev/null 2>&1 && break; sleep 0.1; done
sock=$(grep -o '"cluster_dir":"[^"]*"' "$work/log" | head -1 | sed 's/.*:"\(.*\)"/\1/')/run
pm=$(head -1 "$(dirname "$sock")/postgres/postmaster.pid")
pw="violet harbour tangent 42"
curl -sf -X POST http://127.0.0.1:18090/v1/tenants -H 'Content-Type: application/json' -d "{\"name\":\"E\",\"slug\":\"exp\",\"owner\":{\"email\":\"o@exp.test\",\"password\":\"$pw\",\"name\":\"O\"}}" >/dev/null
tok=$(curl -sf -X POST http://127.0.0.1:18090/v1/auth/login -H 'Content-Type: application/json' -d "{\"tenant\":\"exp\",\"email\":\"o@exp.test\",\"password\":\"$pw\"}" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
me=$(curl -sf http://127.0.0.1:18090/v1/me -H "Authorization: Bearer $tok")
tenant=$(sed 's/.*"tenant":{"id":"\([^"]*\)".*/\1/' <<<"$me"); user=$(sed 's/.*"user":{"id":"\([^"]*\)".*/\1/' <<<"$me")
ids=""
for i in $(seq 0 299); do
  id=$(curl -sf -X POST http://127.0.0.1:18090/v1/products -H 'Content-Type: application/json' -H "Authorization: Bearer $tok" \
    -d "{\"sku\":\"E-$i\",\"name\":\"E $i\",\"price\":1000,\"currency\":\"EUR\",\"stock\":1000000000}" | sed 's/.*"id":"\([^"]*\)".*/\1/')
  ids="$ids $id"
done
read -r -a arr <<<"$ids"
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
# One script per spread triple, like the bench.
make_scripts() {  # variant-file prefix
  for t in $(seq 0 9); do
    triple="${arr[$t]},${arr[$((100 + t))]},${arr[$((200 + t))]}"
    sed "s/:pids/'{$triple}'/g" "$1" >"$work/$2_$t.sql"
  done
}
run() {  # label prefix role
  local f=() before after out
  for s in "$work/$2"_*.sql; do f+=(-f "$s"); done
  before=$(cluster_cpu_ticks "$pm")
  out=$("$pgbench" -h "$sock" -U "$3" -d brandos -n -M prepared "${f[@]}" -D tenant="$tenant" -D user="$user" -c 32 -j 2 -T 10 2>&1) || { grep -m3 -i error <<<"$out"; return; }
  after=$(cluster_cpu_ticks "$pm")
  tps=$(awk '/^tps/ {printf "%.0f", $3}' <<<"$out")
  n=$(awk '/number of transactions actually processed/{print $NF}' <<<"$out" | cut -d/ -f1)
  printf '%-58s %6s tps  %6s us DB CPU per order\n' "$1" "$tps" "$(ticks_per_unit_us "$before" "$after" "$n")"
}
# V1: the service's statements for one order, one by one (bench/order_create.sql).
make_scripts bench/order_create.sql v1
# V2: the same transaction pipelined, as the service sends it.
awk '/^BEGIN;/{print "\\startpipeline"} {print} /^COMMIT;/{print "\\endpipeline"}' bench/order_create.sql >"$work/v2.src"
make_scripts "$work/v2.src" v2
run "V1 service statements, one by one (app role, RLS)" v1 brandos_app
run "V2 the same transaction, pipelined" v2 brandos_app
run "V3 = V2 as the owner role (row-level security bypassed)" v2 brandos_owner
# V4/V5: what the order path's foreign keys cost. Every inserted row's foreign key fires a check
# that key-share locks the parent row. (Migration 0009 dropped the tenant keys of the order
# tables after V2/V4 here: V4 re-adds them to show what they cost.)
psql=$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)
sql() { "$psql" -h "$sock" -U brandos_owner -d brandos -qAtc "$1"; }
for t in orders order_items order_events outbox_events idempotency_keys; do
  sql "ALTER TABLE brandos.$t ADD CONSTRAINT ${t}_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES brandos.tenants (id)"
done
run "V4 = V2 with tenant foreign keys on the order tables" v2 brandos_app
for t in orders order_items order_events outbox_events idempotency_keys; do
  sql "ALTER TABLE brandos.$t DROP CONSTRAINT ${t}_tenant_id_fkey"
done
sql "ALTER TABLE brandos.order_items DROP CONSTRAINT order_items_product_id_fkey"
run "V5 = V2 without the item -> product foreign key" v2 brandos_app
sql "ALTER TABLE brandos.order_items DROP CONSTRAINT order_items_order_id_fkey"
sql "ALTER TABLE brandos.order_events DROP CONSTRAINT order_events_order_id_fkey"
run "V6 = V5 without any foreign key on the order tables" v2 brandos_app
sql "DROP INDEX brandos.orders_by_status; DROP INDEX brandos.idempotency_keys_age; DROP INDEX brandos.outbox_events_by_aggregate"
run "V7 = V6 without three secondary indexes (by status, key age, events by aggregate)" v2 brandos_app
