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

# shellcheck source=cpu.sh
. bench/cpu.sh
# The PostgreSQL limit first, on its own throw-away cluster, before brandos takes the cores.
reference=$(bench/reference/pg-limit.sh "$secs" "$conns")
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
  --tenant-requests-per-minute 1000000 ${BENCH_SERVE_FLAGS:-} >"$work/server.log" 2>&1 &
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
# A benchmark whose requests failed measured the failures: it fails too (at the end, after the
# rest has been measured).
login_failed=0
[ "${login_non2xx:-0}" = 0 ] || { echo "logins: ${login_non2xx} non-2xx responses" >&2; login_failed=1; }

# Orders, each workload measured three ways in this run:
#  - against the PostgreSQL limit: the least work a durable order (or read) needs, as one pipelined
#    transaction on a default-configured cluster (bench/reference/pg-limit.sh, run above);
#  - against pgbench sending the service's own statements one by one (bench/order_*.sql);
#  - by CPU per request of brandos and of its PostgreSQL cluster (from /proc).
tenant_id=$(curl -sf "http://127.0.0.1:$port/v1/me" -H "Authorization: Bearer $owner_token" |
  sed 's/.*"tenant":{"id":"\([^"]*\)".*/\1/')
user_id=$(curl -sf "http://127.0.0.1:$port/v1/me" -H "Authorization: Bearer $owner_token" |
  sed 's/.*"user":{"id":"\([^"]*\)".*/\1/')
# A 300-product catalog in three hundreds, as the reference's: a spread order takes one product
# from each hundred at random; a flash-sale order always takes the first three.
declare -a hundreds=("" "" "")
for h in 0 1 2; do
  for i in $(seq 0 99); do
    pid=$(curl -sf -X POST "http://127.0.0.1:$port/v1/products" -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $owner_token" \
      -d "{\"sku\":\"BENCH-$h-$i\",\"name\":\"Bench $h $i\",\"price\":1000,\"currency\":\"EUR\",\"stock\":1000000000}" |
      sed 's/.*"id":"\([^"]*\)".*/\1/')
    hundreds[$h]="${hundreds[$h]}${hundreds[$h]:+,}$pid"
  done
done
nth() { cut -d, -f"$2" <<<"$1"; }
# The same-statements baseline: ten triples (i, 100 + i, 200 + i).
for t in $(seq 1 10); do
  triple="$(nth "${hundreds[0]}" "$t"),$(nth "${hundreds[1]}" "$t"),$(nth "${hundreds[2]}" "$t")"
  sed "s/:pids/'{$triple}'/g" bench/order_create.sql >"$work/order_create_$t.sql"
done
hot="$(nth "${hundreds[0]}" 1),$(nth "${hundreds[1]}" 1),$(nth "${hundreds[2]}" 1)"
sed "s/:pids/'{$hot}'/g" bench/order_create.sql >"$work/order_create_hot.sql"
order_id=$(curl -sf -X POST "http://127.0.0.1:$port/v1/orders" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $owner_token" -H "Idempotency-Key: bench-seed" \
  -d "{\"items\":[{\"product_id\":\"$(nth "${hundreds[0]}" 1)\",\"quantity\":1}]}" | sed 's/.*"id":"\([^"]*\)","status".*/\1/')
pg_vars=(-D tenant="$tenant_id" -D user="$user_id" -D oid="$order_id")
postmaster=$(head -1 "$(dirname "$sock")/postgres/postmaster.pid" 2>/dev/null ||
  head -1 "$(find "$work/data" -name postmaster.pid | head -1)")

run_wrk_script() {  # script p1-list p2-list p3-list
  local script=$1 out
  out=$(BENCH_RUN=$RANDOM$RANDOM BENCH_TOKEN=$owner_token BENCH_P1=$2 BENCH_P2=$3 BENCH_P3=$4 BENCH_ORDER=$order_id \
    wrk -t$threads -c$conns -d"${secs}s" --latency -s "$script" "http://127.0.0.1:$port")
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
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
# One brandos workload with its CPU per request, its ratio to the limit and to the baseline.
measure() {  # label script p1 p2 p3 reference-name baseline-tps goal
  local label=$1 script=$2 ref_name=$6 baseline=$7 goal=$8 b0 b1 d0 d1 ref_tps ref_cpu
  b0=$(process_cpu_ticks "$server_pid"); d0=$(cluster_cpu_ticks "$postmaster")
  run_wrk_script "$script" "$3" "$4" "$5"
  b1=$(process_cpu_ticks "$server_pid"); d1=$(cluster_cpu_ticks "$postmaster")
  ref_tps=$(awk -v w="$ref_name" '$1==w {print $2}' <<<"$reference")
  ref_cpu=$(awk -v w="$ref_name" '$1==w {print $4}' <<<"$reference")
  row "brandos $label" "$rps" "$avg" "$p50" "$p99"
  echo "  vs the PostgreSQL limit ($ref_name, $ref_tps tps): $(awk -v a="$rps" -v b="$ref_tps" 'BEGIN {printf "%.2f", a/b}') (goal >= $goal); vs same statements: $(awk -v a="$rps" -v b="$baseline" 'BEGIN {printf "%.2f", a/b}'); non-2xx: ${non2xx:-0}"
  echo "  CPU per request: brandos $(ticks_per_unit_us "$b0" "$b1" "$requests") us, PostgreSQL $(ticks_per_unit_us "$d0" "$d1" "$requests") us (limit: $ref_cpu us)"
  [ "${non2xx:-0}" = 0 ] || { echo "$label: ${non2xx} non-2xx responses" >&2; failed=1; }
}
failed=$login_failed

run_pgbench_vars "$work"/order_create_[0-9]*.sql
row "pgbench order create (same statements)" "$tps" "$pgavg" "-" "-"
spread_baseline=$tps
measure "POST /v1/orders (catalog)" bench/order_create.lua "${hundreds[0]}" "${hundreds[1]}" "${hundreds[2]}" spread "$spread_baseline" 0.9
rss_orders_kb=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)

run_pgbench_vars "$work/order_create_hot.sql"
row "pgbench order create hot (same st.)" "$tps" "$pgavg" "-" "-"
measure "POST /v1/orders (flash sale)" bench/order_create.lua "$(nth "${hundreds[0]}" 1)" "$(nth "${hundreds[1]}" 1)" "$(nth "${hundreds[2]}" 1)" hot "$tps" 2

run_pgbench_vars bench/order_get.sql
row "pgbench order read (same statements)" "$tps" "$pgavg" "-" "-"
measure "GET /v1/orders/{id}" bench/order_get.lua "" "" "" read "$tps" 0.7
echo "brandos RSS under order load: $((rss_orders_kb / 1024)) MiB (goal < 100)"

rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)
echo "brandos RSS after load: $((rss_kb / 1024)) MiB"
exit $failed
