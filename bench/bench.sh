#!/usr/bin/env bash
# Throughput and latency of the service with SigV4, measured with wrk against a
# release build on loopback. Prints one line per scenario: requests/s, p50, p99.
#
# usage: bench/bench.sh [DURATION (default 15s)] [CONNECTIONS (default 64)]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
connections=${2:-64}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/setup.sh >/dev/null
swift build -c release --product kms >/dev/null

work=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
.build/release/kms server --listen "127.0.0.1:$port" --data-dir "$work/data" --log-level warning >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  .venv/bin/python -c "import urllib.request; urllib.request.urlopen('$endpoint/v1/health', timeout=1)" 2>/dev/null && break
  sleep 0.1
done

export KMS_ENDPOINT=$endpoint KMS_CREDENTIALS_FILE="$work/data/admin.credentials"
arn=$(.build/release/kms keys create --description bench --output json | .venv/bin/python -c 'import json,sys; print(json.load(sys.stdin)["keyMetadata"]["arn"])')
.venv/bin/python bench/sign.py "$endpoint" "$KMS_CREDENTIALS_FILE" "$arn" "$work"

run() {  # name, wrk args...
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@")
  local p50 p99 errors  # rps stays global: the ratio below reads it
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-34s %10s req/s   p50 %-9s p99 %-9s %s\n' "$name" "$rps" "$p50" "$p99" "${errors:+non-2xx: $errors}"
}

echo "kms bench: $connections connections, $duration per scenario, $(nproc) cores (wrk included)"
run "GET /v1/health (no auth)" "$endpoint/v1/health"; health=$rps
run "REST GenerateDataKey (SigV4)" -s "$work/rest-datakey.lua" "$endpoint/v1/datakey"; gdk=$rps
run "AWS GenerateDataKey (SigV4)" -s "$work/aws-datakey.lua" "$endpoint/"
run "REST Encrypt 32 B (SigV4)" -s "$work/rest-encrypt.lua" "$endpoint/v1/encrypt"
# The issues' target: REST GenerateDataKey (SigV4, audit on) / bare health, same server, same run.
awk -v g="$gdk" -v h="$health" 'BEGIN { printf "REST GenerateDataKey / health: %.2fx\n", g / h }'
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
