#!/usr/bin/env python3
"""Generates the OpenAPI 3.1 document for the kms REST API and the Swift file serving it."""
import json
import sys

def ref(name, kind="schemas"):
    return {"$ref": f"#/components/{kind}/{name}"}


DATE_EXAMPLE = "2026-11-29T04:41:27.123456Z"
KEY_ID_EXAMPLE = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN_EXAMPLE = f"arn:aws:kms:us-east-1:000000000000:key/{KEY_ID_EXAMPLE}"


# Canonical, padded standard base64: what the server's decoder takes (no whitespace, no URL alphabet, the
# unused bits of the last character zero) and what it writes.
BASE64_PATTERN = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"


def date(description):
    return {
        "type": "string",
        "format": "date-time",
        "description": description + " RFC 3339, UTC, with microseconds.",
        "examples": [DATE_EXAMPLE],
    }


KEY_SPECS = [
    "SYMMETRIC_DEFAULT", "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521",
    "ECC_NIST_EDWARDS25519", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512",
]
KEY_USAGES = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"]
SIGNING_ALGORITHMS = [
    "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256",
    "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512",
    "ED25519_SHA_512",
]
MAC_ALGORITHMS = ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"]
KEY_PAIR_SPECS = [
    "RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_NIST_EDWARDS25519",
]
WRAPPING_ALGORITHMS = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256"]

# --------------------------------------------------------------------------- schemas

schemas = {}

schemas["Error"] = {
    "type": "object",
    "description": "The body of every error response.",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "requestId"],
            "additionalProperties": False,
            "properties": {
                "code": {
                    "type": "string",
                    "description": (
                        "A stable, machine-readable error code. Clients should branch on this, never on `message`. "
                        "400: ValidationError, MalformedRequest, InvalidCiphertext, IncorrectKey, InvalidKeyUsage, "
                        "InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, UnsupportedOperation, "
                        "InvalidGrantToken, InvalidGrantId, MalformedPolicyDocument, InvalidImportToken, ExpiredImportToken, "
                        "IncorrectKeyMaterial, KMSInvalidSignature, KMSInvalidMac. 403: AccessDenied, MissingAuthentication, "
                        "IncompleteSignature, UnrecognizedClient, InvalidSignature. 404: NotFound, RouteNotFound. "
                        "405: MethodNotAllowed. 409: Disabled, InvalidState, AlreadyExists. 412: DryRunOperation. "
                        "413: PayloadTooLarge. "
                        "415: UnsupportedMediaType. 429: Throttled. 500: InternalError, KeyUnavailable. "
                        "503: DependencyTimeout, AuditUnavailable."
                    ),
                    "examples": ["NotFound"],
                },
                "message": {
                    "type": "string",
                    "description": "A human-readable explanation. Never contains key material, plaintext or secrets.",
                },
                "requestId": {
                    "type": "string",
                    "description": "The id of the request, the same as the `x-request-id` response header.",
                },
            },
        }
    },
}

schemas["Empty"] = {
    "type": "object",
    "description": "An empty object (`{}`): the operation returns no members.",
    "additionalProperties": False,
    "properties": {},
}

schemas["Tag"] = {
    "type": "object",
    "required": ["tagKey", "tagValue"],
    "additionalProperties": False,
    "properties": {
        "tagKey": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "description": "1–128 characters; keys beginning with `aws:` are reserved. Unique within a request.",
        },
        "tagValue": {"type": "string", "maxLength": 256, "description": "0–256 characters."},
    },
}

schemas["EncryptionContext"] = {
    "type": "object",
    "description": (
        "Non-secret string pairs bound to the ciphertext as additional authenticated data. Decrypt needs exactly "
        "the same pairs. At most 64 pairs; keys 1–2048 bytes, values 0–2048 bytes, 8192 bytes in all. "
        "Bindings may be conditioned on it and grants constrained by it (an omitted context counts as empty)."
    ),
    "additionalProperties": {"type": "string", "maxLength": 2048},
    "propertyNames": {"minLength": 1, "maxLength": 2048},
    "maxProperties": 64,
    "examples": [{"purpose": "invoice", "tenant": "acme"}],
}

schemas["GrantTokens"] = {
    "type": "array",
    "description": (
        "Grant tokens returned by CreateGrant. Grants take effect as soon as they are created, so tokens are never "
        "needed; any token given must be the token of an existing grant, else 400 InvalidGrantToken."
    ),
    "items": {"type": "string", "minLength": 1, "maxLength": 8192},
    "maxItems": 10,
}

schemas["EncryptionAlgorithm"] = {
    "type": "string",
    "enum": ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"],
    "description": (
        "SYMMETRIC_DEFAULT (AES-256-GCM, the default) for symmetric keys; RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 "
        "(required) for RSA keys of usage ENCRYPT_DECRYPT. ReEncrypt supports symmetric keys only."
    ),
}

schemas["CiphertextBlob"] = {
    "type": "string",
    "contentEncoding": "base64",
    "minLength": 4,
    "maxLength": 8192,
    "description": "A ciphertext blob issued by this service, standard base64 (1–6144 bytes decoded: 4–8192 characters).",
}

schemas["KeyMetadata"] = {
    "type": "object",
    "required": [
        "awsAccountId", "keyId", "arn", "creationDate", "enabled", "description", "keyUsage", "keyState",
        "origin", "keyManager", "customerMasterKeySpec", "keySpec", "multiRegion",
    ],
    "properties": {
        "awsAccountId": {"type": "string", "examples": ["000000000000"]},
        "keyId": {"type": "string", "description": "The key id (a lowercase UUID).", "examples": [KEY_ID_EXAMPLE]},
        "arn": {"type": "string", "examples": [KEY_ARN_EXAMPLE]},
        "creationDate": date("When the key was created."),
        "enabled": {"type": "boolean", "description": "True exactly when keyState is Enabled."},
        "description": {"type": "string"},
        "keyUsage": {"type": "string", "enum": KEY_USAGES},
        "keyState": {"type": "string", "enum": ["Enabled", "Disabled", "PendingDeletion", "PendingImport"]},
        "deletionDate": date("When the key material will be destroyed; present only in state PendingDeletion."),
        "origin": {"type": "string", "enum": ["AWS_KMS", "EXTERNAL"]},
        "keyManager": {"type": "string", "enum": ["CUSTOMER"]},
        "customerMasterKeySpec": {"type": "string", "description": "Deprecated; the same as keySpec.",
                                  "examples": ["SYMMETRIC_DEFAULT"]},
        "keySpec": {"type": "string", "enum": KEY_SPECS, "examples": ["SYMMETRIC_DEFAULT"]},
        "encryptionAlgorithms": {
            "type": "array", "items": {"type": "string"}, "examples": [["SYMMETRIC_DEFAULT"]],
            "description": "Keys of usage ENCRYPT_DECRYPT: SYMMETRIC_DEFAULT, or the two RSAES_OAEP_* for RSA keys.",
        },
        "signingAlgorithms": {
            "type": "array", "items": {"type": "string", "enum": SIGNING_ALGORITHMS},
            "description": "Keys of usage SIGN_VERIFY: the algorithms Sign and Verify accept with this key.",
        },
        "macAlgorithms": {
            "type": "array", "items": {"type": "string", "enum": MAC_ALGORITHMS},
            "description": "HMAC keys: the one MAC algorithm of the key spec.",
        },
        "expirationModel": {
            "type": "string", "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
            "description": "Keys of origin EXTERNAL while they have imported material: whether it expires.",
        },
        "validTo": date("When the imported material expires; present only with KEY_MATERIAL_EXPIRES."),
        "multiRegion": {"type": "boolean", "description": "Always false."},
    },
}

schemas["KeyMetadataResponse"] = {
    "type": "object",
    "required": ["keyMetadata"],
    "properties": {"keyMetadata": ref("KeyMetadata")},
}

schemas["KeyArnResponse"] = {
    "type": "object",
    "required": ["keyId"],
    "properties": {"keyId": {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]}},
}


def paged(list_name, items):
    return {
        "type": "object",
        "required": [list_name, "truncated"],
        "properties": {
            list_name: {"type": "array", "items": items},
            "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page.",
            },
            "truncated": {"type": "boolean", "description": "True when more results follow."},
        },
    }


schemas["CreateKeyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "description": {"type": "string", "maxLength": 8192, "description": "At most 8192 characters. Default: empty."},
        "keyUsage": {
            "type": "string", "enum": KEY_USAGES,
            "description": (
                "ENCRYPT_DECRYPT (symmetric and RSA keys), SIGN_VERIFY (RSA and ECC keys) or GENERATE_VERIFY_MAC "
                "(HMAC keys). Default: the spec's first (ENCRYPT_DECRYPT for symmetric and RSA, SIGN_VERIFY for "
                "ECC, GENERATE_VERIFY_MAC for HMAC); a usage the spec does not allow gives 400 ValidationError."
            ),
        },
        "keySpec": {
            "type": "string",
            "enum": KEY_SPECS,
            "description": "Default SYMMETRIC_DEFAULT. Other AWS key specs (ECC_SECG_P256K1, SM2, ML_DSA_*) give 400 UnsupportedOperation.",
        },
        "customerMasterKeySpec": {
            "type": "string",
            "enum": KEY_SPECS,
            "description": "Deprecated synonym of keySpec; if both are given they must be equal.",
        },
        "origin": {
            "type": "string",
            "enum": ["AWS_KMS", "EXTERNAL"],
            "description": (
                "Default AWS_KMS (the service makes the material). EXTERNAL makes a key without material in state "
                "PendingImport, for ImportKeyMaterial; other origins give 400 UnsupportedOperation."
            ),
        },
        "tags": {"type": "array", "items": ref("Tag"), "maxItems": 50},
        "multiRegion": {
            "type": "boolean",
            "description": "Multi-Region keys are not supported: true gives 400 UnsupportedOperation.",
        },
        "policy": {
            "type": "string",
            "maxLength": 32768,
            "description": (
                "The key policy, as for PutKeyPolicy (same grammar and limits; 400 MalformedPolicyDocument "
                "otherwise). Default: the default key policy."
            ),
        },
        "bypassPolicyLockoutSafetyCheck": {
            "type": "boolean",
            "default": False,
            "description": (
                "A policy that would deny the caller kms:PutKeyPolicy on the new key is refused with 400 "
                "MalformedPolicyDocument unless this is true."
            ),
        },
    },
}

schemas["ListKeysResponse"] = paged("keys", {
    "type": "object",
    "required": ["keyId", "keyArn"],
    "properties": {
        "keyId": {"type": "string", "examples": [KEY_ID_EXAMPLE]},
        "keyArn": {"type": "string", "examples": [KEY_ARN_EXAMPLE]},
    },
})

schemas["DescribeKeyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"grantTokens": ref("GrantTokens")},
}

schemas["UpdateKeyDescriptionRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["description"],
    "properties": {"description": {"type": "string", "maxLength": 8192, "description": "At most 8192 characters."}},
}

schemas["ScheduleKeyDeletionRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "pendingWindowInDays": {
            "type": "integer", "minimum": 7, "maximum": 30, "default": 30,
            "description": "Days until the key material is destroyed (7–30, default 30).",
        }
    },
}

schemas["ScheduleKeyDeletionResponse"] = {
    "type": "object",
    "required": ["keyId", "deletionDate", "keyState", "pendingWindowInDays"],
    "properties": {
        "keyId": {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]},
        "deletionDate": date("When the key material will be destroyed."),
        "keyState": {"type": "string", "enum": ["PendingDeletion"]},
        "pendingWindowInDays": {"type": "integer", "minimum": 7, "maximum": 30},
    },
}

schemas["ListResourceTagsResponse"] = paged("tags", ref("Tag"))

schemas["TagResourceRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["tags"],
    "properties": {
        "tags": {
            "type": "array", "items": ref("Tag"), "maxItems": 50,
            "description": "Tags to add; a tag whose key exists replaces its value. A key may have at most 50 tags.",
        }
    },
}

schemas["UntagResourceRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["tagKeys"],
    "properties": {
        "tagKeys": {
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 128},
            "description": "Keys of the tags to remove; keys the key does not have are ignored.",
        }
    },
}

schemas["GetKeyRotationStatusResponse"] = {
    "type": "object",
    "required": ["keyRotationEnabled", "keyId"],
    "properties": {
        "keyRotationEnabled": {"type": "boolean"},
        "keyId": {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]},
        "rotationPeriodInDays": {
            "type": "integer", "minimum": 90, "maximum": 2560,
            "description": "Present only when automatic rotation is enabled.",
        },
        "nextRotationDate": date("The next automatic rotation; present only when automatic rotation is enabled."),
    },
}

schemas["EnableKeyRotationRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rotationPeriodInDays": {
            "type": "integer", "minimum": 90, "maximum": 2560, "default": 365,
            "description": "Days between automatic rotations (90–2560, default 365).",
        }
    },
}

schemas["ListKeyRotationsResponse"] = paged("rotations", {
    "type": "object",
    "required": ["keyId", "rotationDate", "rotationType"],
    "properties": {
        "keyId": {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]},
        "rotationDate": date("When the rotation happened."),
        "rotationType": {"type": "string", "enum": ["AUTOMATIC", "ON_DEMAND"]},
    },
})

ALIAS_NAME = {
    "type": "string",
    "minLength": 7,
    "maxLength": 256,
    "pattern": "^alias/[a-zA-Z0-9:/_-]+$",
    "description": "`alias/` followed by letters, digits and `: / _ -`; names beginning with `alias/aws/` are reserved.",
    "examples": ["alias/my-key"],
}

schemas["ListAliasesResponse"] = paged("aliases", {
    "type": "object",
    "required": ["aliasName", "aliasArn", "targetKeyId", "creationDate", "lastUpdatedDate"],
    "properties": {
        "aliasName": {"type": "string", "examples": ["alias/my-key"]},
        "aliasArn": {"type": "string", "examples": ["arn:aws:kms:us-east-1:000000000000:alias/my-key"]},
        "targetKeyId": {"type": "string", "description": "The key id the alias points at.", "examples": [KEY_ID_EXAMPLE]},
        "creationDate": date("When the alias was created."),
        "lastUpdatedDate": date("When the alias was last pointed at a key."),
    },
})

TARGET_KEY_ID = {
    "type": "string",
    "minLength": 1,
    "maxLength": 2048,
    "description": "The key the alias points at: a key id or key ARN (not an alias).",
    "examples": [KEY_ID_EXAMPLE],
}

schemas["CreateAliasRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["aliasName", "targetKeyId"],
    "properties": {"aliasName": ALIAS_NAME, "targetKeyId": TARGET_KEY_ID},
}

schemas["UpdateAliasRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["targetKeyId"],
    "properties": {
        "targetKeyId": dict(TARGET_KEY_ID, description=(
            "The new target: a key id or key ARN (not an alias). It must have the same key spec and key usage "
            "as the current target."
        )),
    },
}

ANY_KEY = {
    "type": "string",
    "minLength": 1,
    "maxLength": 2048,
    "description": "A key id, key ARN, alias name (`alias/…`) or alias ARN.",
    "examples": [KEY_ID_EXAMPLE, "alias/my-key"],
}

DRY_RUN = {
    "type": "boolean",
    "default": False,
    "description": (
        "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the "
        "caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is "
        "decoded first, but the other members' values and the key's state are not checked."
    ),
}

PLAINTEXT_IN = {
    "type": "string",
    "contentEncoding": "base64",
    "minLength": 4,
    "maxLength": 5464,
    "description": "The data to encrypt: 1–4096 bytes as standard, padded base64 (4–5464 characters).",
}

schemas["EncryptRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "plaintext"],
    "properties": {
        "keyId": dict(ANY_KEY, description="The key to encrypt under: " + ANY_KEY["description"][2:]),
        "plaintext": PLAINTEXT_IN,
        "encryptionContext": ref("EncryptionContext"),
        "grantTokens": ref("GrantTokens"),
        "encryptionAlgorithm": ref("EncryptionAlgorithm"),
        "dryRun": DRY_RUN,
    },
}

schemas["EncryptResponse"] = {
    "type": "object",
    "required": ["ciphertextBlob", "keyId", "encryptionAlgorithm"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "keyId": {"type": "string", "description": "The ARN of the key used.", "examples": [KEY_ARN_EXAMPLE]},
        "encryptionAlgorithm": ref("EncryptionAlgorithm"),
    },
}

schemas["DecryptRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["ciphertextBlob"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "encryptionContext": ref("EncryptionContext"),
        "grantTokens": ref("GrantTokens"),
        "keyId": dict(ANY_KEY, description=(
            "Optional. The blob names its own key; if given, this must identify the same key "
            "(else 400 IncorrectKey). " + ANY_KEY["description"]
        )),
        "encryptionAlgorithm": ref("EncryptionAlgorithm"),
        "dryRun": DRY_RUN,
    },
}

schemas["DecryptResponse"] = {
    "type": "object",
    "required": ["keyId", "plaintext", "encryptionAlgorithm"],
    "properties": {
        "keyId": {"type": "string", "description": "The ARN of the key used.", "examples": [KEY_ARN_EXAMPLE]},
        "plaintext": {"type": "string", "contentEncoding": "base64", "description": "The decrypted data, standard base64."},
        "encryptionAlgorithm": ref("EncryptionAlgorithm"),
    },
}

schemas["ReEncryptRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["ciphertextBlob", "destinationKeyId"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "sourceEncryptionContext": ref("EncryptionContext"),
        "sourceKeyId": dict(ANY_KEY, description=(
            "Optional. If given, must identify the key that encrypted the blob (else 400 IncorrectKey). "
            + ANY_KEY["description"]
        )),
        "destinationKeyId": dict(ANY_KEY, description="The key to re-encrypt under: " + ANY_KEY["description"][2:]),
        "destinationEncryptionContext": ref("EncryptionContext"),
        "sourceEncryptionAlgorithm": ref("EncryptionAlgorithm"),
        "destinationEncryptionAlgorithm": ref("EncryptionAlgorithm"),
        "grantTokens": ref("GrantTokens"),
        "dryRun": dict(DRY_RUN, description=DRY_RUN["description"] + (
            " Only kms:ReEncryptFrom on the source key is checked; kms:ReEncryptTo on the destination key is not.")),
    },
}

schemas["ReEncryptResponse"] = {
    "type": "object",
    "required": ["ciphertextBlob", "sourceKeyId", "keyId", "sourceEncryptionAlgorithm", "destinationEncryptionAlgorithm"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "sourceKeyId": {"type": "string", "description": "The ARN of the key that decrypted the blob."},
        "keyId": {"type": "string", "description": "The ARN of the key that encrypted the new blob."},
        "sourceEncryptionAlgorithm": ref("EncryptionAlgorithm"),
        "destinationEncryptionAlgorithm": ref("EncryptionAlgorithm"),
    },
}

schemas["GenerateDataKeyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId"],
    "description": "Exactly one of keySpec and numberOfBytes must be given.",
    "oneOf": [{"required": ["keySpec"]}, {"required": ["numberOfBytes"]}],
    "properties": {
        "keyId": dict(ANY_KEY, description="The key that seals the data key: " + ANY_KEY["description"][2:]),
        "keySpec": {
            "type": "string", "enum": ["AES_256", "AES_128"],
            "description": "AES_256 gives a 32-byte data key, AES_128 a 16-byte one.",
        },
        "numberOfBytes": {"type": "integer", "minimum": 1, "maximum": 1024, "description": "Data key length in bytes (1–1024)."},
        "encryptionContext": ref("EncryptionContext"),
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

schemas["GenerateDataKeyResponse"] = {
    "type": "object",
    "required": ["ciphertextBlob", "plaintext", "keyId"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "plaintext": {
            "type": "string", "contentEncoding": "base64",
            "description": "The data key in the clear, standard base64. Use it, then discard it; the service keeps no copy.",
        },
        "keyId": {"type": "string", "description": "The ARN of the key that sealed the data key."},
    },
}

schemas["GenerateDataKeyWithoutPlaintextResponse"] = {
    "type": "object",
    "required": ["ciphertextBlob", "keyId"],
    "properties": {
        "ciphertextBlob": ref("CiphertextBlob"),
        "keyId": {"type": "string", "description": "The ARN of the key that sealed the data key."},
    },
}

schemas["GenerateRandomRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["numberOfBytes"],
    "properties": {
        "numberOfBytes": {"type": "integer", "minimum": 1, "maximum": 1024, "description": "1–1024."},
        "customKeyStoreId": {
            "type": "string",
            "description": "Accepted for AWS compatibility; custom key stores are not supported, so any value gives 400 UnsupportedOperation.",
        },
    },
}

schemas["GenerateRandomResponse"] = {
    "type": "object",
    "required": ["plaintext"],
    "properties": {
        "plaintext": {"type": "string", "contentEncoding": "base64", "description": "Random bytes, standard base64."}
    },
}

def blob(description):
    return {"type": "string", "contentEncoding": "base64", "description": description + " Standard base64."}


ARN_OUT = {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]}
MESSAGE_IN = dict(PLAINTEXT_IN, description=(
    "The message: 1–4096 bytes as standard, padded base64. With messageType DIGEST, the hash of the message "
    "made with the signing algorithm's hash function (32, 48 or 64 bytes)."))
MESSAGE_TYPE = {
    "type": "string", "enum": ["RAW", "DIGEST"], "default": "RAW",
    "description": (
        "RAW (default): the service hashes the message with the algorithm's hash. DIGEST: the message is that hash "
        "already (its length must match; not allowed with ED25519_SHA_512). Both give the same signature."
    ),
}
SIGNING_ALGORITHM = {
    "type": "string", "enum": SIGNING_ALGORITHMS,
    "description": (
        "One of the key's signingAlgorithms (else 400 InvalidKeyUsage): RSASSA_PSS_* (salt length = hash length) "
        "and RSASSA_PKCS1_V1_5_* for RSA keys, ECDSA_SHA_256/384/512 for P-256/P-384/P-521 keys (DER signatures), "
        "ED25519_SHA_512 for ECC_NIST_EDWARDS25519 keys."
    ),
}
MAC_ALGORITHM = {
    "type": "string", "enum": MAC_ALGORITHMS,
    "description": "The key's MAC algorithm (HMAC_256 keys: HMAC_SHA_256, and so on); another gives 400 InvalidKeyUsage.",
}

schemas["SignRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "message", "signingAlgorithm"],
    "properties": {
        "keyId": dict(ANY_KEY, description="A key of usage SIGN_VERIFY: " + ANY_KEY["description"][2:]),
        "message": MESSAGE_IN,
        "messageType": MESSAGE_TYPE,
        "signingAlgorithm": SIGNING_ALGORITHM,
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

schemas["SignResponse"] = {
    "type": "object",
    "required": ["keyId", "signature", "signingAlgorithm"],
    "properties": {
        "keyId": ARN_OUT,
        "signature": blob(
            "The signature: DER ECDSA-Sig-Value for ECDSA, the RSA signature block for RSA, 64 bytes for Ed25519; "
            "it verifies with `openssl dgst -verify` against the key's public key."),
        "signingAlgorithm": {"type": "string", "enum": SIGNING_ALGORITHMS},
    },
}

schemas["VerifyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "message", "signature", "signingAlgorithm"],
    "properties": {
        "keyId": dict(ANY_KEY, description="A key of usage SIGN_VERIFY: " + ANY_KEY["description"][2:]),
        "message": MESSAGE_IN,
        "messageType": MESSAGE_TYPE,
        "signature": dict(blob("The signature to check (1–6144 bytes)."), minLength=4, maxLength=8192),
        "signingAlgorithm": SIGNING_ALGORITHM,
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

schemas["VerifyResponse"] = {
    "type": "object",
    "required": ["keyId", "signatureValid", "signingAlgorithm"],
    "properties": {
        "keyId": ARN_OUT,
        "signatureValid": {"type": "boolean", "const": True,
                           "description": "Always true: an invalid signature is 400 KMSInvalidSignature."},
        "signingAlgorithm": {"type": "string", "enum": SIGNING_ALGORITHMS},
    },
}

schemas["GetPublicKeyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "description": "Optional; accepted for AWS compatibility.",
    "properties": {"grantTokens": ref("GrantTokens")},
}

schemas["GetPublicKeyResponse"] = {
    "type": "object",
    "required": ["keyId", "publicKey", "customerMasterKeySpec", "keySpec", "keyUsage"],
    "properties": {
        "keyId": ARN_OUT,
        "publicKey": blob("The public key as DER SubjectPublicKeyInfo."),
        "customerMasterKeySpec": {"type": "string", "description": "Deprecated; the same as keySpec."},
        "keySpec": {"type": "string", "enum": KEY_SPECS},
        "keyUsage": {"type": "string", "enum": ["ENCRYPT_DECRYPT", "SIGN_VERIFY"]},
        "encryptionAlgorithms": {"type": "array", "items": {"type": "string"},
                                 "description": "RSA keys of usage ENCRYPT_DECRYPT: RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256."},
        "signingAlgorithms": {"type": "array", "items": {"type": "string", "enum": SIGNING_ALGORITHMS},
                              "description": "Keys of usage SIGN_VERIFY."},
    },
}

schemas["GenerateMacRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "message", "macAlgorithm"],
    "properties": {
        "message": dict(PLAINTEXT_IN, description="The message: 1–4096 bytes as standard, padded base64."),
        "keyId": dict(ANY_KEY, description="An HMAC key: " + ANY_KEY["description"][2:]),
        "macAlgorithm": MAC_ALGORITHM,
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

schemas["GenerateMacResponse"] = {
    "type": "object",
    "required": ["mac", "macAlgorithm", "keyId"],
    "properties": {
        "mac": blob("The HMAC (28, 32, 48 or 64 bytes)."),
        "macAlgorithm": {"type": "string", "enum": MAC_ALGORITHMS},
        "keyId": ARN_OUT,
    },
}

schemas["VerifyMacRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "message", "macAlgorithm", "mac"],
    "properties": {
        "message": dict(PLAINTEXT_IN, description="The message: 1–4096 bytes as standard, padded base64."),
        "keyId": dict(ANY_KEY, description="An HMAC key: " + ANY_KEY["description"][2:]),
        "macAlgorithm": MAC_ALGORITHM,
        "mac": dict(blob("The MAC to check (1–6144 bytes); compared in constant time."), minLength=4, maxLength=8192),
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

schemas["VerifyMacResponse"] = {
    "type": "object",
    "required": ["keyId", "macValid", "macAlgorithm"],
    "properties": {
        "keyId": ARN_OUT,
        "macValid": {"type": "boolean", "const": True, "description": "Always true: a wrong MAC is 400 KMSInvalidMac."},
        "macAlgorithm": {"type": "string", "enum": MAC_ALGORITHMS},
    },
}

schemas["GenerateDataKeyPairRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "keyPairSpec"],
    "properties": {
        "encryptionContext": ref("EncryptionContext"),
        "keyId": dict(ANY_KEY, description="The symmetric key that seals the private key: " + ANY_KEY["description"][2:]),
        "keyPairSpec": {
            "type": "string", "enum": KEY_PAIR_SPECS,
            "description": "The kind of pair; ECC_SECG_P256K1 and SM2 give 400 UnsupportedOperation.",
        },
        "grantTokens": ref("GrantTokens"),
        "dryRun": DRY_RUN,
    },
}

KEY_PAIR_OUT = {
    "privateKeyCiphertextBlob": dict(ref("CiphertextBlob"), description=(
        "The private key (DER PKCS#8) sealed under the KMS key: an ordinary ciphertext blob for Decrypt, with "
        "the same encryption context.")),
    "publicKey": blob("The public key as DER SubjectPublicKeyInfo."),
    "keyId": {"type": "string", "description": "The ARN of the key that sealed the private key."},
    "keyPairSpec": {"type": "string", "enum": KEY_PAIR_SPECS},
}

schemas["GenerateDataKeyPairResponse"] = {
    "type": "object",
    "required": ["privateKeyCiphertextBlob", "privateKeyPlaintext", "publicKey", "keyId", "keyPairSpec"],
    "properties": dict(KEY_PAIR_OUT, privateKeyPlaintext=blob(
        "The private key in the clear as DER PKCS#8 PrivateKeyInfo. Use it, then discard it; the service keeps no copy.")),
}

schemas["GenerateDataKeyPairWithoutPlaintextResponse"] = {
    "type": "object",
    "required": ["privateKeyCiphertextBlob", "publicKey", "keyId", "keyPairSpec"],
    "properties": KEY_PAIR_OUT,
}

schemas["GetParametersForImportRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["wrappingAlgorithm", "wrappingKeySpec"],
    "properties": {
        "wrappingAlgorithm": {
            "type": "string", "enum": WRAPPING_ALGORITHMS,
            "description": (
                "How the material will be wrapped. RSAES_OAEP_SHA_1/256: RSA-OAEP (the same hash for OAEP and MGF1, "
                "empty label) of the material itself. RSA_AES_KEY_WRAP_SHA_1/256: RSA-OAEP of a fresh 32-byte AES "
                "key, followed by AES key wrap with padding (RFC 5649) of the material under that key; needed for "
                "private keys. RSAES_PKCS1_V1_5 and SM2PKE give 400 UnsupportedOperation."
            ),
        },
        "wrappingKeySpec": {"type": "string", "enum": ["RSA_2048", "RSA_3072", "RSA_4096"],
                            "description": "The size of the RSA wrapping key."},
    },
}

schemas["GetParametersForImportResponse"] = {
    "type": "object",
    "required": ["keyId", "importToken", "publicKey", "parametersValidTo"],
    "properties": {
        "keyId": ARN_OUT,
        "importToken": blob("The one-time import token for ImportKeyMaterial, bound to this key."),
        "publicKey": blob("The RSA wrapping public key as DER SubjectPublicKeyInfo."),
        "parametersValidTo": date("When the token and wrapping key expire (24 hours)."),
    },
}

schemas["ImportKeyMaterialRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["importToken", "encryptedKeyMaterial"],
    "properties": {
        "importToken": dict(blob("The token from GetParametersForImport for this key (single use; 1–6144 bytes)."),
                            minLength=4, maxLength=8192),
        "encryptedKeyMaterial": dict(blob(
            "The material wrapped with the token's public key and algorithm (1–6144 bytes): 32 bytes for "
            "SYMMETRIC_DEFAULT keys, the raw key for HMAC keys (28–64 bytes for HMAC_224, 32–64 for HMAC_256, "
            "48–128 for HMAC_384, 64–128 for HMAC_512), a DER PKCS#8 private key for RSA and ECC keys."),
            minLength=4, maxLength=8192),
        "expirationModel": {
            "type": "string", "enum": ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"],
            "default": "KEY_MATERIAL_EXPIRES",
            "description": "KEY_MATERIAL_EXPIRES (the default) needs validTo; KEY_MATERIAL_DOES_NOT_EXPIRE forbids it.",
        },
        "validTo": {
            "type": ["string", "number"],
            "description": (
                "When the material expires: an RFC 3339 date-time or epoch seconds, in the future and at most 365 "
                "days ahead. The key then goes back to PendingImport until the same material is imported again."
            ),
            "examples": [DATE_EXAMPLE],
        },
        "importType": {
            "type": "string", "enum": ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"],
            "description": (
                "Optional. NEW_KEY_MATERIAL on a key that already had material (rotation of imported material) "
                "gives 400 UnsupportedOperation."
            ),
        },
    },
}

schemas["ImportKeyMaterialResponse"] = {
    "type": "object",
    "required": ["keyId", "keyMaterialId"],
    "properties": {
        "keyId": ARN_OUT,
        "keyMaterialId": {"type": "string", "pattern": "^[a-f0-9]{64}$",
                          "description": "Names the imported material (the same for every import of the same material)."},
    },
}

schemas["DeleteImportedKeyMaterialResponse"] = {
    "type": "object",
    "required": ["keyId"],
    "properties": {
        "keyId": ARN_OUT,
        "keyMaterialId": {"type": "string", "pattern": "^[a-f0-9]{64}$",
                          "description": "The material deleted; absent when the key had none."},
    },
}

# --------------------------------------------------------------------------- audit

schemas["AuditCheckpoint"] = {
    "type": "object",
    "required": ["sequence", "chainHash", "time", "signature"],
    "description": "A signed checkpoint: the chain hash after a record, signed with the audit key (ECDSA P-256).",
    "properties": {
        "sequence": {"type": "integer", "description": "The sequence number of the last record it covers."},
        "chainHash": {"type": "string", "description": "The chain hash after that record, lowercase hex."},
        "time": {"type": "integer", "description": "When it was made: microseconds since the Unix epoch."},
        "signature": {"type": "string", "contentEncoding": "base64",
                      "description": "DER ECDSA signature over `kms-audit-checkpoint-v1|<sequence>|<chainHash>|<time>`."},
    },
}

schemas["AuditRecord"] = {
    "type": "object",
    "required": ["sequence", "time", "requestId", "api", "action", "outcome", "hash"],
    "description": "One request as the audit log recorded it. Never plaintext, key material or secrets.",
    "properties": {
        "sequence": {"type": "integer"},
        "time": date("When the request was served."),
        "requestId": {"type": "string"},
        "principalId": {"type": "string"},
        "principalName": {"type": "string"},
        "accessKeyId": {"type": "string"},
        "sourceAddress": {"type": "string"},
        "userAgent": {"type": "string"},
        "api": {"type": "string", "description": "REST, AWS, or SERVICE for what the service did on its own (such as DeleteExpiredKeyMaterial)."},
        "action": {"type": "string", "examples": ["GenerateDataKey"]},
        "keyId": {"type": "string"},
        "keyArn": {"type": "string"},
        "keyVersion": {"type": "integer"},
        "keyReference": {"type": "string", "description": "The key as the request named it (alias, ARN or id)."},
        "encryptionContext": ref("EncryptionContext"),
        "grantId": {"type": "string"},
        "outcome": {"type": "string", "enum": ["allowed", "denied", "error"]},
        "errorCode": {"type": "string"},
        "reason": {"type": "string", "description": "For denials: the binding, condition or policy statement that failed."},
        "hash": {"type": "string", "description": "The chain hash after this record, lowercase hex."},
    },
}

schemas["QueryAuditLogResponse"] = {
    "type": "object",
    "required": ["records", "lastSequence"],
    "properties": {
        "records": {"type": "array", "items": ref("AuditRecord"), "description": "Oldest first."},
        "nextSequence": {"type": "integer", "description": "Present when more may follow: pass it as `afterSequence`."},
        "lastSequence": {"type": "integer", "description": "The newest sequence number in the log."},
    },
}

schemas["GetAuditCheckpointResponse"] = {
    "type": "object",
    "required": ["publicKey"],
    "properties": {
        "checkpoint": ref("AuditCheckpoint"),
        "publicKey": {"type": "string", "description": "The audit public key (PEM) that verifies checkpoints."},
    },
}

schemas["VerifyAuditLogRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"anchor": dict(ref("AuditCheckpoint"), description=(
        "A checkpoint saved elsewhere earlier: the log must still reach it (detects truncation)."))},
}

schemas["AuditVerification"] = {
    "type": "object",
    "required": ["ok", "recordsChecked", "checkpointsChecked"],
    "properties": {
        "ok": {"type": "boolean"},
        "recordsChecked": {"type": "integer"},
        "checkpointsChecked": {"type": "integer"},
        "firstSequence": {"type": "integer"},
        "lastSequence": {"type": "integer"},
        "firstBadSequence": {"type": "integer", "description": "The first sequence number at which something is wrong."},
        "problem": {"type": "string"},
    },
}

schemas["PruneAuditLogRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["beforeSequence"],
    "properties": {"beforeSequence": {"type": "integer", "minimum": 1,
                                      "description": "Delete records before the newest checkpoint below this sequence."}},
}

schemas["PruneAuditLogResponse"] = {
    "type": "object",
    "required": ["deleted"],
    "properties": {
        "deleted": {"type": "integer"},
        "anchor": dict(ref("AuditCheckpoint"), description="The checkpoint the remaining chain now starts from."),
    },
}

# --------------------------------------------------------------------------- grants

GRANT_OPERATIONS = [
    "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "Sign", "Verify", "GetPublicKey",
    "GenerateMac", "VerifyMac", "DescribeKey", "CreateGrant", "RetireGrant",
]
PRINCIPAL_ARN_EXAMPLE = "arn:aws:iam::000000000000:user/build-pipeline"
PRINCIPAL_REF = {
    "type": "string",
    "minLength": 1,
    "description": "A principal: its name or its ARN `arn:aws:iam::<account>:user/<name>`.",
    "examples": ["build-pipeline", PRINCIPAL_ARN_EXAMPLE],
}
KEY_ONLY = {
    "type": "string",
    "minLength": 1,
    "maxLength": 2048,
    "description": "A key id or key ARN (aliases are not accepted).",
    "examples": [KEY_ID_EXAMPLE],
}
GRANT_ID = {
    "type": "string",
    "description": "The grant id (64 lowercase hex digits).",
    "examples": ["0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"],
}
GRANT_CONTEXT = {
    "type": "object",
    "additionalProperties": {"type": "string", "maxLength": 384},
    "maxProperties": 8,
    "description": "Encryption context pairs: at most 8, values of at most 384 characters.",
    "examples": [{"tenant": "acme"}],
}

schemas["GrantConstraints"] = {
    "type": "object",
    "description": (
        "Limits a grant to requests whose encryption context contains all of encryptionContextSubset, or equals "
        "encryptionContextEquals exactly. A request may give at most one of the two (400 ValidationError)."
    ),
    "properties": {
        "encryptionContextSubset": dict(GRANT_CONTEXT, description=(
            "The request's encryption context must contain these pairs. " + GRANT_CONTEXT["description"])),
        "encryptionContextEquals": dict(GRANT_CONTEXT, description=(
            "The request's encryption context must be exactly these pairs. " + GRANT_CONTEXT["description"])),
    },
}

schemas["CreateGrantRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["keyId", "granteePrincipal", "operations"],
    "properties": {
        "keyId": dict(KEY_ONLY, description="The key the grant is on: " + KEY_ONLY["description"][2:]),
        "granteePrincipal": dict(PRINCIPAL_REF, description=(
            "Who receives the permissions: " + PRINCIPAL_REF["description"][2:] + " It must exist (else 400 "
            "ValidationError).")),
        "retiringPrincipal": dict(PRINCIPAL_REF, description=(
            "Who may retire the grant besides principals allowed kms:RetireGrant on the key: "
            + PRINCIPAL_REF["description"][2:] + " It must exist (else 400 ValidationError).")),
        "operations": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {"type": "string", "enum": GRANT_OPERATIONS},
            "description": (
                "The operations the grant allows (1–20; duplicates are ignored). Only these operations can be "
                "granted; others give 400 ValidationError."
            ),
        },
        "constraints": ref("GrantConstraints"),
        "grantTokens": ref("GrantTokens"),
        "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 256,
            "pattern": "^[a-zA-Z0-9:/_-]+$",
            "description": (
                "A friendly name (letters, digits and `: / _ -`). Creating a grant with the same name and the same "
                "key, grantee, operations, retiring principal and constraints returns the existing grant."
            ),
        },
        "dryRun": DRY_RUN,
    },
}

schemas["CreateGrantResponse"] = {
    "type": "object",
    "required": ["grantToken", "grantId"],
    "properties": {
        "grantToken": {
            "type": "string",
            "description": "The grant's token, for GrantTokens and RetireGrant. Anyone holding it can retire the grant.",
        },
        "grantId": GRANT_ID,
    },
}

schemas["GrantListEntry"] = {
    "type": "object",
    "required": ["keyId", "grantId", "creationDate", "granteePrincipal", "issuingAccount", "operations"],
    "properties": {
        "keyId": {"type": "string", "description": "The key ARN.", "examples": [KEY_ARN_EXAMPLE]},
        "grantId": GRANT_ID,
        "name": {"type": "string", "description": "Present when the grant was created with a name."},
        "creationDate": date("When the grant was created."),
        "granteePrincipal": {"type": "string", "description": "The grantee's ARN.", "examples": [PRINCIPAL_ARN_EXAMPLE]},
        "retiringPrincipal": {"type": "string", "description": "The retiring principal's ARN; present when there is one."},
        "issuingAccount": {"type": "string", "examples": ["arn:aws:iam::000000000000:root"]},
        "operations": {
            "type": "array",
            "items": {"type": "string", "enum": GRANT_OPERATIONS},
            "description": "The granted operations, sorted.",
        },
        "constraints": dict(ref("GrantConstraints"), description="Present when the grant has constraints."),
    },
}

schemas["ListGrantsResponse"] = paged("grants", ref("GrantListEntry"))

schemas["RetireGrantRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "description": "Give grantToken, or keyId and grantId (grantToken wins when both are given).",
    "anyOf": [{"required": ["grantToken"]}, {"required": ["keyId", "grantId"]}],
    "properties": {
        "grantToken": {
            "type": "string",
            "description": "The grant's token; an unknown token gives 400 InvalidGrantToken.",
        },
        "keyId": dict(KEY_ONLY, description="The key the grant is on: " + KEY_ONLY["description"][2:]),
        "grantId": GRANT_ID,
        "dryRun": dict(DRY_RUN, description=(
            "If true, nothing is done: the grant is looked up and the caller's right to retire it checked, then "
            "the answer is 412 DryRunOperation.")),
    },
}

schemas["RevokeGrantRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"dryRun": DRY_RUN},
}

# --------------------------------------------------------------------------- key policies

schemas["GetKeyPolicyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "policyName": {
            "type": "string",
            "enum": ["default"],
            "default": "default",
            "description": "The only key policy is `default`; any other name gives 404 NotFound.",
        }
    },
}

schemas["GetKeyPolicyResponse"] = {
    "type": "object",
    "required": ["policy", "policyName"],
    "properties": {
        "policy": {
            "type": "string",
            "description": (
                "The policy document, a JSON text, exactly as stored; until PutKeyPolicy, the default policy (one "
                "statement allowing the account root `kms:*`, which allows nothing beyond roles and bindings)."
            ),
        },
        "policyName": {"type": "string", "enum": ["default"]},
    },
}

schemas["PutKeyPolicyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["policy"],
    "properties": {
        "policyName": {
            "type": "string",
            "enum": ["default"],
            "default": "default",
            "description": "Must be `default` (else 400 ValidationError).",
        },
        "policy": {
            "type": "string",
            "maxLength": 32768,
            "description": (
                "The policy document as a JSON text (at most 32768 bytes) in the AWS policy grammar: Version "
                "(2012-10-17), optional Id, and Statement (an object or a non-empty array) whose statements have "
                "Effect Allow or Deny, Principal (`*` or {\"AWS\": ARN or list}), Action or NotAction (`kms:…` or `*`, "
                "a string or a list), Resource or NotResource, and optional Sid and Condition. Anything else gives 400 "
                "MalformedPolicyDocument. Deny statements are enforced (Condition is not evaluated); Allow statements "
                "grant nothing beyond roles, bindings and grants."
            ),
            "examples": [
                '{"Version":"2012-10-17","Statement":[{"Sid":"NoDecrypt","Effect":"Deny",'
                '"Principal":{"AWS":"arn:aws:iam::000000000000:user/build-pipeline"},"Action":"kms:Decrypt",'
                '"Resource":"*"}]}'
            ],
        },
        "bypassPolicyLockoutSafetyCheck": {
            "type": "boolean",
            "default": False,
            "description": (
                "A policy that would deny the caller kms:PutKeyPolicy on this key is refused with 400 "
                "MalformedPolicyDocument unless this is true."
            ),
        },
    },
}

schemas["ListKeyPoliciesResponse"] = {
    "type": "object",
    "required": ["policyNames", "truncated"],
    "properties": {
        "policyNames": {"type": "array", "items": {"type": "string", "enum": ["default"]}, "examples": [["default"]]},
        "truncated": {"type": "boolean", "description": "Always false."},
    },
}

# --------------------------------------------------------------------------- principals and access keys

ACCESS_KEY_ID = {
    "type": "string",
    "description": "The access key id: `AKIA` and 16 characters of A–Z and 2–7.",
    "examples": ["AKIAQ7XJ2M5N4B6C3DEF"],
}
ACCESS_KEY_STATUS = {
    "type": "string",
    "enum": ["Active", "Inactive"],
    "description": "Only Active keys can sign requests; an Inactive key gives 403 UnrecognizedClient.",
}

schemas["AccessKeyInfo"] = {
    "type": "object",
    "required": ["accessKeyId", "status", "createDate"],
    "properties": {
        "accessKeyId": ACCESS_KEY_ID,
        "status": ACCESS_KEY_STATUS,
        "createDate": date("When the access key was created."),
        "lastUsedDate": date("When the access key last signed a request that verified; absent if never."),
    },
}

FINGERPRINT_DESC = (
    "The client certificate bound to the principal as a second factor: the SHA-256 of the certificate's DER "
    "(`openssl x509 -in cert.pem -outform DER | sha256sum`), as 64 hex digits. A bound principal's requests are "
    "served only over TLS with exactly that client certificate, verified against the server's client CA; "
    "otherwise 403 AccessDenied (the audit record names the reason).")

schemas["Principal"] = {
    "type": "object",
    "description": "A principal. Secrets never appear here.",
    "required": ["name", "principalId", "arn", "kind", "enabled", "createDate"],
    "properties": {
        "name": {"type": "string", "examples": ["build-pipeline"]},
        "principalId": {"type": "string", "description": "A lowercase UUID.", "examples": [KEY_ID_EXAMPLE]},
        "arn": {"type": "string", "examples": [PRINCIPAL_ARN_EXAMPLE]},
        "kind": {"type": "string", "enum": ["user", "service", "pipeline"]},
        "enabled": {"type": "boolean", "description": "A disabled principal's requests give 403 UnrecognizedClient."},
        "createDate": date("When the principal was created."),
        "clientCertificateFingerprint": {
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": FINGERPRINT_DESC + " Lowercase; absent when no certificate is bound.",
            "examples": ["3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455"],
        },
        "accessKeys": {
            "type": "array",
            "items": ref("AccessKeyInfo"),
            "description": "The principal's access keys, oldest first (without secrets). Absent in ListPrincipals.",
        },
    },
}

schemas["NewAccessKey"] = {
    "type": "object",
    "required": ["accessKeyId", "secretAccessKey"],
    "properties": {
        "accessKeyId": ACCESS_KEY_ID,
        "secretAccessKey": {
            "type": "string",
            "description": (
                "The secret access key, as plain text (40 base64 characters), for signing requests with SigV4. "
                "It is shown only in this response: the service stores it wrapped and never returns it again. "
                "Keep it secret."
            ),
        },
    },
}

PRINCIPAL_NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": 64,
    "pattern": "^[A-Za-z0-9._@+=,-]+$",
    "description": "1–64 letters, digits or `. _ @ + = , -`; unique.",
    "examples": ["build-pipeline"],
}

schemas["CreatePrincipalRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name"],
    "properties": {
        "name": PRINCIPAL_NAME,
        "kind": {"type": "string", "enum": ["user", "service", "pipeline"], "default": "service"},
        "clientCertificateFingerprint": {
            "type": "string",
            "pattern": "^[0-9A-Fa-f]{64}$",
            "description": FINGERPRINT_DESC + " Either case; stored in lowercase. Absent: no certificate is bound.",
            "examples": ["3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455"],
        },
    },
}

schemas["CreatePrincipalResponse"] = {
    "type": "object",
    "required": ["principal", "accessKey"],
    "properties": {
        "principal": ref("Principal"),
        "accessKey": dict(ref("NewAccessKey"), description=(
            "The principal's first access key. `accessKey.secretAccessKey` is the secret in plain text, shown "
            "only in this response.")),
    },
}

schemas["ListPrincipalsResponse"] = paged("principals", ref("Principal"))

schemas["DescribePrincipalResponse"] = {
    "type": "object",
    "required": ["principal"],
    "properties": {"principal": ref("Principal")},
}

schemas["UpdatePrincipalRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "description": "At least one member; members left out stay as they are.",
    "anyOf": [{"required": ["enabled"]}, {"required": ["clientCertificateFingerprint"]}],
    "properties": {
        "enabled": {"type": "boolean", "description": "False disables the principal: none of its access keys work."},
        "clientCertificateFingerprint": {
            "type": "string",
            "pattern": "^([0-9A-Fa-f]{64})?$",
            "description": FINGERPRINT_DESC + " Binds this certificate, replacing any bound before; the empty "
                           "string clears the binding.",
            "examples": ["3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455", ""],
        },
    },
}

schemas["CreateAccessKeyResponse"] = {
    "type": "object",
    "required": ["accessKey"],
    "properties": {
        "accessKey": dict(ref("NewAccessKey"), description=(
            "The new access key. `accessKey.secretAccessKey` is the secret in plain text, shown only in this "
            "response.")),
    },
}

schemas["UpdateAccessKeyRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {"status": ACCESS_KEY_STATUS},
}

# --------------------------------------------------------------------------- roles

ACTION_NAME = {
    "type": "string",
    "description": (
        "An action: `kms:<Operation>` (the key operations of this API, including ReEncryptFrom and ReEncryptTo), "
        "`iam:<Operation>` (principals, access keys, roles, bindings) or `audit:ReadAuditLog`."
    ),
    "examples": ["kms:Encrypt"],
}

schemas["Role"] = {
    "type": "object",
    "required": ["name", "description", "actions", "builtIn"],
    "properties": {
        "name": {"type": "string", "examples": ["key-user"]},
        "description": {"type": "string"},
        "actions": {"type": "array", "items": ACTION_NAME, "description": "The role's actions, sorted."},
        "builtIn": {
            "type": "boolean",
            "description": (
                "True for the built-in roles admin, key-admin, key-user, encrypt-only, decrypt-only and auditor, "
                "which cannot be changed or deleted."
            ),
        },
    },
}

schemas["RoleResponse"] = {
    "type": "object",
    "required": ["role"],
    "properties": {"role": ref("Role")},
}

schemas["ListRolesResponse"] = {
    "type": "object",
    "required": ["roles"],
    "properties": {"roles": {"type": "array", "items": ref("Role"), "description": "Every role, sorted by name."}},
}

ROLE_ACTIONS_IN = {
    "type": "array",
    "minItems": 1,
    "items": dict(ACTION_NAME, description=ACTION_NAME["description"] + " The prefix may be omitted (`Encrypt`)."),
    "description": "At least one action; unknown names give 400 ValidationError.",
}

schemas["CreateRoleRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "actions"],
    "properties": {
        "name": {
            "type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$",
            "description": "1–64 letters, digits, `-` or `_`; unique.", "examples": ["ci-encrypt"],
        },
        "description": {"type": "string", "maxLength": 8192, "description": "At most 8192 characters. Default: empty."},
        "actions": ROLE_ACTIONS_IN,
    },
}

schemas["UpdateRoleRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "minProperties": 1,
    "description": "What to change: description, actions or both (an empty object is 400 ValidationError).",
    "properties": {
        "description": {"type": "string", "maxLength": 8192, "description": "The new description, if given."},
        "actions": dict(ROLE_ACTIONS_IN, description="The new actions (replacing the old ones), if given. "
                        + ROLE_ACTIONS_IN["description"]),
    },
}

# --------------------------------------------------------------------------- bindings

schemas["BindingCondition"] = {
    "type": "object",
    "required": ["key"],
    "description": (
        "A condition on the request's encryption context: with `equals`, the context has `key` with exactly this "
        "value; with `matches`, a value matching the glob (`*` any run of characters, `?` one); with neither, the "
        "context merely has `key`. At most one of equals and matches (400 ValidationError)."
    ),
    "not": {"required": ["equals", "matches"]},
    "properties": {
        "key": {"type": "string", "minLength": 1, "examples": ["tenant"]},
        "equals": {"type": "string", "examples": ["acme"]},
        "matches": {"type": "string", "examples": ["acme-*"]},
    },
}

BINDING_EFFECT = {
    "type": "string",
    "enum": ["Allow", "Deny"],
    "description": "Allow gives the role's actions; Deny takes them away and wins over every Allow and grant.",
}

schemas["CreateBindingRequest"] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["principal", "role"],
    "description": (
        "Exactly one scope must be given: allKeys (true), keyId, aliasPrefix, or tagKey with tagValue "
        "(400 ValidationError otherwise)."
    ),
    "oneOf": [
        {"required": ["allKeys"], "properties": {"allKeys": {"const": True}}},
        {"required": ["keyId"]},
        {"required": ["aliasPrefix"]},
        {"required": ["tagKey", "tagValue"]},
    ],
    "dependentRequired": {"tagKey": ["tagValue"], "tagValue": ["tagKey"]},
    "properties": {
        "principal": dict(PRINCIPAL_REF, description="Who the binding is for: " + PRINCIPAL_REF["description"][2:]),
        "role": {"type": "string", "description": "The role's name (built-in or custom).", "examples": ["key-user"]},
        "effect": dict(BINDING_EFFECT, default="Allow"),
        "allKeys": {
            "type": "boolean",
            "description": (
                "Scope: every key, and the actions on no particular key (CreateKey, ListKeys, GenerateRandom, "
                "ListRetirableGrants, the principal, role and binding operations, reading the audit log), which "
                "only an all-keys binding can allow. Only true selects this scope."
            ),
        },
        "keyId": dict(ANY_KEY, description=(
            "Scope: one key. " + ANY_KEY["description"] + " An alias is resolved now: the binding follows the key, "
            "not later changes of the alias.")),
        "aliasPrefix": {
            "type": "string",
            "pattern": "^alias/[^*]+\\*?$",
            "description": (
                "Scope: the keys that have an alias beginning with this prefix, at the time of each request. "
                "`alias/` followed by at least one character; a trailing `*` is optional and dropped."
            ),
            "examples": ["alias/team-a/"],
        },
        "tagKey": {"type": "string", "description": "Scope (with tagValue): the keys that have this tag.", "examples": ["team"]},
        "tagValue": {"type": "string", "description": "The tag value, matched exactly.", "examples": ["payments"]},
        "conditions": {
            "type": "array",
            "maxItems": 16,
            "items": ref("BindingCondition"),
            "description": (
                "At most 16 conditions, all of which must hold. A binding with conditions applies only to requests "
                "whose encryption context meets them: Encrypt, Decrypt, ReEncrypt, GenerateDataKey and "
                "GenerateDataKeyWithoutPlaintext. Other requests carry no encryption context, so conditional "
                "bindings never allow or deny them."
            ),
        },
    },
}

schemas["Binding"] = {
    "type": "object",
    "description": "A binding. Exactly one of the scope members allKeys, keyId, aliasPrefix and tagKey/tagValue is present.",
    "required": ["bindingId", "principal", "role", "effect", "conditions", "createDate"],
    "properties": {
        "bindingId": {"type": "string", "description": "A lowercase UUID.", "examples": [KEY_ID_EXAMPLE]},
        "principal": {"type": "string", "description": "The principal's name.", "examples": ["build-pipeline"]},
        "role": {"type": "string", "examples": ["key-user"]},
        "effect": BINDING_EFFECT,
        "allKeys": {"type": "boolean", "enum": [True], "description": "Present (true) for an all-keys scope."},
        "keyId": {"type": "string", "description": "The key id, for a one-key scope.", "examples": [KEY_ID_EXAMPLE]},
        "aliasPrefix": {"type": "string", "description": "The alias prefix (without `*`), for an alias scope.",
                        "examples": ["alias/team-a/"]},
        "tagKey": {"type": "string", "description": "For a tag scope."},
        "tagValue": {"type": "string", "description": "For a tag scope."},
        "conditions": {"type": "array", "items": ref("BindingCondition"), "description": "Empty when unconditional."},
        "createDate": date("When the binding was created."),
    },
}

schemas["BindingResponse"] = {
    "type": "object",
    "required": ["binding"],
    "properties": {"binding": ref("Binding")},
}

schemas["ListBindingsResponse"] = {
    "type": "object",
    "required": ["bindings"],
    "properties": {
        "bindings": {"type": "array", "items": ref("Binding"), "description": "Oldest first."},
    },
}

schemas["Health"] = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok"]}},
}


def pattern_base64(value):
    """Adds BASE64_PATTERN to every base64 string schema under `value`."""
    if isinstance(value, dict):
        if value.get("contentEncoding") == "base64" and "pattern" not in value:
            value["pattern"] = BASE64_PATTERN
        for item in value.values():
            pattern_base64(item)
    elif isinstance(value, list):
        for item in value:
            pattern_base64(item)


# The audit checkpoint's signature is kept as the text it was given (a request's anchor is compared, not decoded).
for name, schema in schemas.items():
    if name != "AuditCheckpoint":
        pattern_base64(schema)

# --------------------------------------------------------------------------- responses, headers, parameters

headers = {
    "RequestId": {
        "description": "The id of this request (also in error bodies and the audit log).",
        "schema": {"type": "string"},
    },
    "AmznRequestId": {
        "description": "The same request id, under the header name AWS SDKs read.",
        "schema": {"type": "string"},
    },
}
RESPONSE_HEADERS = {"x-request-id": ref("RequestId", "headers"), "x-amzn-RequestId": ref("AmznRequestId", "headers")}


def error_response(description):
    return {
        "description": description,
        "headers": RESPONSE_HEADERS,
        "content": {"application/json": {"schema": ref("Error")}},
    }


responses = {
    "BadRequest": error_response(
        "The request is not valid: ValidationError (a missing, unknown or out-of-range member, a path member "
        "repeated in the body, an unknown, repeated or empty query parameter, or an update with nothing to change), MalformedRequest (not a JSON object), or a domain error such as InvalidCiphertext, "
        "IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, "
        "UnsupportedOperation, InvalidGrantToken, InvalidGrantId, MalformedPolicyDocument, InvalidImportToken, ExpiredImportToken, "
        "IncorrectKeyMaterial, KMSInvalidSignature (Verify: the signature is not valid) or KMSInvalidMac "
        "(VerifyMac: the MAC is not valid)."),
    "Forbidden": error_response(
        "Authentication or authorization failed: MissingAuthentication, IncompleteSignature, UnrecognizedClient "
        "(an unknown or inactive access key, or a disabled principal), InvalidSignature (including a clock skew "
        "over 5 minutes or a wrong credential scope), or AccessDenied (no binding or grant allows the request, or "
        "a deny binding or key policy statement refuses it, or the principal has a bound client certificate the "
        "request did not present over TLS; the reason is logged, not returned)."),
    "NotFound": error_response(
        "NotFound: the named key, alias, grant, principal, access key, role or binding does not exist, or the "
        "identifier form is not accepted by this operation."),
    "Conflict": error_response(
        "The resource is in a state that does not allow the operation: Disabled, InvalidState (e.g. a key pending "
        "deletion, a role still used by bindings, or a change that would leave no enabled administrator) or "
        "AlreadyExists."),
    "DryRun": error_response(
        "DryRunOperation: dryRun was true and the caller is allowed the request; nothing was done."),
    "PayloadTooLarge": error_response("PayloadTooLarge: the request body exceeds 65536 bytes."),
    "UnsupportedMediaType": error_response(
        "UnsupportedMediaType: the Content-Type is neither application/json nor application/x-amz-json-*."),
    "Throttled": error_response("Throttled: too many requests; retry with backoff."),
    "InternalError": error_response("InternalError or KeyUnavailable: the server could not complete the request."),
    "ServiceUnavailable": error_response(
        "DependencyTimeout or AuditUnavailable: the key store or audit log is unavailable; the request was not "
        "applied. Safe to retry."),
}

ERROR_REFS = {
    "400": "BadRequest", "403": "Forbidden", "404": "NotFound", "409": "Conflict", "412": "DryRun",
    "413": "PayloadTooLarge",
    "415": "UnsupportedMediaType", "429": "Throttled", "500": "InternalError", "503": "ServiceUnavailable",
}

PCT = (
    "Path parameters are percent-decoded, so any `/` in an ARN or alias name must be sent as `%2F` "
    "(e.g. `arn:aws:kms:us-east-1:000000000000:key%2F" + KEY_ID_EXAMPLE + "`)."
)

parameters = {
    "KeyIdPath": {
        "name": "keyId",
        "in": "path",
        "required": True,
        "description": (
            "The key: a key id or a key ARN (aliases are not accepted here and give 404). " + PCT
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 2048},
        "examples": {"keyId": {"value": KEY_ID_EXAMPLE},
                     "keyArn": {"value": "arn:aws:kms:us-east-1:000000000000:key%2F" + KEY_ID_EXAMPLE}},
    },
    "AnyKeyIdPath": {
        "name": "keyId",
        "in": "path",
        "required": True,
        "description": (
            "The key: a key id, key ARN, alias name or alias ARN. " + PCT.replace("(e.g.", "(e.g. `alias%2Fmy-key` or")
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 2048},
        "examples": {"keyId": {"value": KEY_ID_EXAMPLE}, "aliasName": {"value": "alias%2Fmy-key"}},
    },
    "AliasNamePath": {
        "name": "aliasName",
        "in": "path",
        "required": True,
        "description": (
            "The alias name, with its `/` percent-encoded: `alias%2Fmy-key` names `alias/my-key`. "
            "After decoding it must match `^alias/[a-zA-Z0-9:/_-]+$`."
        ),
        "schema": {"type": "string", "minLength": 1},
        "examples": {"aliasName": {"value": "alias%2Fmy-key"}},
    },
    "Marker": {
        "name": "marker",
        "in": "query",
        "required": False,
        "description": "The `nextMarker` of the previous page; markers are opaque and valid only for the same listing.",
        "schema": {"type": "string", "minLength": 1},
    },
    "GrantIdPath": {
        "name": "grantId",
        "in": "path",
        "required": True,
        "description": "The grant id, as returned by CreateGrant.",
        "schema": {"type": "string", "minLength": 1},
    },
    "PrincipalPath": {
        "name": "principal",
        "in": "path",
        "required": True,
        "description": (
            "The principal: its name, or its ARN `arn:aws:iam::<account>:user/<name>` with the `/` sent as `%2F` "
            "(path parameters are percent-decoded)."
        ),
        "schema": {"type": "string", "minLength": 1},
        "examples": {"name": {"value": "build-pipeline"},
                     "arn": {"value": "arn:aws:iam::000000000000:user%2Fbuild-pipeline"}},
    },
    "AccessKeyIdPath": {
        "name": "accessKeyId",
        "in": "path",
        "required": True,
        "description": "The access key id; it must belong to the principal in the path (else 404 NotFound).",
        "schema": {"type": "string", "minLength": 1},
        "examples": {"accessKeyId": {"value": "AKIAQ7XJ2M5N4B6C3DEF"}},
    },
    "RoleNamePath": {
        "name": "name",
        "in": "path",
        "required": True,
        "description": "The role's name.",
        "schema": {"type": "string", "minLength": 1},
        "examples": {"builtIn": {"value": "key-user"}},
    },
    "BindingIdPath": {
        "name": "bindingId",
        "in": "path",
        "required": True,
        "description": "The binding id, as returned by CreateBinding or ListBindings.",
        "schema": {"type": "string", "minLength": 1},
    },
}


def limit_param(low, high, default):
    return {
        "name": "limit",
        "in": "query",
        "required": False,
        "description": f"Maximum number of items in the page ({low}–{high}, default {default}).",
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


# --------------------------------------------------------------------------- operations

def success(status, schema_name, description):
    return {
        status: {
            "description": description,
            "headers": RESPONSE_HEADERS,
            "content": {"application/json": {"schema": ref(schema_name)}},
        }
    }


def op(operation_id, tag, summary, description, status, out_schema, out_desc, *, errors, params=(),
       body=None, body_required=True):
    responses_ = success(status, out_schema, out_desc)
    base = ["400", "403", "413", "415", "429", "500", "503"]
    codes = sorted(set(base) | set(errors))
    for code in codes:
        responses_[code] = ref(ERROR_REFS[code], "responses")
    operation = {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": description,
    }
    if params:
        operation["parameters"] = list(params)
    if body:
        operation["requestBody"] = {
            "required": body_required,
            "content": {"application/json": {"schema": ref(body)}},
        }
    operation["responses"] = responses_
    return operation


KEY = ref("KeyIdPath", "parameters")
ANYKEY = ref("AnyKeyIdPath", "parameters")
ALIAS = ref("AliasNamePath", "parameters")
MARKER = ref("Marker", "parameters")
EMPTY_DESC = "Done; the body is `{}`."

paths = {}


schemas["Readiness"] = {
    "type": "object",
    "required": ["ready", "store", "audit"],
    "additionalProperties": False,
    "properties": {
        "ready": {"type": "boolean", "description": "True exactly when both `store` and `audit` are true."},
        "store": {"type": "boolean", "description": "Whether the key store can be written."},
        "audit": {
            "type": "boolean",
            "description": "Whether the audit log takes records. While it is false every authenticated request is "
                           "refused with 503 AuditUnavailable.",
        },
    },
}

# --------------------------------------------------------------------------- audit log

SEQUENCE = {"type": "integer", "format": "int64", "minimum": 1}
CHAIN_HASH = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PEM_EXAMPLE = (
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…\n"
    "-----END PUBLIC KEY-----\n"
)


def add(method, path, operation):
    paths.setdefault(path, {})[method] = operation


add("get", "/v1/health", {
    "operationId": "GetHealth",
    "tags": ["Service"],
    "summary": "Liveness check",
    "description": "Unauthenticated. Returns 200 while the server is serving requests.",
    "security": [],
    "responses": success("200", "Health", "The server is up."),
})
add("get", "/v1/openapi.json", {
    "operationId": "GetOpenAPIDocument",
    "tags": ["Service"],
    "summary": "This document",
    "description": "Unauthenticated. The OpenAPI 3.1 description of the REST API.",
    "security": [],
    "responses": {
        "200": {
            "description": "The OpenAPI document.",
            "headers": RESPONSE_HEADERS,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
})

add("get", "/v1/ready", {
    "operationId": "GetReadiness",
    "tags": ["Service"],
    "summary": "Readiness check",
    "description": (
        "Unauthenticated. Whether the server can serve requests: the key store can be written and the audit log "
        "takes records. Unlike /v1/health, it answers 503 while either cannot; the body is the same either way."
    ),
    "security": [],
    "responses": {
        "200": {
            "description": "Ready.",
            "headers": RESPONSE_HEADERS,
            "content": {"application/json": {
                "schema": ref("Readiness"),
                "examples": {"ready": {"value": {"ready": True, "store": True, "audit": True}}},
            }},
        },
        "503": {
            "description": (
                "Not ready: the store or the audit log cannot be written (authenticated requests get 503 "
                "AuditUnavailable meanwhile). Not an error body."
            ),
            "headers": RESPONSE_HEADERS,
            "content": {"application/json": {
                "schema": ref("Readiness"),
                "examples": {"auditUnavailable": {"value": {"ready": False, "store": True, "audit": False}}},
            }},
        },
    },
})
add("get", "/metrics", {
    "operationId": "GetMetrics",
    "tags": ["Service"],
    "summary": "Prometheus metrics",
    "description": (
        "Unauthenticated. Metrics in the Prometheus text exposition format (`Content-Type: text/plain; "
        "version=0.0.4`): `kms_requests_total{action,outcome}`, `kms_request_duration_seconds{action}` (a "
        "histogram), `kms_audit_queue_depth`, `kms_audit_healthy`, `kms_audit_last_sequence`, "
        "`kms_key_material_cache_total{result}`, `kms_keys{state}` and `kms_throttled_total`. Note the path: "
        "`/metrics`, not under `/v1`."
    ),
    "security": [],
    "responses": {
        "200": {
            "description": "The metrics.",
            "headers": RESPONSE_HEADERS,
            "content": {"text/plain": {
                "schema": {"type": "string"},
                "example": "# TYPE kms_audit_healthy gauge\nkms_audit_healthy 1\n",
            }},
        }
    },
})
add("get", "/v1/audit/public-key", {
    "operationId": "GetAuditPublicKey",
    "tags": ["Service"],
    "summary": "The audit signing public key",
    "description": (
        "Unauthenticated. The ECDSA P-256 public key (PEM, SubjectPublicKeyInfo) that verifies the audit log's "
        "checkpoint signatures, also stored as `audit-public.pem` in the data directory."
    ),
    "security": [],
    "responses": {
        "200": {
            "description": "The public key.",
            "headers": RESPONSE_HEADERS,
            "content": {"application/x-pem-file": {"schema": {"type": "string"}, "example": PEM_EXAMPLE}},
        }
    },
})


add("post", "/v1/keys", op(
    "CreateKey", "Keys", "Create a key",
    "Creates a key with fresh key material: symmetric (SYMMETRIC_DEFAULT, AES-256-GCM, the default), RSA or ECC "
    "(a private key that never leaves the service) or HMAC. With origin EXTERNAL the key has no material and "
    "waits in PendingImport for ImportKeyMaterial. The body may be omitted or `{}` for all defaults.",
    "201", "KeyMetadataResponse", "The key was created.", errors=[],
    body="CreateKeyRequest", body_required=False))
add("get", "/v1/keys", op(
    "ListKeys", "Keys", "List keys",
    "Every key of this server, in any state, sorted by key id.",
    "200", "ListKeysResponse", "One page of keys.", errors=[],
    params=[limit_param(1, 1000, 100), MARKER]))
add("get", "/v1/keys/{keyId}", op(
    "DescribeKey", "Keys", "Describe a key",
    "A key's metadata, in any state. The optional body is accepted for AWS compatibility only.",
    "200", "KeyMetadataResponse", "The key's metadata.", errors=["404"],
    params=[ANYKEY], body="DescribeKeyRequest", body_required=False))
add("patch", "/v1/keys/{keyId}", op(
    "UpdateKeyDescription", "Keys", "Update a key's description",
    "Replaces the description. Refused (409 InvalidState) while the key is pending deletion.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"],
    params=[KEY], body="UpdateKeyDescriptionRequest"))
add("post", "/v1/keys/{keyId}/enable", op(
    "EnableKey", "Keys", "Enable a key",
    "Makes a disabled key usable again (idempotent). Refused (409 InvalidState) for keys pending deletion or import.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[KEY]))
add("post", "/v1/keys/{keyId}/disable", op(
    "DisableKey", "Keys", "Disable a key",
    "Refuses every cryptographic use of the key until it is enabled again (idempotent). "
    "Refused (409 InvalidState) for keys pending deletion or import.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[KEY]))
add("post", "/v1/keys/{keyId}/schedule-deletion", op(
    "ScheduleKeyDeletion", "Keys", "Schedule key deletion",
    "Puts the key in PendingDeletion; its material is destroyed when the window ends unless deletion is "
    "cancelled. The body may be omitted for the default window of 30 days.",
    "200", "ScheduleKeyDeletionResponse", "Deletion is scheduled.", errors=["404", "409"],
    params=[KEY], body="ScheduleKeyDeletionRequest", body_required=False))
add("post", "/v1/keys/{keyId}/cancel-deletion", op(
    "CancelKeyDeletion", "Keys", "Cancel key deletion",
    "A key pending deletion becomes Disabled. Refused (409 InvalidState) if the key is not pending deletion.",
    "200", "KeyArnResponse", "Deletion is cancelled; the key is Disabled.", errors=["404", "409"], params=[KEY]))

add("get", "/v1/keys/{keyId}/tags", op(
    "ListResourceTags", "Tags", "List a key's tags",
    "The key's tags, sorted by tag key.",
    "200", "ListResourceTagsResponse", "One page of tags.", errors=["404"],
    params=[KEY, limit_param(1, 50, 50), MARKER]))
add("post", "/v1/keys/{keyId}/tags", op(
    "TagResource", "Tags", "Tag a key",
    "Adds tags, replacing the value of any tag key the key already has. Refused (409 InvalidState) while the "
    "key is pending deletion.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[KEY], body="TagResourceRequest"))
add("post", "/v1/keys/{keyId}/untag", op(
    "UntagResource", "Tags", "Untag a key",
    "Removes tags by key. Refused (409 InvalidState) while the key is pending deletion.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[KEY], body="UntagResourceRequest"))

add("get", "/v1/keys/{keyId}/rotation", op(
    "GetKeyRotationStatus", "Rotation", "Get rotation status",
    "Whether automatic rotation is enabled, its period and the next rotation date.",
    "200", "GetKeyRotationStatusResponse", "The rotation status.", errors=["404"], params=[KEY]))
add("post", "/v1/keys/{keyId}/rotation/enable", op(
    "EnableKeyRotation", "Rotation", "Enable automatic rotation",
    "Rotates the key material automatically every rotationPeriodInDays. The key must be enabled "
    "(409 Disabled / InvalidState otherwise). The body may be omitted for the default period of 365 days.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"],
    params=[KEY], body="EnableKeyRotationRequest", body_required=False))
add("post", "/v1/keys/{keyId}/rotation/disable", op(
    "DisableKeyRotation", "Rotation", "Disable automatic rotation",
    "Stops automatic rotation; existing versions keep decrypting. The key must be enabled "
    "(409 Disabled / InvalidState otherwise).",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[KEY]))
add("get", "/v1/keys/{keyId}/rotations", op(
    "ListKeyRotations", "Rotation", "List rotations",
    "The rotations the key has had (every version after the first), oldest first.",
    "200", "ListKeyRotationsResponse", "One page of rotations.", errors=["404"],
    params=[KEY, limit_param(1, 1000, 100), MARKER]))
add("post", "/v1/keys/{keyId}/rotations", op(
    "RotateKeyOnDemand", "Rotation", "Rotate now",
    "Adds a new version of the key material now (at most 25 on-demand rotations per key; then 400 "
    "LimitExceeded). The key must be enabled (409 Disabled / InvalidState otherwise).",
    "200", "KeyArnResponse", "The key was rotated.", errors=["404", "409"], params=[KEY]))

add("get", "/v1/aliases", op(
    "ListAliases", "Aliases", "List aliases",
    "All aliases, or those of one key, sorted by alias name.",
    "200", "ListAliasesResponse", "One page of aliases.", errors=["404"],
    params=[
        {
            "name": "keyId",
            "in": "query",
            "required": False,
            "description": "Only aliases that point at this key: a key id or key ARN (not an alias).",
            "schema": {"type": "string", "minLength": 1, "maxLength": 2048},
        },
        limit_param(1, 100, 50),
        MARKER,
    ]))
add("post", "/v1/aliases", op(
    "CreateAlias", "Aliases", "Create an alias",
    "Creates a friendly name for a key. 409 AlreadyExists if the name is taken, 409 InvalidState if the key "
    "is pending deletion; at most 50 aliases per key (400 LimitExceeded).",
    "201", "Empty", "The alias was created; the body is `{}`.", errors=["404", "409"], body="CreateAliasRequest"))
add("put", "/v1/aliases/{aliasName}", op(
    "UpdateAlias", "Aliases", "Point an alias at another key",
    "Points an existing alias at another key of the same key spec and key usage.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[ALIAS], body="UpdateAliasRequest"))
add("delete", "/v1/aliases/{aliasName}", op(
    "DeleteAlias", "Aliases", "Delete an alias",
    "Removes the alias; the key it pointed at is untouched.",
    "200", "Empty", EMPTY_DESC, errors=["404"], params=[ALIAS]))

CRYPTO_409 = "The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise."
DRY_RUN_NOTE = " With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed."
add("post", "/v1/encrypt", op(
    "Encrypt", "Cryptography", "Encrypt",
    "Encrypts up to 4096 bytes under the key's newest version with AES-256-GCM, bound to the encryption "
    "context. With an RSA key of usage ENCRYPT_DECRYPT: RSA-OAEP (encryptionAlgorithm RSAES_OAEP_SHA_1 or "
    "RSAES_OAEP_SHA_256, required), no encryption context, at most 214/190 (RSA_2048), 342/318 (RSA_3072) or "
    "470/446 (RSA_4096) bytes, and the ciphertext is the raw RSA block. Signing and MAC keys give 400 "
    "InvalidKeyUsage. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "EncryptResponse", "The ciphertext.", errors=["404", "409", "412"], body="EncryptRequest"))
add("post", "/v1/decrypt", op(
    "Decrypt", "Cryptography", "Decrypt",
    "Decrypts a ciphertext blob with exactly the encryption context it was made with "
    "(400 InvalidCiphertext otherwise). An RSA ciphertext needs keyId and its encryptionAlgorithm. "
    + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "DecryptResponse", "The plaintext.", errors=["404", "409", "412"], body="DecryptRequest"))
add("post", "/v1/reencrypt", op(
    "ReEncrypt", "Cryptography", "Re-encrypt",
    "Decrypts a blob and encrypts its plaintext under another key and/or encryption context inside the "
    "server; the plaintext never leaves it. Needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on "
    "the destination key. Both keys must be enabled (409 otherwise)." + DRY_RUN_NOTE
    + " (A dry run checks kms:ReEncryptFrom only.)",
    "200", "ReEncryptResponse", "The new ciphertext.", errors=["404", "409", "412"], body="ReEncryptRequest"))
add("post", "/v1/datakey", op(
    "GenerateDataKey", "Cryptography", "Generate a data key",
    "A fresh random data key for envelope encryption, returned in the clear and encrypted under the key. "
    "Give exactly one of keySpec and numberOfBytes. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "GenerateDataKeyResponse", "The data key, in the clear and encrypted.", errors=["404", "409", "412"],
    body="GenerateDataKeyRequest"))
add("post", "/v1/datakey/without-plaintext", op(
    "GenerateDataKeyWithoutPlaintext", "Cryptography", "Generate an encrypted data key",
    "As GenerateDataKey, but only the encrypted copy is returned. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "GenerateDataKeyWithoutPlaintextResponse", "The encrypted data key.", errors=["404", "409", "412"],
    body="GenerateDataKeyRequest"))
add("post", "/v1/random", op(
    "GenerateRandom", "Cryptography", "Generate random bytes",
    "1–1024 bytes from the server's cryptographically secure random number generator.",
    "200", "GenerateRandomResponse", "The random bytes.", errors=[], body="GenerateRandomRequest"))
add("post", "/v1/datakey-pair", op(
    "GenerateDataKeyPair", "Cryptography", "Generate a data key pair",
    "A fresh asymmetric key pair made outside any KMS key: the public key, the private key in the clear and "
    "the private key sealed under a symmetric encryption key (another key gives 400 InvalidKeyUsage). "
    + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "GenerateDataKeyPairResponse", "The key pair.", errors=["404", "409", "412"],
    body="GenerateDataKeyPairRequest"))
add("post", "/v1/datakey-pair/without-plaintext", op(
    "GenerateDataKeyPairWithoutPlaintext", "Cryptography", "Generate a data key pair without the private key",
    "As GenerateDataKeyPair, but the private key is returned only sealed. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "GenerateDataKeyPairWithoutPlaintextResponse", "The public key and the sealed private key.",
    errors=["404", "409", "412"], body="GenerateDataKeyPairRequest"))
add("post", "/v1/sign", op(
    "Sign", "Cryptography", "Sign",
    "Signs a message or its digest with the private key of a SIGN_VERIFY key (another usage gives 400 "
    "InvalidKeyUsage); the private key never leaves the service. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "SignResponse", "The signature.", errors=["404", "409", "412"], body="SignRequest"))
add("post", "/v1/verify", op(
    "Verify", "Cryptography", "Verify a signature",
    "Checks a signature with the public key of a SIGN_VERIFY key. An invalid signature (including one of the "
    "wrong length or encoding) is 400 KMSInvalidSignature. " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "VerifyResponse", "The signature is valid.", errors=["404", "409", "412"], body="VerifyRequest"))
add("get", "/v1/keys/{keyId}/public-key", op(
    "GetPublicKey", "Cryptography", "Get a key's public key",
    "The public key of an asymmetric key as DER SubjectPublicKeyInfo, with its spec, usage and algorithms. "
    "Symmetric and HMAC keys give 400 UnsupportedOperation. " + CRYPTO_409,
    "200", "GetPublicKeyResponse", "The public key.", errors=["404", "409"], params=[ANYKEY],
    body="GetPublicKeyRequest", body_required=False))
add("post", "/v1/mac", op(
    "GenerateMac", "Cryptography", "Generate a MAC",
    "The HMAC of a message under an HMAC key (another usage gives 400 InvalidKeyUsage). " + CRYPTO_409 + DRY_RUN_NOTE,
    "200", "GenerateMacResponse", "The MAC.", errors=["404", "409", "412"], body="GenerateMacRequest"))
add("post", "/v1/mac/verify", op(
    "VerifyMac", "Cryptography", "Verify a MAC",
    "Recomputes the HMAC and compares it in constant time; a mismatch is 400 KMSInvalidMac. " + CRYPTO_409
    + DRY_RUN_NOTE,
    "200", "VerifyMacResponse", "The MAC is valid.", errors=["404", "409", "412"], body="VerifyMacRequest"))

IMPORT_STATE = (" The key must have origin EXTERNAL (else 400 UnsupportedOperation) and must not be pending deletion "
                "(409 InvalidState).")
add("post", "/v1/keys/{keyId}/import-parameters", op(
    "GetParametersForImport", "Key material", "Get import parameters",
    "A fresh RSA wrapping public key and a one-time import token for one ImportKeyMaterial into this key, valid "
    "24 hours. The wrapping private key is stored only wrapped under the root key and deleted once used or "
    "expired; a key has at most 10 sets outstanding (the oldest are dropped)." + IMPORT_STATE,
    "200", "GetParametersForImportResponse", "The parameters.", errors=["404", "409"], params=[KEY],
    body="GetParametersForImportRequest"))
add("post", "/v1/keys/{keyId}/import", op(
    "ImportKeyMaterial", "Key material", "Import key material",
    "Unwraps the material with the token's wrapping key and makes it the key's: a key in PendingImport becomes "
    "Enabled. The token must be for this key (400 InvalidImportToken), unexpired (400 ExpiredImportToken) and "
    "unused; it is spent by the attempt whatever the outcome. Material that does not unwrap is 400 "
    "InvalidCiphertext; material of the wrong size or type, or different from what the key had before, is 400 "
    "IncorrectKeyMaterial (a key is bound to its material for life)." + IMPORT_STATE,
    "200", "ImportKeyMaterialResponse", "The material was imported.", errors=["404", "409"], params=[KEY],
    body="ImportKeyMaterialRequest"))
add("delete", "/v1/keys/{keyId}/material", op(
    "DeleteImportedKeyMaterial", "Key material", "Delete imported key material",
    "Deletes the key's imported material now: the key goes to PendingImport until the same material is imported "
    "again, after which every ciphertext made with it decrypts again. No effect on a key without material."
    + IMPORT_STATE,
    "200", "DeleteImportedKeyMaterialResponse", "The material was deleted (or there was none).",
    errors=["404", "409"], params=[KEY]))

GRANT = ref("GrantIdPath", "parameters")
PRINCIPAL = ref("PrincipalPath", "parameters")
ACCESS_KEY = ref("AccessKeyIdPath", "parameters")
ROLE = ref("RoleNamePath", "parameters")
BINDING = ref("BindingIdPath", "parameters")


def query(name, description, required=False):
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": {"type": "string", "minLength": 1}}


add("post", "/v1/grants", op(
    "CreateGrant", "Grants", "Create a grant",
    "Lets a grantee principal use one key for some operations, optionally only with a given encryption context "
    "(constraints). Grants take effect immediately. The caller must itself be allowed every operation it grants "
    "(other than CreateGrant and RetireGrant) on the key, under the constraints' encryption context "
    "(403 AccessDenied otherwise). At most 50000 grants per key (400 LimitExceeded). The key must be enabled "
    "(409 otherwise)." + DRY_RUN_NOTE,
    "201", "CreateGrantResponse", "The grant was created (or an identical named grant already existed).",
    errors=["404", "409", "412"], body="CreateGrantRequest"))
add("get", "/v1/keys/{keyId}/grants", op(
    "ListGrants", "Grants", "List a key's grants",
    "The grants on a key, sorted by grant id, optionally only one grant or one grantee's.",
    "200", "ListGrantsResponse", "One page of grants.", errors=["404"],
    params=[KEY, limit_param(1, 100, 50), MARKER,
            query("grantId", "Only the grant with this id."),
            query("granteePrincipal", "Only grants to this principal: its name or ARN.")]))
add("get", "/v1/grants/retirable", op(
    "ListRetirableGrants", "Grants", "List retirable grants",
    "The grants, on any key, whose retiring principal is the given principal, sorted by grant id. "
    "An authorization on no particular key: only an all-keys binding allows it.",
    "200", "ListGrantsResponse", "One page of grants.", errors=["404"],
    params=[limit_param(1, 100, 50), MARKER,
            query("retiringPrincipal", "The retiring principal: its name or ARN. Required; unknown gives 404.",
                  required=True)]))
add("post", "/v1/grants/retire", op(
    "RetireGrant", "Grants", "Retire a grant",
    "Ends a grant, named by its token or by key and grant id. Allowed to the grant's retiring principal, to its "
    "grantee if the grant includes RetireGrant, and to principals allowed kms:RetireGrant on the key by a binding.",
    "200", "Empty", EMPTY_DESC, errors=["404", "412"], body="RetireGrantRequest"))
add("delete", "/v1/keys/{keyId}/grants/{grantId}", op(
    "RevokeGrant", "Grants", "Revoke a grant",
    "Ends a grant on a key, by id (404 if the key has no such grant). The body may be omitted." + DRY_RUN_NOTE,
    "200", "Empty", EMPTY_DESC, errors=["404", "412"], params=[KEY, GRANT],
    body="RevokeGrantRequest", body_required=False))

add("get", "/v1/keys/{keyId}/policy", op(
    "GetKeyPolicy", "Key policies", "Get a key's policy",
    "The key's policy document, named `default`. The optional body is accepted for AWS compatibility only.",
    "200", "GetKeyPolicyResponse", "The policy.", errors=["404"],
    params=[KEY], body="GetKeyPolicyRequest", body_required=False))
add("put", "/v1/keys/{keyId}/policy", op(
    "PutKeyPolicy", "Key policies", "Set a key's policy",
    "Replaces the key's policy document after checking it against the policy grammar. Its Deny statements are "
    "enforced from then on: a statement whose Principal (`*`, an account root ARN, or the caller's user ARN) and "
    "Action (`*` and `?` wildcards allowed) match refuses the request whatever bindings or grants allow. Its Allow "
    "statements grant nothing beyond roles, bindings and grants.",
    "200", "Empty", EMPTY_DESC, errors=["404"], params=[KEY], body="PutKeyPolicyRequest"))
add("get", "/v1/keys/{keyId}/policies", op(
    "ListKeyPolicies", "Key policies", "List a key's policy names",
    "Always the single name `default`; `marker` is accepted and ignored.",
    "200", "ListKeyPoliciesResponse", "The policy names.", errors=["404"],
    params=[KEY, limit_param(1, 1000, 100), MARKER]))

def int_query(name, description):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": {"type": "integer"}}


AUDIT_NOTE = " Needs audit:ReadAuditLog (the auditor and admin roles). 400 UnsupportedOperation when the server has no audit log."
add("get", "/v1/audit/records", op(
    "QueryAuditLog", "Audit", "Query the audit log",
    "Records by time range, principal, action, key and outcome, oldest first, paginated by sequence. With `wait`, "
    "a long poll: the answer comes as soon as a record after `afterSequence` exists, or after `wait` seconds. "
    "Since every query is itself a record, the caller's own earlier queries (same access key) do not end the "
    "wait; they are returned with whatever does, or when the wait is over." + AUDIT_NOTE,
    "200", "QueryAuditLogResponse", "The records.", errors=[],
    params=[query("from", "Records at or after this time: RFC 3339 or epoch seconds."),
            query("to", "Records before this time: RFC 3339 or epoch seconds."),
            query("principal", "Only this principal's records (name or id)."),
            query("action", "Only this action (`Encrypt`)."),
            query("keyId", "Only records about this key id."),
            query("outcome", "allowed, denied or error."),
            int_query("afterSequence", "Only records after this sequence number."),
            limit_param(1, 1000, 100),
            int_query("wait", "Long poll: wait up to this many seconds (0–60) for a record.")]))
add("get", "/v1/audit/checkpoint", op(
    "GetAuditCheckpoint", "Audit", "Get the newest checkpoint",
    "Signs a checkpoint now and returns the newest one with the public key that verifies it; keep it elsewhere as "
    "an anchor against truncation." + AUDIT_NOTE,
    "200", "GetAuditCheckpointResponse", "The checkpoint.", errors=[]))
add("post", "/v1/audit/verify", op(
    "VerifyAuditLog", "Audit", "Verify the audit log",
    "Checks every record's hash and every checkpoint's signature now; given an anchor, also that the log still "
    "reaches it." + AUDIT_NOTE,
    "200", "AuditVerification", "The result (ok false names the first problem).", errors=[],
    body="VerifyAuditLogRequest", body_required=False))
add("post", "/v1/audit/prune", op(
    "PruneAuditLog", "Audit", "Prune the audit log",
    "Deletes records before the newest checkpoint below beforeSequence (export them first); the chain stays "
    "verifiable from that checkpoint. Needs audit:PruneAuditLog.",
    "200", "PruneAuditLogResponse", "The records were deleted.", errors=[], body="PruneAuditLogRequest"))

LOCKOUT = (" Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an "
           "unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).")
SECRET_ONCE = (" The response carries the new secret in `accessKey.secretAccessKey` as plain text: it is shown "
               "only this once and cannot be retrieved later.")
add("post", "/v1/principals", op(
    "CreatePrincipal", "Principals", "Create a principal",
    "Creates a principal (a person, service or pipeline) with its first access key. It can do nothing until a "
    "binding gives it a role. 409 AlreadyExists if the name is taken. With clientCertificateFingerprint its "
    "requests must also present that client certificate over TLS (mTLS)." + SECRET_ONCE,
    "201", "CreatePrincipalResponse", "The principal was created, with its access key and secret.",
    errors=["409"], body="CreatePrincipalRequest"))
add("get", "/v1/principals", op(
    "ListPrincipals", "Principals", "List principals",
    "Every principal, sorted by name, without access keys.",
    "200", "ListPrincipalsResponse", "One page of principals.", errors=[],
    params=[limit_param(1, 1000, 100), MARKER]))
add("get", "/v1/principals/{principal}", op(
    "DescribePrincipal", "Principals", "Describe a principal",
    "One principal with its access keys (never their secrets).",
    "200", "DescribePrincipalResponse", "The principal.", errors=["404"], params=[PRINCIPAL]))
add("patch", "/v1/principals/{principal}", op(
    "UpdatePrincipal", "Principals", "Update a principal",
    "Enables or disables a principal, and binds, replaces or clears (empty string) its client certificate. A "
    "disabled principal's access keys stop working (403 UnrecognizedClient) until it is enabled again; a bound "
    "principal's requests without that client certificate get 403 AccessDenied." + LOCKOUT,
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[PRINCIPAL], body="UpdatePrincipalRequest"))
add("delete", "/v1/principals/{principal}", op(
    "DeletePrincipal", "Principals", "Delete a principal",
    "Removes a principal with its access keys and bindings." + LOCKOUT,
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[PRINCIPAL]))
add("post", "/v1/principals/{principal}/access-keys", op(
    "CreateAccessKey", "Principals", "Create an access key",
    "Adds an access key to a principal, so keys can be rotated without downtime; a principal has at most two "
    "(400 LimitExceeded)." + SECRET_ONCE,
    "201", "CreateAccessKeyResponse", "The access key was created, with its secret.", errors=["404"],
    params=[PRINCIPAL]))
add("patch", "/v1/principals/{principal}/access-keys/{accessKeyId}", op(
    "UpdateAccessKey", "Principals", "Activate or deactivate an access key",
    "An Inactive access key cannot sign requests until it is made Active again." + LOCKOUT,
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[PRINCIPAL, ACCESS_KEY], body="UpdateAccessKeyRequest"))
add("delete", "/v1/principals/{principal}/access-keys/{accessKeyId}", op(
    "DeleteAccessKey", "Principals", "Delete an access key",
    "Removes an access key for good." + LOCKOUT,
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[PRINCIPAL, ACCESS_KEY]))

add("get", "/v1/roles", op(
    "ListRoles", "Roles", "List roles",
    "The built-in and custom roles, sorted by name.",
    "200", "ListRolesResponse", "Every role.", errors=[]))
add("post", "/v1/roles", op(
    "CreateRole", "Roles", "Create a role",
    "Creates a custom role: a named set of actions. 409 AlreadyExists if the name is taken (built-in names "
    "included).",
    "201", "RoleResponse", "The role was created.", errors=["409"], body="CreateRoleRequest"))
add("get", "/v1/roles/{name}", op(
    "DescribeRole", "Roles", "Describe a role",
    "One role and its actions.",
    "200", "RoleResponse", "The role.", errors=["404"], params=[ROLE]))
add("patch", "/v1/roles/{name}", op(
    "UpdateRole", "Roles", "Update a role",
    "Changes a custom role's description and/or actions; the change applies to every binding of the role at "
    "once. Built-in roles cannot be changed (400 UnsupportedOperation)." + LOCKOUT,
    "200", "RoleResponse", "The updated role.", errors=["404", "409"], params=[ROLE], body="UpdateRoleRequest"))
add("delete", "/v1/roles/{name}", op(
    "DeleteRole", "Roles", "Delete a role",
    "Removes a custom role. Built-in roles cannot be deleted (400 UnsupportedOperation); a role used by bindings "
    "gives 409 InvalidState until they are deleted.",
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[ROLE]))

add("post", "/v1/bindings", op(
    "CreateBinding", "Bindings", "Create a binding",
    "Gives a principal a role on a scope — all keys, one key, the keys with an alias under a prefix, or the keys "
    "with a tag — optionally only under encryption-context conditions. With effect Deny the binding takes the "
    "role's actions away instead, whatever else allows them. 404 if the principal, role or key does not exist."
    + LOCKOUT,
    "201", "BindingResponse", "The binding was created.", errors=["404", "409"], body="CreateBindingRequest"))
add("get", "/v1/bindings", op(
    "ListBindings", "Bindings", "List bindings",
    "All bindings, or one principal's, oldest first.",
    "200", "ListBindingsResponse", "The bindings.", errors=["404"],
    params=[query("principal", "Only this principal's bindings: its name or ARN; unknown gives 404.")]))
add("delete", "/v1/bindings/{bindingId}", op(
    "DeleteBinding", "Bindings", "Delete a binding",
    "Removes a binding." + LOCKOUT,
    "200", "Empty", EMPTY_DESC, errors=["404", "409"], params=[BINDING]))

# --------------------------------------------------------------------------- document

document = {
    "openapi": "3.1.0",
    "info": {
        "title": "kms — key management service",
        "version": "1.0.0",
        "description": (
            "The native REST API of a self-hosted key management service. Members are camelCase; binary values "
            "(plaintext, ciphertext blobs) are standard base64 strings; dates are RFC 3339 strings in UTC with "
            "microseconds (e.g. " + DATE_EXAMPLE + "). Request bodies are JSON objects (Content-Type "
            "application/json, at most 65536 bytes); unknown members are rejected with 400 ValidationError, and "
            "a member taken from the path or query must not be repeated in the body. Query parameters are as strict: "
            "one the operation does not list, one given twice, or one with an empty value is rejected with 400 "
            "ValidationError.\n\n"
            "**Authorization.** Every request but the two unauthenticated ones is signed with an access key of a "
            "principal (see the `sigv4` security scheme) and authorized deny by default: nothing is allowed unless "
            "a binding or a grant allows it. An action is what a request asks to do, named `kms:<Operation>` "
            "(ReEncrypt needs both kms:ReEncryptFrom and kms:ReEncryptTo), `iam:<Operation>` for principals, access "
            "keys, roles and bindings, or `audit:ReadAuditLog`. A *role* is a named set of actions. A *binding* "
            "gives a principal a role on a scope — all keys, one key, the keys with an alias under a prefix, or the "
            "keys with a tag — optionally only when the request's encryption context meets conditions; actions on "
            "no particular key (CreateKey, ListKeys, GenerateRandom, ListRetirableGrants, and the principal, role "
            "and binding operations) are allowed only by all-keys bindings. A binding with effect Deny takes its "
            "role's actions away and wins over everything else. A *grant* lets one principal use one key for some "
            "operations (Encrypt, Decrypt, ReEncryptFrom/To, GenerateDataKey(WithoutPlaintext), "
            "GenerateDataKeyPair(WithoutPlaintext), Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, DescribeKey, "
            "CreateGrant, RetireGrant), optionally only with a given encryption context; grants are consulted when "
            "no binding allows the request. The built-in roles cannot be changed: `admin` (every action), "
            "`key-admin` (key lifecycle, aliases, tags, rotation, key policies, listing and revoking grants, importing "
            "and deleting key material, GetPublicKey; no cryptographic use), `key-user` (Encrypt, Decrypt, ReEncrypt, "
            "GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext), Sign, Verify, GetPublicKey, "
            "GenerateMac, VerifyMac, DescribeKey), `encrypt-only` (Encrypt, GenerateDataKey(WithoutPlaintext), "
            "GenerateDataKeyPair(WithoutPlaintext), GetPublicKey; never decrypt, sign or MAC), `decrypt-only` "
            "(Decrypt, Verify, VerifyMac, GetPublicKey, DescribeKey) and `auditor` (read the audit log, DescribeKey, ListKeys). The "
            "first start creates an administrator principal bound to `admin` on all keys, and any change that would "
            "leave no enabled administrator is refused with 409 InvalidState. *Key policies* can only take "
            "permissions away: a Deny statement of a key's policy that matches the action and the caller refuses "
            "the request whatever bindings or grants allow, while Allow statements grant nothing beyond roles, "
            "bindings and grants (so the default policy, which allows the account root `kms:*`, changes nothing). "
            "In order: a matching Deny binding, then a matching key policy Deny, refuses; then a matching Allow "
            "binding, else a matching grant, allows; otherwise the request is refused. A refused request gets 403 "
            "AccessDenied without the reason. A key identifier that names no existing key is authorized as a request "
            "on no key, so a caller without rights on all keys gets 403 rather than 404 for it."
        ),
    },
    "servers": [{"url": "http://127.0.0.1:8720"}],
    "security": [{"sigv4": []}],
    "tags": [
        {"name": "Keys", "description": "Key lifecycle."},
        {"name": "Tags", "description": "Key tags."},
        {"name": "Rotation", "description": "Key material rotation."},
        {"name": "Aliases", "description": "Friendly names for keys."},
        {"name": "Cryptography", "description": (
            "Encryption, decryption, data keys and key pairs, signatures, public keys, MACs and random bytes.")},
        {"name": "Key material", "description": "Importing key material into EXTERNAL keys (bring your own key)."},
        {"name": "Grants", "description": "Narrow, revocable permissions for one principal on one key."},
        {"name": "Key policies", "description": "Per-key policy documents; only their Deny statements have effect."},
        {"name": "Principals", "description": "Principals (callers) and their access keys."},
        {"name": "Roles", "description": "Named sets of actions: built-in and custom."},
        {"name": "Bindings", "description": "Roles given to principals on scopes of keys."},
        {"name": "Audit", "description": "The hash-chained, signed audit log."},
        {"name": "Service", "description": "Unauthenticated service endpoints."},
    ],
    "paths": paths,
    "components": {
        "securitySchemes": {
            "sigv4": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": (
                    "AWS Signature Version 4. Sign every request with an access key of this server (see CreatePrincipal "
                    "and CreateAccessKey), for service "
                    "`kms` and the region the server is configured with (the credential scope must be "
                    "`<yyyymmdd>/<region>/kms/aws4_request`). Send `Authorization: AWS4-HMAC-SHA256 "
                    "Credential=…, SignedHeaders=…, Signature=…` together with `X-Amz-Date` (which must be among "
                    "the signed headers) and optionally `X-Amz-Content-SHA256`. The request time must be within 5 "
                    "minutes of the server clock, else 403 InvalidSignature. Any standard SigV4 signer (such as "
                    "the one in the AWS SDKs) produces these headers. A principal with a bound client certificate "
                    "(clientCertificateFingerprint) must also present that certificate over TLS (mTLS)."
                ),
            }
        },
        "headers": headers,
        "parameters": parameters,
        "responses": responses,
        "schemas": schemas,
    },
}


def main():
    text = json.dumps(document, indent=2, ensure_ascii=False)
    assert '"""#' not in text and "\\#" not in text
    indented = "\n".join(("    " + line) if line else line for line in text.split("\n"))
    swift = (
        "/// The OpenAPI 3.1 description of the REST API, served at /v1/openapi.json.\n"
        "enum OpenAPIDocument {\n"
        "    static let json: String = #\"\"\"\n"
        + indented + "\n"
        "    \"\"\"#\n"
        "}\n"
    )
    with open(sys.argv[1], "w") as out:
        out.write(swift)


main()
