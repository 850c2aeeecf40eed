# Sourced by bench.sh and profile.sh: builds the release server, starts it on a
# free loopback port with a fresh data directory (stopped and removed on exit),
# creates a key and writes wrk scripts with pre-signed requests for it.
# Sets: work (the scratch directory), server (its pid), endpoint, arn, and
# exports KMS_ENDPOINT / KMS_CREDENTIALS_FILE for the CLI.
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
