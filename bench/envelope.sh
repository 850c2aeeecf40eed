#!/usr/bin/env bash
# Envelope encryption throughput of `kms encrypt` / `kms decrypt` (AWS Encryption
# SDK format, suite 0x0478, 64 KiB frames) on a 1 GiB file, to /dev/null and to a
# file, next to `age` and `openssl speed -evp aes-256-gcm`, all in the same run.
#
# Builds release, starts a throw-away `kms server` on a free loopback port with a
# temporary data directory (its admin.credentials sign the CLI's requests), and
# reports the median of RUNS runs (default 3) in MB/s (10^6 bytes per second).
# Outputs are deleted before every timed run (STACK-NOTES P12). The machine's load
# average is printed too: other builds on the same two cores skew every figure.
#
# Usage: bench/envelope.sh            env: RUNS=3 SIZE_MIB=1024 BENCH_DIR=bench/out
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
SIZE_MIB=${SIZE_MIB:-1024}
WORK=${BENCH_DIR:-bench/out}

command -v age >/dev/null || { echo "age is missing: apt-get update && apt-get install -y age" >&2; exit 1; }
swift build -c release --product kms >&2
BIN="$(swift build -c release --show-bin-path)/kms"

rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" server --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" --log-level error >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
export KMS_ENDPOINT="http://127.0.0.1:$PORT" KMS_CREDENTIALS_FILE="$WORK/data/admin.credentials"
for _ in $(seq 1 100); do
    [ -s "$KMS_CREDENTIALS_FILE" ] && curl -fsS "$KMS_ENDPOINT/v1/health" >/dev/null 2>&1 && break
    sleep 0.1
done
KEY=$("$BIN" keys create --description bench --output json | python3 -c 'import json, sys; print(json.load(sys.stdin)["keyMetadata"]["arn"])')

echo "creating a $SIZE_MIB MiB input..." >&2
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/plain"
age-keygen -o "$WORK/age.key" 2>/dev/null
RECIPIENT=$(age-keygen -y "$WORK/age.key")
"$BIN" encrypt --key "$KEY" -o "$WORK/input.kms" "$WORK/plain"
age -r "$RECIPIENT" -o "$WORK/input.age" "$WORK/plain"
sync

# time_cmd NAME COMMAND...: RUNS timed runs (outputs removed first); prints seconds per run.
declare -A RESULTS
time_cmd() {
    local name=$1
    shift
    local times=()
    for _ in $(seq 1 "$RUNS"); do
        rm -f "$WORK/out.kms" "$WORK/out.plain" "$WORK/out.age"
        local start end
        start=$(date +%s.%N)
        "$@"
        end=$(date +%s.%N)
        times+=("$(python3 -c "print($end - $start)")")
    done
    RESULTS[$name]="${times[*]}"
}

time_cmd "kms encrypt -> /dev/null" "$BIN" encrypt --key "$KEY" -o /dev/null "$WORK/plain"
time_cmd "kms encrypt -> file" "$BIN" encrypt --key "$KEY" -o "$WORK/out.kms" "$WORK/plain"
time_cmd "kms decrypt -> /dev/null" "$BIN" decrypt -o /dev/null "$WORK/input.kms"
time_cmd "kms decrypt -> file" "$BIN" decrypt -o "$WORK/out.plain" "$WORK/input.kms"
time_cmd "age encrypt -> /dev/null" age -r "$RECIPIENT" -o /dev/null "$WORK/plain"
time_cmd "age encrypt -> file" age -r "$RECIPIENT" -o "$WORK/out.age" "$WORK/plain"
time_cmd "age decrypt -> /dev/null" age -d -i "$WORK/age.key" -o /dev/null "$WORK/input.age"
time_cmd "age decrypt -> file" age -d -i "$WORK/age.key" -o "$WORK/out.plain" "$WORK/input.age"

# Peak memory of one encrypt and one decrypt (GNU time, KiB).
RSS_ENC=$(/usr/bin/time -f %M "$BIN" encrypt --key "$KEY" -o /dev/null "$WORK/plain" 2>&1 >/dev/null | tail -1)
RSS_DEC=$(/usr/bin/time -f %M "$BIN" decrypt -o /dev/null "$WORK/input.kms" 2>&1 >/dev/null | tail -1)

# openssl speed: the 16384-byte column, in 1000s of bytes per second.
speed() { openssl speed "$@" -evp aes-256-gcm 2>/dev/null | awk 'tolower($1) == "aes-256-gcm" { v = $NF } END { sub(/k$/, "", v); print v * 1000 / 1e6 }'; }
OPENSSL_1=$(speed -seconds 3)
OPENSSL_2=$(speed -seconds 3 -multi 2)

python3 - "$SIZE_MIB" "$RUNS" "$OPENSSL_1" "$OPENSSL_2" "$RSS_ENC" "$RSS_DEC" <<EOF
import statistics, sys
size_mib, runs, ossl1, ossl2, rss_enc, rss_dec = sys.argv[1:]
size = int(size_mib) * 1024 * 1024
results = {
$(for name in "${!RESULTS[@]}"; do echo "    \"$name\": [${RESULTS[$name]// /, }],"; done)
}
import os
print(f"envelope benchmark: {size_mib} MiB, median of {runs} runs, MB/s = 10^6 bytes/s, load average {os.getloadavg()[0]:.1f}")
print(f"{'case':28} {'median s':>9} {'MB/s':>8}   runs (s)")
for name in sorted(results):
    median = statistics.median(results[name])
    print(f"{name:28} {median:9.3f} {size / median / 1e6:8.0f}   {' '.join(f'{t:.3f}' for t in results[name])}")
print(f"{'openssl speed aes-256-gcm':28} {'':9} {float(ossl1):8.0f}   (16 KiB blocks, one process)")
print(f"{'openssl speed ... -multi 2':28} {'':9} {float(ossl2):8.0f}   (16 KiB blocks, two processes)")
enc = size / statistics.median(results["kms encrypt -> /dev/null"]) / 1e6
age = size / statistics.median(results["age encrypt -> /dev/null"]) / 1e6
ratio = f"{enc / float(ossl1):.2f}" if float(ossl1) > 0 else "n/a"
print(f"kms encrypt -> /dev/null = {ratio} x openssl speed (target 0.8), {enc / age:.2f} x age")
print(f"peak RSS: encrypt {int(rss_enc) / 1024:.1f} MiB, decrypt {int(rss_dec) / 1024:.1f} MiB")
EOF
rm -f "$WORK/plain" "$WORK/input.kms" "$WORK/input.age" "$WORK/out.kms" "$WORK/out.plain" "$WORK/out.age"
