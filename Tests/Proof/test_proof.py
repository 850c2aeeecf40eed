"""Short forms of the proofs of issue #8 (bench/load.sh, crash.sh, fulldisk.sh, soak.sh), run by
scripts/test.sh against the debug binary it built (KMS_BIN). Each starts its own server on its own
data directory and free loopback port, and asserts correctness only: no failed request, nothing
acknowledged lost, the audit chain intact, recovery from a full disk without a restart. Figures
(req/s, latencies, restart times, RSS) are printed, never asserted: a debug build on a shared
machine says nothing about them; the full forms in bench/ do, on a release build.

The full-disk test needs root to mount a tmpfs. CI runs as root, so a refused mount there means the
proof did not run, and the test fails saying why rather than skipping. A developer without root may
set KMS_PROOF_NO_MOUNT=1 to skip it explicitly (the skip is then reported with that reason).
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "proof"))

import crash  # noqa: E402
import fulldisk  # noqa: E402
import load  # noqa: E402
import soak  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def kms_bin():
    binary = os.environ.get("KMS_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail("KMS_BIN must name the kms binary; run these tests through scripts/test.sh")
    return binary


def test_load_short():
    """Every load scenario of bench/load.sh for 3 s, with a 500-key store instead of 100,000."""
    result = load.main(["--duration", "3s", "--repeat", "1", "--keys", "500", "--spread", "200", "--max-growth", "0"])
    assert result["ok"], result["failures"]
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in result["results"].values())


def test_crash_short():
    """Three SIGKILLs under mixed load; the restart time is reported, not asserted (debug build)."""
    result = crash.main(["3", "--max-start", "0"])
    assert result["ok"], result["failures"]
    assert result["rounds"] == 3 and result["requests_acked"] > 0


def test_fulldisk_short():
    """Two fill/free cycles on a 16 MiB tmpfs; recovery must come by itself (bound generous: it is
    a functional check, the writer retries every second)."""
    if os.environ.get("KMS_PROOF_NO_MOUNT") == "1":
        pytest.skip("KMS_PROOF_NO_MOUNT=1: the full-disk proof was not run (it needs root to mount a tmpfs)")
    result = fulldisk.main(["--size", "16m", "--cycles", "2", "--hold", "2", "--max-recovery", "15"])
    if result.get("mount_refused"):
        pytest.fail(result["failures"][0] + " Run as root, or set KMS_PROOF_NO_MOUNT=1 to skip this proof explicitly.")
    assert result["ok"], result["failures"]


def test_soak_short():
    """30 s of the soak mix; RSS growth is reported, not asserted."""
    result = soak.main(["30s", "--warmup", "10s", "--chunk", "15s", "--max-growth", "0"])
    assert result["ok"], result["failures"]
    assert result["runs"] and all(r["errors"] == 0 for r in result["runs"])
