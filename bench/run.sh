#!/usr/bin/env bash
# Load benchmark: brandos under wrk next to pgbench running the same SQL at the same
# concurrency, measured in one run on this machine, with the ratio. Bounded in time; loopback
# only. Usage: bench/run.sh [seconds per measurement (default 10)] [connections (default 32)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
conns=${2:-32}
threads=2

scripts/setup.sh >/dev/null
scripts/build.sh >/dev/null

# The SQL the service runs must be the SQL the baseline runs.
probe_sql=$(grep -o 'kSql = "[^"]*"' src/infrastructure/postgres/database_probe.hpp | sed 's/kSql = "\(.*\)"/\1/')
bench_sql=$(grep -v '^--' bench/ready.sql | tr -d '\n')
if [ "$probe_sql" != "$bench_sql" ]; then
  echo "bench/ready.sql ($bench_sql) differs from DatabaseProbe::kSql ($probe_sql)" >&2
  exit 1
fi

work=$(mktemp -d /tmp/brandos-bench.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=18080
admin=19464
build/brandos serve --data-dir "$work/data" --listen 127.0.0.1:$port --admin-listen 127.0.0.1:$admin \
  ${BENCH_POOL_SIZE:+--db-pool-size $BENCH_POOL_SIZE} --threads $threads --login-attempts-per-minute-per-ip 1000000 \
  --tenant-requests-per-minute 1000000 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
if ! curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; then
  echo "brandos did not become ready:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
sock=$(grep -o '"cluster_dir":"[^"]*"' "$work/server.log" | head -1 | sed 's/.*:"\(.*\)"/\1/')/run
pgbench=$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)

# wrk prints "Requests/sec" and, with --latency, the 50% and 99% lines (in us, ms or s).
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}'; }
run_wrk() {
  local path=$1 out
  curl -sf "http://127.0.0.1:$port$path" >/dev/null  # warm the connections
  out=$(wrk -t$threads -c$conns -d"${secs}s" --latency "http://127.0.0.1:$port$path")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  avg=$(awk '$1=="Latency" {print $2; exit}' <<<"$out" | to_ms)
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
}
# pgbench's own average latency. (Its per-transaction log is not used for percentiles: pgbench
# reads the clock once per loop over its clients, so most entries in that log read 0 us.)
run_pgbench() {
  local sql=$1
  "$pgbench" -h "$sock" -U brandos_app -d brandos -n -M prepared -f "$sql" \
    -c "$conns" -j $threads -T "$secs" >"$work/pgbench.out" 2>&1
  tps=$(awk '/^tps/ {printf "%.0f", $3}' "$work/pgbench.out")
  pgavg=$(awk '/^latency average/ {printf "%.2f", $4}' "$work/pgbench.out")
}

echo "BrandOS load benchmark: ${secs}s per run, $conns connections, $threads wrk/pgbench threads, $(nproc) cores"
row() { printf '%-30s %10s %8s %8s %8s\n' "$@"; }
row "measurement" "req/s" "avg ms" "p50 ms" "p99 ms"

run_wrk /health/live
row "brandos GET /health/live" "$rps" "$avg" "$p50" "$p99"

run_pgbench bench/ready.sql
row "pgbench SELECT 1 (baseline)" "$tps" "$pgavg" "-" "-"
run_wrk /health/ready
row "brandos GET /health/ready" "$rps" "$avg" "$p50" "$p99"

ratio=$(awk -v a="$rps" -v b="$tps" 'BEGIN {printf "%.2f", a/b}')
echo "ratio ready/pgbench: $ratio (goal >= 0.80)"

# Logins of 32 users at once (Argon2id, ~19 MiB and tens of ms each) must not stall the I/O
# threads: /health/live keeps its p99 under 50 ms while they run.
password="violet harbour tangent 42"
tenant="bench"
curl -sf -X POST "http://127.0.0.1:$port/v1/tenants" -H 'Content-Type: application/json' \
  -d "{\"name\":\"Bench\",\"slug\":\"$tenant\",\"owner\":{\"email\":\"owner@$tenant.test\",\"password\":\"$password\",\"name\":\"Owner\"}}" >/dev/null
owner_token=$(curl -sf -X POST "http://127.0.0.1:$port/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"tenant\":\"$tenant\",\"email\":\"owner@$tenant.test\",\"password\":\"$password\"}" |
  sed 's/.*"access_token":"\([^"]*\)".*/\1/')
for i in $(seq 0 31); do
  curl -sf -X POST "http://127.0.0.1:$port/v1/users" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $owner_token" \
    -d "{\"email\":\"user$i@$tenant.test\",\"name\":\"User $i\",\"password\":\"$password\",\"role\":\"staff\"}" >/dev/null
done
BENCH_TENANT=$tenant BENCH_PASSWORD=$password BENCH_USERS=32 \
  wrk -t1 -c32 -d"${secs}s" --latency -s bench/login.lua "http://127.0.0.1:$port" >"$work/login.out" &
login_pid=$!
sleep 1
live_out=$(wrk -t1 -c4 -d"$((secs - 2))s" --latency "http://127.0.0.1:$port/health/live")
wait $login_pid
login_rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/login.out")
login_p99=$(awk '$1=="99%" {print $2}' "$work/login.out" | to_ms)
login_non2xx=$(awk '/Non-2xx/ {print $5}' "$work/login.out")
live_p99=$(awk '$1=="99%" {print $2}' <<<"$live_out" | to_ms)
live_rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$live_out")
row "POST /v1/auth/login (32 users)" "$login_rps" "-" "-" "$login_p99"
row "GET /health/live during logins" "$live_rps" "-" "-" "$live_p99"
echo "login errors (non-2xx): ${login_non2xx:-0}; live p99 during logins: $live_p99 ms (goal < 50)"

# Orders: POST /v1/orders (3 items, unique Idempotency-Keys) and GET /v1/orders/{id}, each next
# to pgbench running the service's statements (bench/order_*.sql) at the same concurrency.
tenant_id=$(curl -sf "http://127.0.0.1:$port/v1/me" -H "Authorization: Bearer $owner_token" |
  sed 's/.*"tenant":{"id":"\([^"]*\)".*/\1/')
user_id=$(curl -sf "http://127.0.0.1:$port/v1/me" -H "Authorization: Bearer $owner_token" |
  sed 's/.*"user":{"id":"\([^"]*\)".*/\1/')
# 30 products in 10 triples: each order takes one triple, so concurrent orders mostly lock
# different rows, as real traffic over a catalog does.
triples=""
pids=""
for t in $(seq 0 9); do
  triple=""
  for i in 1 2 3; do
    pid=$(curl -sf -X POST "http://127.0.0.1:$port/v1/products" -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $owner_token" \
      -d "{\"sku\":\"BENCH-$t-$i\",\"name\":\"Bench $t $i\",\"price\":1000,\"currency\":\"EUR\",\"stock\":1000000000}" |
      sed 's/.*"id":"\([^"]*\)".*/\1/')
    triple="$triple${triple:+,}$pid"
  done
  triples="$triples${triples:+;}$triple"
  sed "s/:pids/'{$triple}'/g" bench/order_create.sql >"$work/order_create_$t.sql"
  [ -z "$pids" ] && pids=$triple
done
order_id=$(curl -sf -X POST "http://127.0.0.1:$port/v1/orders" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $owner_token" -H "Idempotency-Key: bench-seed" \
  -d "{\"items\":[{\"product_id\":\"${pids%%,*}\",\"quantity\":1}]}" | sed 's/.*"id":"\([^"]*\)","status".*/\1/')
pg_vars=(-D tenant="$tenant_id" -D user="$user_id" -D oid="$order_id")

run_wrk_script() {
  local script=$1 out
  out=$(BENCH_TOKEN=$owner_token BENCH_TRIPLES=$triples BENCH_ORDER=$order_id \
    wrk -t$threads -c$conns -d"${secs}s" --latency -s "$script" "http://127.0.0.1:$port")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  avg=$(awk '$1=="Latency" {print $2; exit}' <<<"$out" | to_ms)
  p50=$(awk '$1=="50%" {print $2}' <<<"$out" | to_ms)
  p99=$(awk '$1=="99%" {print $2}' <<<"$out" | to_ms)
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
}
run_pgbench_vars() {
  local scripts=()
  for f in "$@"; do scripts+=(-f "$f"); done
  "$pgbench" -h "$sock" -U brandos_app -d brandos -n -M prepared "${scripts[@]}" "${pg_vars[@]}" \
    -c "$conns" -j $threads -T "$secs" >"$work/pgbench.out" 2>&1 || { cat "$work/pgbench.out" >&2; exit 1; }
  tps=$(awk '/^tps/ {printf "%.0f", $3}' "$work/pgbench.out")
  pgavg=$(awk '/^latency average/ {printf "%.2f", $4}' "$work/pgbench.out")
}

run_pgbench_vars "$work"/order_create_*.sql
row "pgbench order create (baseline)" "$tps" "$pgavg" "-" "-"
run_wrk_script bench/order_create.lua
row "brandos POST /v1/orders" "$rps" "$avg" "$p50" "$p99"
echo "order create ratio: $(awk -v a="$rps" -v b="$tps" 'BEGIN {printf "%.2f", a/b}') (goal >= 0.80, p99 < 50 ms); non-2xx: ${non2xx:-0}"
rss_orders_kb=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)
run_pgbench_vars bench/order_get.sql
row "pgbench order read (baseline)" "$tps" "$pgavg" "-" "-"
run_wrk_script bench/order_get.lua
row "brandos GET /v1/orders/{id}" "$rps" "$avg" "$p50" "$p99"
echo "order read ratio: $(awk -v a="$rps" -v b="$tps" 'BEGIN {printf "%.2f", a/b}') (goal >= 0.80); non-2xx: ${non2xx:-0}"
echo "brandos RSS under order load: $((rss_orders_kb / 1024)) MiB (goal < 100)"

rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)
echo "brandos RSS after load: $((rss_kb / 1024)) MiB"
