#!/usr/bin/env bash
# Builds the libFuzzer targets with clang 16 (ASan + UBSan) and runs each for a bounded time
# (first argument, seconds; default 20) from the committed corpus, merging what adds coverage
# back into it. Fails on any crash.
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache keys relative to the checkout, so a fresh clone elsewhere (CI) reuses the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
seconds=${1:-20}
cmake -S . -B build-fuzz -G Ninja -DBRANDOS_FUZZ=ON -DBRANDOS_TESTS=OFF \
  -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz
for target in http_request json_body credentials access_token broker_message gateway_response \
  observability_inputs \
  payment_body; do
  work=$(mktemp -d)
  cp fuzz/corpus/$target/* "$work/"
  echo "fuzz: $target for ${seconds}s"
  status=0
  build-fuzz/fuzz_$target -max_total_time="$seconds" -max_len=70000 -rss_limit_mb=2048 \
    -print_final_stats=1 "$work" >"$work.log" 2>&1 || status=$?
  grep -E 'stat::number_of_executed_units|stat::new_units_added|ERROR|SUMMARY|Test unit written' "$work.log" || true
  if [ "$status" -ne 0 ]; then tail -50 "$work.log"; fi
  # What this run found that adds coverage joins the corpus in the repository (commit it), so the
  # next run starts where this one ended instead of from the seeds.
  if [ "$status" -eq 0 ]; then
    build-fuzz/fuzz_$target -merge=1 "fuzz/corpus/$target" "$work" >"$work.merge.log" 2>&1 || true
    grep -E 'MERGE-OUTER: [0-9]+ new files' "$work.merge.log" || true
    rm -f "$work.merge.log"
  fi
  rm -f "$work.log"
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then echo "fuzz: $target FAILED"; exit 1; fi
done
echo "fuzz: all targets ran clean"
