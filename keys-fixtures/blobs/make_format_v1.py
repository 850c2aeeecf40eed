"""Generates format-v1.json: one ciphertext blob of format 1, made once and kept.

Independent of the Swift code: it follows the layout documented in
Sources/KeyService/Core/CiphertextBlob.swift (format byte, 16-byte key id,
big-endian u32 version, 12-byte nonce, AES-256-GCM ciphertext, 16-byte tag;
AAD = the 33-byte header followed by the canonical encryption context).
Run once with `python3 make_format_v1.py > format-v1.json`; never regenerate a
released format's file (STYLE rule 14).
"""
import json
import struct
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID = "5f1c3a9e-7b24-4d8e-9a61-c02b7e4f3d15"
VERSION = 2
MATERIAL = bytes.fromhex("8d2e6f1a0b9c4d7e3f5a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a")
NONCE = bytes.fromhex("a1b2c3d4e5f60718293a4b5c")
CONTEXT = {"purpose": "recorded-blob", "department": "engineering", "é": "ü"}
PLAINTEXT = "This blob was made once for format 1 and must decrypt forever."


def canonical(context):
    pairs = sorted((k.encode(), v.encode()) for k, v in context.items())
    out = struct.pack(">H", len(pairs))
    for k, v in pairs:
        out += struct.pack(">H", len(k)) + k + struct.pack(">H", len(v)) + v
    return out


header = bytes([0x01]) + uuid.UUID(KEY_ID).bytes + struct.pack(">I", VERSION) + NONCE
sealed = AESGCM(MATERIAL).encrypt(NONCE, PLAINTEXT.encode(), header + canonical(CONTEXT))
print(json.dumps({
    "comment": "Ciphertext blob format 1, recorded once. Test key material, not a secret.",
    "keyId": KEY_ID,
    "version": VERSION,
    "keyMaterialHex": MATERIAL.hex(),
    "encryptionContext": CONTEXT,
    "plaintext": PLAINTEXT,
    "blobHex": (header + sealed).hex(),
}, indent=2, ensure_ascii=False))
