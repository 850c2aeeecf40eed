#!/usr/bin/env bash
# Where a request's CPU goes: runs a release server under wrk (64 connections),
# first GET /v1/health and then signed REST GenerateDataKey, prints each one's
# server CPU per request (user+system, from /proc), and records the second with
# perf to print the busiest async jobs and functions (bench/profile.py); the
# sampling adds a few percent to that second figure.
#
# usage: bench/profile.sh [DURATION (default 10s)]     (needs perf: apt-get install linux-perf)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10s}
connections=64
command -v perf >/dev/null || { echo "profile.sh needs perf (Debian: linux-perf)"; exit 1; }
source bench/serve.sh

run "GET /v1/health" "$endpoint/v1/health"
perf record -F 1999 -e cpu-clock -g -p "$server" -o "$work/perf.data" -- sleep 5 >/dev/null 2>&1 &
recorder=$!
run "REST GenerateDataKey (SigV4)" -s "$work/rest-datakey.lua" "$endpoint/v1/datakey"
wait $recorder
perf script -i "$work/perf.data" 2>/dev/null | swift demangle --simplified | .venv/bin/python bench/profile.py
