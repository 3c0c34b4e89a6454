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
  --db-pool-size $((conns / threads)) --threads $threads >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
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

rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$server_pid/status)
echo "brandos RSS after load: $((rss_kb / 1024)) MiB"
