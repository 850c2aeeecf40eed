#!/usr/bin/env python3
"""Generates the OpenAPI 3.1 document for the kms REST API and the Swift file serving it."""
import json
import sys

def ref(name, kind="schemas"):
    return {"$ref": f"#/components/{kind}/{name}"}


DATE_EXAMPLE = "2026-11-29T04:41:27.123456Z"
KEY_ID_EXAMPLE = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN_EXAMPLE = f"arn:aws:kms:us-east-1:000000000000:key/{KEY_ID_EXAMPLE}"


def date(description):
    return {
        "type": "string",
        "format": "date-time",
        "description": description + " RFC 3339, UTC, with microseconds.",
        "examples": [DATE_EXAMPLE],
    }


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
                        "InvalidGrantToken. 403: AccessDenied, MissingAuthentication, IncompleteSignature, "
                        "UnrecognizedClient, InvalidSignature. 404: NotFound, RouteNotFound. 405: MethodNotAllowed. "
                        "409: Disabled, InvalidState, AlreadyExists. 413: PayloadTooLarge. "
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
        "the same pairs. At most 64 pairs; keys 1–2048 bytes, values 0–2048 bytes, 8192 bytes in all."
    ),
    "additionalProperties": {"type": "string", "maxLength": 2048},
    "propertyNames": {"minLength": 1, "maxLength": 2048},
    "maxProperties": 64,
    "examples": [{"purpose": "invoice", "tenant": "acme"}],
}

schemas["GrantTokens"] = {
    "type": "array",
    "description": (
        "Accepted for AWS compatibility. This service has no grants: only an empty list is accepted; "
        "any token gives 400 InvalidGrantToken."
    ),
    "items": {"type": "string", "minLength": 1, "maxLength": 8192},
    "maxItems": 10,
}

schemas["EncryptionAlgorithm"] = {
    "type": "string",
    "enum": ["SYMMETRIC_DEFAULT"],
    "description": "Only SYMMETRIC_DEFAULT (AES-256-GCM) is supported; it is the default.",
}

schemas["CiphertextBlob"] = {
    "type": "string",
    "contentEncoding": "base64",
    "description": "A ciphertext blob issued by this service, standard base64 (at most 6144 bytes decoded).",
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
        "keyUsage": {"type": "string", "enum": ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"]},
        "keyState": {"type": "string", "enum": ["Enabled", "Disabled", "PendingDeletion", "PendingImport"]},
        "deletionDate": date("When the key material will be destroyed; present only in state PendingDeletion."),
        "origin": {"type": "string", "enum": ["AWS_KMS", "EXTERNAL"]},
        "keyManager": {"type": "string", "enum": ["CUSTOMER"]},
        "customerMasterKeySpec": {"type": "string", "description": "Deprecated; the same as keySpec.",
                                  "examples": ["SYMMETRIC_DEFAULT"]},
        "keySpec": {"type": "string", "examples": ["SYMMETRIC_DEFAULT"]},
        "encryptionAlgorithms": {"type": "array", "items": {"type": "string"}, "examples": [["SYMMETRIC_DEFAULT"]]},
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
        "keyUsage": {"type": "string", "enum": ["ENCRYPT_DECRYPT"], "description": "Default ENCRYPT_DECRYPT."},
        "keySpec": {
            "type": "string",
            "enum": ["SYMMETRIC_DEFAULT"],
            "description": "Default SYMMETRIC_DEFAULT. Other AWS key specs give 400 UnsupportedOperation.",
        },
        "customerMasterKeySpec": {
            "type": "string",
            "enum": ["SYMMETRIC_DEFAULT"],
            "description": "Deprecated synonym of keySpec; if both are given they must be equal.",
        },
        "origin": {
            "type": "string",
            "enum": ["AWS_KMS"],
            "description": "Default AWS_KMS; other origins give 400 UnsupportedOperation.",
        },
        "tags": {"type": "array", "items": ref("Tag"), "maxItems": 50},
        "multiRegion": {
            "type": "boolean",
            "description": "Multi-Region keys are not supported: true gives 400 UnsupportedOperation.",
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

schemas["Health"] = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok"]}},
}

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
        "The request is not valid: ValidationError (a missing, unknown or out-of-range member, or a path member "
        "repeated in the body), MalformedRequest (not a JSON object), or a domain error such as InvalidCiphertext, "
        "IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, "
        "UnsupportedOperation or InvalidGrantToken."),
    "Forbidden": error_response(
        "Authentication or authorization failed: MissingAuthentication, IncompleteSignature, UnrecognizedClient, "
        "InvalidSignature (including a clock skew over 5 minutes or a wrong credential scope), or AccessDenied."),
    "NotFound": error_response(
        "NotFound: the named key or alias does not exist, or the identifier form is not accepted by this operation."),
    "Conflict": error_response(
        "The key or alias is in a state that does not allow the operation: Disabled, InvalidState "
        "(e.g. pending deletion) or AlreadyExists."),
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
    "400": "BadRequest", "403": "Forbidden", "404": "NotFound", "409": "Conflict", "413": "PayloadTooLarge",
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
        "schema": {"type": "string"},
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

add("post", "/v1/keys", op(
    "CreateKey", "Keys", "Create a key",
    "Creates a symmetric encryption key (SYMMETRIC_DEFAULT, AES-256-GCM) with fresh key material. "
    "The body may be omitted or `{}` for all defaults.",
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
add("post", "/v1/encrypt", op(
    "Encrypt", "Cryptography", "Encrypt",
    "Encrypts up to 4096 bytes under the key's newest version with AES-256-GCM, bound to the encryption "
    "context. " + CRYPTO_409,
    "200", "EncryptResponse", "The ciphertext.", errors=["404", "409"], body="EncryptRequest"))
add("post", "/v1/decrypt", op(
    "Decrypt", "Cryptography", "Decrypt",
    "Decrypts a ciphertext blob with exactly the encryption context it was made with "
    "(400 InvalidCiphertext otherwise). " + CRYPTO_409,
    "200", "DecryptResponse", "The plaintext.", errors=["404", "409"], body="DecryptRequest"))
add("post", "/v1/reencrypt", op(
    "ReEncrypt", "Cryptography", "Re-encrypt",
    "Decrypts a blob and encrypts its plaintext under another key and/or encryption context inside the "
    "server; the plaintext never leaves it. Needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on "
    "the destination key. Both keys must be enabled (409 otherwise).",
    "200", "ReEncryptResponse", "The new ciphertext.", errors=["404", "409"], body="ReEncryptRequest"))
add("post", "/v1/datakey", op(
    "GenerateDataKey", "Cryptography", "Generate a data key",
    "A fresh random data key for envelope encryption, returned in the clear and encrypted under the key. "
    "Give exactly one of keySpec and numberOfBytes. " + CRYPTO_409,
    "200", "GenerateDataKeyResponse", "The data key, in the clear and encrypted.", errors=["404", "409"],
    body="GenerateDataKeyRequest"))
add("post", "/v1/datakey/without-plaintext", op(
    "GenerateDataKeyWithoutPlaintext", "Cryptography", "Generate an encrypted data key",
    "As GenerateDataKey, but only the encrypted copy is returned. " + CRYPTO_409,
    "200", "GenerateDataKeyWithoutPlaintextResponse", "The encrypted data key.", errors=["404", "409"],
    body="GenerateDataKeyRequest"))
add("post", "/v1/random", op(
    "GenerateRandom", "Cryptography", "Generate random bytes",
    "1–1024 bytes from the server's cryptographically secure random number generator.",
    "200", "GenerateRandomResponse", "The random bytes.", errors=[], body="GenerateRandomRequest"))

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
            "a member taken from the path or query must not be repeated in the body."
        ),
    },
    "servers": [{"url": "http://127.0.0.1:8720"}],
    "security": [{"sigv4": []}],
    "tags": [
        {"name": "Keys", "description": "Key lifecycle."},
        {"name": "Tags", "description": "Key tags."},
        {"name": "Rotation", "description": "Key material rotation."},
        {"name": "Aliases", "description": "Friendly names for keys."},
        {"name": "Cryptography", "description": "Encryption, decryption, data keys and random bytes."},
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
                    "AWS Signature Version 4. Sign every request with an access key of this server, for service "
                    "`kms` and the region the server is configured with (the credential scope must be "
                    "`<yyyymmdd>/<region>/kms/aws4_request`). Send `Authorization: AWS4-HMAC-SHA256 "
                    "Credential=…, SignedHeaders=…, Signature=…` together with `X-Amz-Date` (which must be among "
                    "the signed headers) and optionally `X-Amz-Content-SHA256`. The request time must be within 5 "
                    "minutes of the server clock, else 403 InvalidSignature. Any standard SigV4 signer (such as "
                    "the one in the AWS SDKs) produces these headers."
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
