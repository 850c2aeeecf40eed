#!/usr/bin/env bash
# Throughput and latency of the service with SigV4, measured with wrk against a
# release build on loopback. Prints one line per scenario: requests/s, p50, p99,
# and the server's CPU time per request.
#
# usage: bench/bench.sh [DURATION (default 15s)] [CONNECTIONS (default 64)] [ROUNDS (default 1)]
#
# On a shared 2-core machine one run can be 10-20% off the next; with ROUNDS > 1
# the four scenarios run that many times in turn on the same server and the
# script ends with each one's median (and range), the figures to compare changes by.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-15s}
connections=${2:-64}
rounds=${3:-1}

source bench/serve.sh

echo "kms bench: $connections connections, $duration per scenario, $rounds round(s), $(nproc) cores (wrk included)"
results=$(mktemp)
for round in $(seq 1 "$rounds"); do
  [ "$rounds" -gt 1 ] && echo "round $round"
  run "GET /v1/health (no auth)" "$endpoint/v1/health"; health=$rps
  echo "health $rps $p99ms $cpu" >>"$results"
  run "REST GenerateDataKey (SigV4)" -s "$work/rest-datakey.lua" "$endpoint/v1/datakey"; gdk=$rps
  echo "rest-gdk $rps $p99ms $cpu" >>"$results"
  run "AWS GenerateDataKey (SigV4)" -s "$work/aws-datakey.lua" "$endpoint/"
  echo "aws-gdk $rps $p99ms $cpu" >>"$results"
  run "REST Encrypt 32 B (SigV4)" -s "$work/rest-encrypt.lua" "$endpoint/v1/encrypt"
  echo "rest-encrypt $rps $p99ms $cpu" >>"$results"
  # The issues' target: REST GenerateDataKey (SigV4, audit on) / bare health, same server, same run.
  ratio=$(awk -v g="$gdk" -v h="$health" 'BEGIN { printf "%.3f", g / h }')
  echo "ratio $ratio 0 0" >>"$results"
  awk -v r="$ratio" 'BEGIN { printf "REST GenerateDataKey / health: %.2fx\n", r }'
done
if [ "$rounds" -gt 1 ]; then
  echo "medians of $rounds rounds (range):"
  for scenario in health rest-gdk aws-gdk rest-encrypt ratio; do
    awk -v s="$scenario" 'BEGIN { n = 0 } $1 == s { r[n] = $2; p[n] = $3; c[n] = $4; n++ }
      function median(a, n,   i, j, t) {
        for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[int(n / 2)] : (a[n / 2 - 1] + a[n / 2]) / 2
      }
      END {
        if (s == "ratio") { lo = hi = r[0]; for (i = 0; i < n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
          printf "  %-14s %.2fx (%.2f-%.2f)\n", "GDK / health", median(r, n), lo, hi; exit }
        lo = hi = r[0]; plo = phi = p[0]
        for (i = 0; i < n; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i]; if (p[i] < plo) plo = p[i]; if (p[i] > phi) phi = p[i] }
        printf "  %-14s %9.0f req/s (%.0f-%.0f)   p99 %.2f ms (%.2f-%.2f)   CPU %.1f us/req\n", s, median(r, n), lo, hi, median(p, n), plo, phi, median(c, n)
      }' "$results"
  done
fi
rm -f "$results"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
