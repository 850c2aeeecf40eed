#!/usr/bin/env bash
# Soak proof (issue #8): DURATION of mixed load (wrk in chunks with fresh signatures), server RSS
# sampled every 5 s; fails if RSS grows by 10% or more from the end of the warm-up (1 min) to the end.
#
# usage: bench/soak.sh [DURATION (default 10m)] (bench/proof/soak.py --help); KMS_BIN=path skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
scripts/setup.sh >/dev/null
if [ -z "${KMS_BIN:-}" ]; then
  swift build -c release --product kms >/dev/null
  export KMS_BIN="$PWD/.build/release/kms"
fi
exec .venv/bin/python -u bench/proof/soak.py "$@"
