#!/usr/bin/env bash
# Crash-safety proof (issue #8): mixed load (create keys, rotate, encrypt, data keys), SIGKILL at a
# random moment, restart, ROUNDS times; checks that everything acknowledged survived, that every
# acknowledged request has its audit record, that the audit chain verifies with no gap, and that the
# server answers /v1/health within a second of starting.
#
# usage: bench/crash.sh [ROUNDS (default 20)] (bench/proof/crash.py --help); KMS_BIN=path skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
if [ -z "${KMS_BIN:-}" ]; then
  swift build -c release --product kms >/dev/null
  export KMS_BIN="$PWD/.build/release/kms"
fi
exec .venv/bin/python -u bench/proof/crash.py "$@"
