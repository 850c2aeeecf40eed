#!/usr/bin/env bash
# Crash-safety proof (issue #8): mixed load (create keys, rotate, encrypt, data keys), SIGKILL at a
# random moment, restart, ROUNDS times; checks that everything acknowledged survived, that every
# acknowledged request has its audit record, that the audit chain verifies with no gap, and that the
# server answers /v1/health within a second of starting.
#
# usage: bench/crash.sh [ROUNDS (default 20)] (bench/proof/crash.py --help); KMS_BIN=path skips the build.
exec "$(dirname "$0")/proof/run.sh" crash "$@"
