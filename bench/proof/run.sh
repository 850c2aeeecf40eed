#!/usr/bin/env bash
# Shared by bench/{load,crash,fulldisk,soak}.sh: the Python environment, wrk when
# the proof needs it, a release build unless KMS_BIN names a binary, then the proof.
#
# usage: bench/proof/run.sh PROOF [--wrk] [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
proof=$1; shift
if [ "${1:-}" = "--wrk" ]; then
  shift
  command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
scripts/setup.sh >/dev/null
if [ -z "${KMS_BIN:-}" ]; then
  swift build -c release --product kms >/dev/null
  export KMS_BIN="$PWD/.build/release/kms"
fi
exec .venv/bin/python -u "bench/proof/$proof.py" "$@"
