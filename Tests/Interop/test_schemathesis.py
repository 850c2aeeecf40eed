"""Interop: schemathesis fuzzes the REST API of the live server against its OpenAPI document.

The short form of bench/schemathesis.sh (issue #8): a few hundred generated requests,
signed with the administrator's credentials, over every operation, bounded in time.
Fails on any 5xx, on any response the document does not describe (status code,
content type, headers, body schema), or if the run stopped getting authenticated
answers. Requests that would act on the administrator itself (its principal,
access key or bindings) are not generated, so the other interop tests keep working
whatever order they run in.
"""
import os
import subprocess
import sys
from pathlib import Path

RUNNER = Path(__file__).resolve().parents[2] / "bench" / "schemathesis_run.py"
MAX_EXAMPLES = int(os.environ.get("KMS_SCHEMATHESIS_MAX_EXAMPLES", "5"))
TIMEOUT = 170  # seconds; the run takes well under a minute on a quiet machine


def test_rest_api_conforms_to_its_openapi_document(endpoint, tmp_path):
    completed = subprocess.run(
        [sys.executable, str(RUNNER), "--endpoint", endpoint, "--credentials", os.environ["KMS_CREDENTIALS_FILE"],
         "--max-examples", str(MAX_EXAMPLES), "--min-requests", "300", "--seed", "8",
         "--phases", "examples,fuzzing", "--out", str(tmp_path / "schemathesis")],
        capture_output=True, text=True, timeout=TIMEOUT)
    summary = completed.stdout[completed.stdout.find("== schemathesis"):]
    print(summary)
    assert completed.returncode == 0, summary + completed.stderr[-3000:]
