#!/usr/bin/env bash
# Soak proof (issue #8): DURATION of mixed load (wrk in chunks with fresh signatures), server RSS
# sampled every 5 s; fails if RSS grows by 10% or more from the end of the warm-up (1 min) to the end.
#
# usage: bench/soak.sh [DURATION (default 10m)] (bench/proof/soak.py --help); KMS_BIN=path skips the build.
exec "$(dirname "$0")/proof/run.sh" soak --wrk "$@"
