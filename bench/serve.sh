# Sourced by bench.sh and profile.sh: builds the release server, starts it on a
# free loopback port with a fresh data directory (stopped and removed on exit),
# creates a key and writes wrk scripts with pre-signed requests for it.
# Sets: work (the scratch directory), server (its pid), endpoint, arn, and
# exports KMS_ENDPOINT / KMS_CREDENTIALS_FILE for the CLI. Defines run (below).
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

# run NAME WRK-ARGS...: one wrk scenario (2 threads, $connections connections, $duration);
# prints requests/s, p50, p99 and the server's CPU per request (user + system, from
# /proc: the whole server, its audit writer included); leaves requests/s in $rps,
# p99 in milliseconds in $p99ms and CPU µs per request in $cpu.
run() {
  local name=$1; shift
  local before after out total p50 p99 errors
  before=$(awk '{print $14 + $15}' "/proc/$server/stat")
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency "$@")
  after=$(awk '{print $14 + $15}' "/proc/$server/stat")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  p99ms=$(awk -v v="$p99" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }')
  cpu=$(awk -v t=$((after - before)) -v n="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  printf '%-32s %10s req/s   p50 %-9s p99 %-9s CPU %6s us/req %s\n' "$name" "$rps" "$p50" "$p99" "$cpu" "${errors:+non-2xx: $errors}"
}
