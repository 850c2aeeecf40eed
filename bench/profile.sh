#!/usr/bin/env bash
# Where a request's CPU goes: runs a release server under wrk (64 connections),
# first GET /v1/health and then signed REST GenerateDataKey, prints each one's
# server CPU per request (user+system, from /proc), and records the second with
# perf to print the busiest async jobs and functions (bench/profile.py).
#
# usage: bench/profile.sh [DURATION (default 10s)]     (needs perf: apt-get install linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
command -v perf >/dev/null || { echo "profile.sh needs perf (Debian: linux-perf)"; exit 1; }
source bench/serve.sh

ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }  # utime + stime, in clock ticks
hz=$(getconf CLK_TCK)
run() {  # name, wrk args...
  local name=$1; shift
  local before after out total
  before=$(ticks)
  out=$(wrk -t2 -c64 -d"$duration" "$@")
  after=$(ticks)
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  printf '%-32s %10s req/s   server CPU %6.1f us/request\n' "$name" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk -v t=$((after - before)) -v n="$total" -v hz="$hz" 'BEGIN { print t * 1e6 / hz / n }')"
}
run "GET /v1/health" "$endpoint/v1/health"
perf record -F 1999 -e cpu-clock -g -p "$server" -o "$work/perf.data" -- sleep 5 >/dev/null 2>&1 &
recorder=$!
run "REST GenerateDataKey (SigV4)" -s "$work/rest-datakey.lua" "$endpoint/v1/datakey"
wait $recorder
perf script -i "$work/perf.data" 2>/dev/null | swift demangle --simplified | .venv/bin/python bench/profile.py
