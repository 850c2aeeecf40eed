#!/usr/bin/env bash
# Throughput and latency of the service with SigV4, measured with wrk against a
# release build on loopback. Prints one line per scenario: requests/s, p50, p99,
# and the server's CPU time per request.
#
# usage: bench/bench.sh [DURATION (default 15s)] [CONNECTIONS (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
connections=${2:-64}

source bench/serve.sh

echo "kms bench: $connections connections, $duration per scenario, $(nproc) cores (wrk included)"
run "GET /v1/health (no auth)" "$endpoint/v1/health"; health=$rps
run "REST GenerateDataKey (SigV4)" -s "$work/rest-datakey.lua" "$endpoint/v1/datakey"; gdk=$rps
run "AWS GenerateDataKey (SigV4)" -s "$work/aws-datakey.lua" "$endpoint/"
run "REST Encrypt 32 B (SigV4)" -s "$work/rest-encrypt.lua" "$endpoint/v1/encrypt"
# The issues' target: REST GenerateDataKey (SigV4, audit on) / bare health, same server, same run.
awk -v g="$gdk" -v h="$health" 'BEGIN { printf "REST GenerateDataKey / health: %.2fx\n", g / h }'
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
