"""Writes the small multi-frame seeds of the envelope fuzzer (fuzz/corpus/envelope/esdk-python-*-{256,400}-f128*).

The known-answer messages of keys-fixtures/envelope have at most one regular
frame below 5000 bytes of plaintext; these have two or three in under 1 KB,
so a fuzzer input reaches the decryptor's batches and the final frame cheaply.
Made with the official AWS Encryption SDK for Python and the vectors' raw AES
key, like keys-fixtures/envelope/generate_vectors.py: run it from that venv
(`pip install aws-encryption-sdk==3.3.1`). Messages are randomized (data keys,
IVs, signing keys), so each run writes different bytes.
"""
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKey

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "envelope")
master_key = RawMasterKey(
    provider_id="aws-raw-vectors-persistent",
    key_id=b"aes-256",
    wrapping_key=WrappingKey(
        wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
        wrapping_key=bytes.fromhex("0001020304050607080910111213141516171819202122232425262728293031"),
        wrapping_key_type=EncryptionKeyType.SYMMETRIC,
    ),
)
SUITES = {
    "0478": (Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
    "0578": (Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
    "0178": (Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA256, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT),
    "0378": (Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT),
}
CASES = [(400, 128, {}), (256, 128, {"k": "v"})]  # (plaintext length, frame length: a multiple of 128 for the SDK, context)

for suite, (algorithm, policy) in SUITES.items():
    client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy)
    for length, frame, context in CASES:
        message, _ = client.encrypt(source=bytes(i % 256 for i in range(length)), key_provider=master_key,
                                    encryption_context=context, algorithm=algorithm, frame_length=frame)
        name = "esdk-python-%s-%d-f%d%s" % (suite, length, frame, "-ctx" if context else "")
        with open(os.path.join(OUT, name), "wb") as out:
            out.write(message)
