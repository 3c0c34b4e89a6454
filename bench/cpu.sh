# CPU time from /proc, for per-request figures in the benchmarks (sourced by run.sh and
# reference/pg-limit.sh). Clock ticks; ticks_per_unit_us turns a difference into microseconds
# per unit of work.

# utime + stime of one process.
process_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# A PostgreSQL cluster's CPU: the postmaster, its live children (backends, walwriter,
# checkpointer…) and, through cutime + cstime, the children that already exited.
cluster_cpu_ticks() {
  local pm=$1 total children c
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
  children=$(pgrep -P "$pm" || true)
  for c in $children; do total=$((total + $(process_cpu_ticks "$c"))); done
  echo "$total"
}

ticks_per_unit_us() {  # before after units
  awk -v b="$1" -v a="$2" -v n="$3" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { if (n > 0) printf "%.0f", (a - b) * 1000000 / hz / n; else print "-" }'
}
