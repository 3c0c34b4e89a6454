#!/usr/bin/env bash
# The PostgreSQL limit for an order on this machine (the issue's reference, kept here so the
# benchmark is self-contained): a throw-away PostgreSQL cluster with default settings (fsync and
# synchronous_commit on) on a Unix socket, ref_schema.sql loaded, and pgbench running the least
# work a durable order needs as one pipelined transaction:
#   spread  three products of a 300-product catalog   (ref_order_spread.sql)
#   hot     the same three products for every order   (ref_order_hot.sql)
#   read    one order joined with its items           (ref_read.sql; after the two above)
# The SQL files are the reference's, unchanged; this script runs them as the reference's
# pg-limit.sh does (same settings, clients, -j 1, -M prepared) and also prints the database's CPU
# per transaction (all of the cluster's processes, from /proc).
# Usage: pg-limit.sh [seconds per workload, default 15] [clients, default 32]
# Prints one line per workload: "<name> <tps> tps <cpu_us> us_cpu_per_tx".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-15}; clients=${2:-32}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d); chmod 755 "$dir"; port=$((40000 + RANDOM % 10000))
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; su postgres -c "$*"; else sh -c "$*"; fi; }
cleanup() { as_pg "$pgbin/pg_ctl -D $dir/data -m fast stop" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$pgbin/initdb -D $dir/data -A trust -U postgres >/dev/null && $pgbin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=' -l $dir/log start >/dev/null"
psql -q -h "$dir" -p $port -U postgres -f "$here/ref_schema.sql" >/dev/null
postmaster=$(head -1 "$dir/data/postmaster.pid")
# shellcheck source=../cpu.sh
. "$here/../cpu.sh"
for w in spread hot read; do
  f=$here/ref_order_$w.sql; [ $w = read ] && f=$here/ref_read.sql
  before=$(cluster_cpu_ticks "$postmaster")
  out=$("$pgbin/pgbench" -n -h "$dir" -p $port -U postgres -c "$clients" -j 1 -T "$secs" -M prepared -f "$f" postgres 2>&1)
  after=$(cluster_cpu_ticks "$postmaster")
  tps=$(awk '/^tps/{printf "%.0f", $3}' <<<"$out")
  txs=$(awk '/number of transactions actually processed/{print $NF}' <<<"$out" | cut -d/ -f1)
  echo "$w $tps tps $(ticks_per_unit_us "$before" "$after" "$txs") us_cpu_per_tx"
done
