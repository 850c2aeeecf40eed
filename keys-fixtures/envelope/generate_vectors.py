"""Generates known-answer messages with the official AWS Encryption SDK for Python.

Run in a throw-away venv with `pip install aws-encryption-sdk==3.3.1` (the version
`aws-encryption-cli` 4.3.0 uses): `python generate_vectors.py` writes one
`esdk-python-*.bin` message per case and `manifest.json` here. The wrapping key is
the official test-vector `aes-256` key; nothing here is secret.
"""
import json
import os

import aws_encryption_sdk
from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
from aws_encryption_sdk.key_providers.raw import RawMasterKey

HERE = os.path.dirname(os.path.abspath(__file__))
KEY_HEX = "0001020304050607080910111213141516171819202122232425262728293031"
NAMESPACE = "aws-raw-vectors-persistent"
NAME = "aes-256"

master_key = RawMasterKey(
    provider_id=NAMESPACE,
    key_id=NAME.encode(),
    wrapping_key=WrappingKey(
        wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
        wrapping_key=bytes.fromhex(KEY_HEX),
        wrapping_key_type=EncryptionKeyType.SYMMETRIC,
    ),
)

SUITES = {
    "0478": (Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
    "0578": (Algorithm.AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384, CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT),
    "0178": (Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA256, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT),
    "0378": (Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384, CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT),
}
CASES = [  # (plaintext length, frame length, context)
    (0, 128, {}),
    (1, 128, {"project": "web"}),
    (127, 128, {}),
    (128, 128, {"project": "web", "commit": "3f2a9c"}),
    (129, 128, {}),
    (5000, 256, {"purpose": "kms-envelope-tests", "b-key": "value-\u00e9"}),
    (70000, 4096, {"project": "web"}),
]


def plaintext(length):
    return bytes(i % 256 for i in range(length))


def main():
    manifest = {
        "generator": "aws-encryption-sdk (Python) " + aws_encryption_sdk.__version__,
        "wrappingKeyHex": KEY_HEX,
        "keyNamespace": NAMESPACE,
        "keyName": NAME,
        "plaintext": "byte i = i mod 256",
        "messages": [],
    }
    for suite, (algorithm, policy) in SUITES.items():
        client = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=policy)
        for length, frame, context in CASES:
            message, header = client.encrypt(
                source=plaintext(length), key_provider=master_key, encryption_context=context,
                algorithm=algorithm, frame_length=frame)
            name = "esdk-python-%s-%d-f%d%s.bin" % (suite, length, frame, "-ctx" if context else "")
            with open(os.path.join(HERE, name), "wb") as out:
                out.write(message)
            manifest["messages"].append({
                "file": name, "suite": "0x" + suite, "plaintextLength": length, "frameLength": frame,
                "encryptionContext": context,
            })
    with open(os.path.join(HERE, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=2, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
