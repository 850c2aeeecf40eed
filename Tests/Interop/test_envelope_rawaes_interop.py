"""Offline format interop with the official AWS Encryption SDK for Python.

No key service needed: both sides wrap the data key with the same raw AES key
(the ESDK's raw AES keyring; `kms` takes it with its hidden --wrapping-key-file
options). Proves that messages of every suite written by `kms encrypt` decrypt
with ESDK-Python and that ESDK-Python's decrypt with `kms decrypt`.

  KMS_BIN   path of the kms binary
  python    with `aws-encryption-sdk` installed (pip install aws-encryption-sdk)

Run: pytest -q Tests/Interop/test_envelope_rawaes_interop.py
"""
import os
import subprocess

import pytest

import aws_encryption_sdk as esdk  # noqa: E402  (installed by scripts/setup.sh)
from aws_encryption_sdk.identifiers import (  # noqa: E402
    Algorithm, CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm)
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey  # noqa: E402
from aws_encryption_sdk.key_providers.raw import RawMasterKey  # noqa: E402

if not os.environ.get("KMS_BIN"):
    raise RuntimeError("set KMS_BIN (scripts/test.sh does)")

KEY = os.urandom(32)
NAMESPACE, NAME = "kms-interop", "raw-aes-256"
MASTER_KEY = RawMasterKey(
    provider_id=NAMESPACE, key_id=NAME.encode(),
    wrapping_key=WrappingKey(wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
                             wrapping_key=KEY, wrapping_key_type=EncryptionKeyType.SYMMETRIC))
SUITES = {
    "0478": Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY,
    "0578": Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384,
}
LEGACY = {
    "0178": Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA256,
    "0378": Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
}
SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536 + 5]
CONTEXTS = [{}, {"project": "web", "commit": "3f2a9c"}]


@pytest.fixture(scope="module")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("key") / "raw.key"
    path.write_bytes(KEY)
    return str(path)


def kms(*args, key_file):
    command = [os.environ["KMS_BIN"], *args, "--wrapping-key-file", key_file,
               "--wrapping-key-namespace", NAMESPACE, "--wrapping-key-name", NAME]
    result = subprocess.run(command, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize("suite", sorted(SUITES))
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("context", CONTEXTS, ids=["no-context", "context"])
def test_kms_writes_esdk_python_reads(tmp_path, key_file, suite, size, context):
    plaintext = os.urandom(size)
    (tmp_path / "p").write_bytes(plaintext)
    args = ["encrypt", "--algorithm", suite, "--output", str(tmp_path / "p.kms")]
    if context:
        args += ["--context", ",".join("%s=%s" % item for item in sorted(context.items()))]
    kms(*args, str(tmp_path / "p"), key_file=key_file)
    client = esdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    decrypted, header = client.decrypt(source=(tmp_path / "p.kms").read_bytes(), key_provider=MASTER_KEY)
    assert decrypted == plaintext
    assert header.algorithm.algorithm_id == int(suite, 16)
    for key, value in context.items():
        assert header.encryption_context[key] == value


@pytest.mark.parametrize("suite", sorted(SUITES) + sorted(LEGACY))
@pytest.mark.parametrize("size", SIZES)
def test_esdk_python_writes_kms_reads(tmp_path, key_file, suite, size):
    plaintext = os.urandom(size)
    legacy = suite in LEGACY
    policy = CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT if legacy else CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    client = esdk.EncryptionSDKClient(commitment_policy=policy)
    message, _ = client.encrypt(source=plaintext, key_provider=MASTER_KEY, encryption_context={"project": "web"},
                                algorithm=(LEGACY if legacy else SUITES)[suite], frame_length=4096)
    (tmp_path / "m.kms").write_bytes(message)
    kms("decrypt", "--expect-context", "project=web", str(tmp_path / "m.kms"), key_file=key_file)
    assert (tmp_path / "m").read_bytes() == plaintext
