#!/usr/bin/env bash
# Load proof (issue #8): GenerateDataKey, Encrypt and Decrypt (REST, and GenerateDataKey through
# the AWS door) with SigV4 and the audit log on, at 64 connections with wrk: req/s, p50/p99/p99.9 and
# the server's peak RSS; then 100,000 keys created through the API on a second server (seeding time
# measured), its restart time,
# and the same scenarios on one key and spread over 10,000 keys, with the latency growth in %.
#
# usage: bench/load.sh [--duration 15s] [--repeat 3] [--connections 64] [--keys 100000] [--spread 10000] [--max-growth 20]
#        (bench/proof/load.py --help for all options); KMS_BIN=path skips the release build.
exec "$(dirname "$0")/proof/run.sh" load --wrk "$@"
