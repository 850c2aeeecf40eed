#!/usr/bin/env bash
# Full-disk proof (issue #8): the data directory on a small tmpfs (root: mount -t tmpfs), filled by
# a filler file and load until writes fail: only 503s, no corruption, recovery without a restart when
# space returns (filler deleted; tmpfs remounted bigger), audit chain and data intact afterwards.
#
# usage: bench/fulldisk.sh [--size 24m] [--cycles 2] (bench/proof/fulldisk.py --help); KMS_BIN=path skips the build.
# Exit status 2 if the tmpfs cannot be mounted (not root).
exec "$(dirname "$0")/proof/run.sh" fulldisk "$@"
