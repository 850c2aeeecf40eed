#!/usr/bin/env bash
# Fuzzes the REST API with schemathesis against its own OpenAPI document (issue #8):
# a fresh `kms server` on a free loopback port with its own data directory, fixtures,
# then every operation with SigV4 authentication and the checks not_a_server_error,
# status_code_conformance, content_type_conformance, response_headers_conformance and
# response_schema_conformance. Fails on any failure or on fewer than MIN_REQUESTS
# requests. See bench/schemathesis_run.py.
#
#   bench/schemathesis.sh [MAX_EXAMPLES [RUNNER_ARGS...]]   (default 100: about 10,000 requests, ~11 min)
#
# e.g. bench/schemathesis.sh 30 --extra-checks negative_data_rejection,positive_data_acceptance
#
# Environment: MIN_REQUESTS (default 5000), SEED, WORKERS (default 1),
# KMS_BIN (default .build/debug/kms). Reports go to bench/out/schemathesis/.
set -euo pipefail
cd "$(dirname "$0")/.."
max_examples=${1:-100}
shift || true
kms=${KMS_BIN:-.build/debug/kms}
[ -x .venv/bin/schemathesis ] || scripts/setup.sh
[ -x "$kms" ] || swift build --product kms

work=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$kms" server --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
.venv/bin/python - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v1/health", timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("kms server did not become healthy")
PY

args=(--endpoint "http://127.0.0.1:$port" --credentials "$work/data/admin.credentials"
      --max-examples "$max_examples" --min-requests "${MIN_REQUESTS:-5000}" --workers "${WORKERS:-1}"
      --out bench/out/schemathesis)
[ -z "${SEED:-}" ] || args+=(--seed "$SEED")
args+=("$@")
status=0
.venv/bin/python bench/schemathesis_run.py "${args[@]}" || status=$?
if ! kill -0 "$server" 2>/dev/null; then
  echo "FAILED: the server is not running any more:"; grep -m3 -i 'fatal error' "$work/server.log" || tail -5 "$work/server.log"
  status=1
fi
faults=$(grep -c 'request failed' "$work/server.log" || true)
echo "server faults logged (request failed): $faults"
[ "$faults" -eq 0 ] || { grep 'request failed' "$work/server.log" | tail -20; status=1; }
cp "$work/server.log" bench/out/schemathesis/server.log
exit "$status"
