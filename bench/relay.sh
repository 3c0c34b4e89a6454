#!/usr/bin/env bash
# Relay benchmark (issue 11): the outbox relay with RabbitMQ, on loopback, bounded in time.
#   1. The broker's limit: persistent 900-byte messages published in batches of 500 with
#      confirms, as fast as they go (build/relay_bench baseline).
#   2. Steady load: orders at 500/s (a schedule, not a flood) through `brandos serve`, whose relay
#      publishes each order.created; commit-to-confirm p50/p99 from the relay's histogram, and
#      commit-to-delivery from a queue bound to order.created. Goal: commit-to-confirm p99 < 50 ms.
#   3. Relay throughput: the relay stopped (jobs off) while orders pile up in the outbox, then a
#      `brandos worker` drains them: events per second, and its ratio to the broker's limit.
# Usage: bench/relay.sh [seconds per phase (default 10)] [orders/s (default 500)]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rate=${2:-500}

scripts/setup.sh >/dev/null
scripts/build.sh >/dev/null

work=$(mktemp -d /tmp/brandos-relay-bench.XXXXXX)
chmod 755 "$work"
pids=()
broker_pgid=""
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  [ -n "$broker_pgid" ] && kill -TERM -- "-$broker_pgid" 2>/dev/null || true
  sleep 1
  [ -n "$broker_pgid" ] && kill -KILL -- "-$broker_pgid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
amqp_port=$(free_port)
dist_port=$(free_port)
mkdir -p "$work/rabbit"
echo "[]." >"$work/rabbit/enabled_plugins"
printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' "$amqp_port" >"$work/rabbit/rabbitmq.conf"
setsid env HOME="$work/rabbit" RABBITMQ_NODENAME="brandos-bench-$amqp_port@localhost" \
  RABBITMQ_MNESIA_BASE="$work/rabbit/mnesia" RABBITMQ_LOG_BASE="$work/rabbit/log" \
  RABBITMQ_CONFIG_FILE="$work/rabbit/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$work/rabbit/enabled_plugins" \
  RABBITMQ_DIST_PORT="$dist_port" ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  /usr/lib/rabbitmq/bin/rabbitmq-server >"$work/rabbit/out.log" 2>&1 &
broker_pgid=$!
for _ in $(seq 1 900); do
  (exec 3<>"/dev/tcp/127.0.0.1/$amqp_port") 2>/dev/null && break
  sleep 0.1
done
sleep 1
amqp_url="amqp://guest:guest@127.0.0.1:$amqp_port/"

echo "== broker limit: persistent messages, confirmed in batches of 500 (${secs}s)"
baseline=$(build/relay_bench baseline "$amqp_port" "$secs" | awk '/baseline_msgs_per_s/ {print $2}')
echo "   $baseline msgs/s"

port=$(free_port)
admin=$(free_port)
build/brandos serve --data-dir "$work/data" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" \
  --threads 2 --amqp-url "$amqp_url" --tenant-requests-per-minute 10000000 \
  --access-log false >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
h=http://127.0.0.1:$port
curl -sf -XPOST "$h/v1/tenants" -H 'content-type: application/json' \
  -d '{"name":"Bench","slug":"bench","owner":{"email":"o@bench.test","password":"violet harbour tangent 42","name":"O"}}' >/dev/null
token=$(curl -sf -XPOST "$h/v1/auth/login" -H 'content-type: application/json' \
  -d '{"tenant":"bench","email":"o@bench.test","password":"violet harbour tangent 42"}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["access_token"])')
product=$(curl -sf -XPOST "$h/v1/products" -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"sku":"B1","name":"B","price":1000,"currency":"EUR","stock":100000000}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["id"])')

# Percentiles of a Prometheus histogram from /metrics, interpolated within buckets (ms).
histogram_ms() {  # metric quantile
  curl -sf "http://127.0.0.1:$admin/metrics" | awk -v m="$1" -v q="$2" '
    $1 ~ "^"m"_bucket" { match($1, /le="[^"]*"/); le = substr($1, RSTART+4, RLENGTH-5);
                         n++; les[n] = (le == "+Inf" ? 1e9 : le); cnt[n] = $2 }
    END { total = cnt[n]; if (total == 0) { print "-"; exit }
          target = q * total; prev_le = 0; prev_c = 0
          for (i = 1; i <= n; i++) { if (cnt[i] >= target) {
              f = (cnt[i] == prev_c) ? 0 : (target - prev_c) / (cnt[i] - prev_c)
              printf "%.1f", (prev_le + f * (les[i] - prev_le)) * 1000; exit }
            prev_le = les[i]; prev_c = cnt[i] } }'
}

# shellcheck source=cpu.sh
. bench/cpu.sh
sock=$(grep -o '"cluster_dir":"[^"]*"' "$work/server.log" | head -1 | sed 's/.*:"\(.*\)"/\1/')/run
postmaster=$(head -1 "$(dirname "$sock")/postgres/postmaster.pid")
beam=$(pgrep -g "$broker_pgid" beam.smp | head -1)
echo "== steady load: $rate orders/s for ${secs}s, relay publishing to RabbitMQ"
b0=$(process_cpu_ticks "${pids[0]}"); p0=$(cluster_cpu_ticks "$postmaster"); r0=$(process_cpu_ticks "$beam")
load=$(build/relay_bench load "$port" "$token" "$product" "$rate" "$secs" "$amqp_port")
b1=$(process_cpu_ticks "${pids[0]}"); p1=$(cluster_cpu_ticks "$postmaster"); r1=$(process_cpu_ticks "$beam")
echo "$load" | sed 's/^/   /'
orders=$(awk '/orders_ok/ {print $2}' <<<"$load")
echo "   CPU per order: brandos $(ticks_per_unit_us "$b0" "$b1" "$orders") us, PostgreSQL $(ticks_per_unit_us "$p0" "$p1" "$orders") us, RabbitMQ $(ticks_per_unit_us "$r0" "$r1" "$orders") us (2 cores: $((2000000 / rate)) us of CPU per order at this rate)"
p50=$(histogram_ms events_commit_to_confirm_seconds 0.5)
p99=$(histogram_ms events_commit_to_confirm_seconds 0.99)
echo "   commit_to_confirm_p50_ms $p50 (relay histogram)"
echo "   commit_to_confirm_p99_ms $p99 (relay histogram; goal < 50)"

echo "== relay throughput: outbox filled with the relay stopped, then drained by a worker"
kill -TERM "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
build/brandos serve --data-dir "$work/data" --listen "127.0.0.1:$port" --admin-listen "127.0.0.1:$admin" \
  --threads 2 --amqp-url "$amqp_url" --jobs off --tenant-requests-per-minute 10000000 \
  --access-log false >"$work/server2.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
token=$(curl -sf -XPOST "$h/v1/auth/login" -H 'content-type: application/json' \
  -d '{"tenant":"bench","email":"o@bench.test","password":"violet harbour tangent 42"}' |
  python3 -c 'import sys,json;print(json.load(sys.stdin)["access_token"])')
sock=$(grep -o '"cluster_dir":"[^"]*"' "$work/server2.log" | head -1 | sed 's/.*:"\(.*\)"/\1/')/run
psql=$(ls -d /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)
unpublished() { "$psql" -h "$sock" -U brandos_owner -d brandos -Atc \
  "SELECT count(*) FROM brandos.outbox_events WHERE published_at IS NULL"; }
build/relay_bench load "$port" "$token" "$product" 1500 "$secs" "$amqp_port" >/dev/null
backlog=$(unpublished)
build/brandos worker --admin-listen 127.0.0.1:0 --threads 1 --amqp-url "$amqp_url" \
  --database-url "host=$sock user=brandos_app dbname=brandos" \
  --migration-database-url "host=$sock user=brandos_owner dbname=brandos" \
  --access-log false >"$work/worker.log" 2>&1 &
pids+=($!)
# Timed from the first event the worker publishes (its start-up and lease are not the relay's).
for _ in $(seq 1 6000); do
  first=$(unpublished)
  [ "$first" -lt "$backlog" ] && break
  sleep 0.02
done
start=$(date +%s.%N)
for _ in $(seq 1 6000); do
  [ "$(unpublished)" = "0" ] && break
  sleep 0.05
done
end=$(date +%s.%N)
left=$(unpublished)
rate_out=$(awk -v n="$first" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
echo "   backlog $backlog events; the last $first drained in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s (left $left): $rate_out events/s, consumers applying them alongside"
echo "   ratio to the broker's limit: $(awk -v r="$rate_out" -v b="$baseline" 'BEGIN { printf "%.2f", r / b }')"
