#!/usr/bin/env bash
# Installs what building and testing need, on a fresh Debian 12 machine or this one:
# the system OpenSSL and SQLite headers, wrk for the benchmarks, and a Python
# virtual environment (.venv) with the interop clients (botocore, boto3, awscli,
# aws-encryption-sdk-cli, pytest) and schemathesis. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pkg in libssl-dev libsqlite3-dev pkg-config openssl wrk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
if ! .venv/bin/python -c 'import boto3, botocore, pytest, requests, aws_encryption_sdk_cli, schemathesis' >/dev/null 2>&1 \
   || ! [ -x .venv/bin/aws ] || ! [ -x .venv/bin/aws-encryption-cli ]; then
  echo "setup: installing the interop clients into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r Tests/Interop/requirements.txt
fi
echo "setup: ok"
