/// The OpenAPI 3.1 description of the REST API, served at /v1/openapi.json.
enum OpenAPIDocument {
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "kms — key management service",
        "version": "1.0.0",
        "description": "The native REST API of a self-hosted key management service. Members are camelCase; binary values (plaintext, ciphertext blobs) are standard base64 strings; dates are RFC 3339 strings in UTC with microseconds (e.g. 2026-11-29T04:41:27.123456Z). Request bodies are JSON objects (Content-Type application/json, at most 65536 bytes); unknown members are rejected with 400 ValidationError, and a member taken from the path or query must not be repeated in the body. Query parameters are as strict: one the operation does not list, one given twice, or one with an empty value is rejected with 400 ValidationError.\n\n**Authorization.** Every request but the two unauthenticated ones is signed with an access key of a principal (see the `sigv4` security scheme) and authorized deny by default: nothing is allowed unless a binding or a grant allows it. An action is what a request asks to do, named `kms:<Operation>` (ReEncrypt needs both kms:ReEncryptFrom and kms:ReEncryptTo), `iam:<Operation>` for principals, access keys, roles and bindings, or `audit:ReadAuditLog`. A *role* is a named set of actions. A *binding* gives a principal a role on a scope — all keys, one key, the keys with an alias under a prefix, or the keys with a tag — optionally only when the request's encryption context meets conditions; actions on no particular key (CreateKey, ListKeys, GenerateRandom, ListRetirableGrants, and the principal, role and binding operations) are allowed only by all-keys bindings. A binding with effect Deny takes its role's actions away and wins over everything else. A *grant* lets one principal use one key for some operations (Encrypt, Decrypt, ReEncryptFrom/To, GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext), Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, DescribeKey, CreateGrant, RetireGrant), optionally only with a given encryption context; grants are consulted when no binding allows the request. The built-in roles cannot be changed: `admin` (every action), `key-admin` (key lifecycle, aliases, tags, rotation, key policies, listing and revoking grants, importing and deleting key material, GetPublicKey; no cryptographic use), `key-user` (Encrypt, Decrypt, ReEncrypt, GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext), Sign, Verify, GetPublicKey, GenerateMac, VerifyMac, DescribeKey), `encrypt-only` (Encrypt, GenerateDataKey(WithoutPlaintext), GenerateDataKeyPair(WithoutPlaintext), GetPublicKey; never decrypt, sign or MAC), `decrypt-only` (Decrypt, Verify, VerifyMac, GetPublicKey, DescribeKey) and `auditor` (read the audit log, DescribeKey, ListKeys). The first start creates an administrator principal bound to `admin` on all keys, and any change that would leave no enabled administrator is refused with 409 InvalidState. *Key policies* can only take permissions away: a Deny statement of a key's policy that matches the action and the caller refuses the request whatever bindings or grants allow, while Allow statements grant nothing beyond roles, bindings and grants (so the default policy, which allows the account root `kms:*`, changes nothing). In order: a matching Deny binding, then a matching key policy Deny, refuses; then a matching Allow binding, else a matching grant, allows; otherwise the request is refused. A refused request gets 403 AccessDenied without the reason. A key identifier that names no existing key is authorized as a request on no key, so a caller without rights on all keys gets 403 rather than 404 for it."
      },
      "servers": [
        {
          "url": "http://127.0.0.1:8720"
        }
      ],
      "security": [
        {
          "sigv4": []
        }
      ],
      "tags": [
        {
          "name": "Keys",
          "description": "Key lifecycle."
        },
        {
          "name": "Tags",
          "description": "Key tags."
        },
        {
          "name": "Rotation",
          "description": "Key material rotation."
        },
        {
          "name": "Aliases",
          "description": "Friendly names for keys."
        },
        {
          "name": "Cryptography",
          "description": "Encryption, decryption, data keys and key pairs, signatures, public keys, MACs and random bytes."
        },
        {
          "name": "Key material",
          "description": "Importing key material into EXTERNAL keys (bring your own key)."
        },
        {
          "name": "Grants",
          "description": "Narrow, revocable permissions for one principal on one key."
        },
        {
          "name": "Key policies",
          "description": "Per-key policy documents; only their Deny statements have effect."
        },
        {
          "name": "Principals",
          "description": "Principals (callers) and their access keys."
        },
        {
          "name": "Roles",
          "description": "Named sets of actions: built-in and custom."
        },
        {
          "name": "Bindings",
          "description": "Roles given to principals on scopes of keys."
        },
        {
          "name": "Audit",
          "description": "The hash-chained, signed audit log."
        },
        {
          "name": "Service",
          "description": "Unauthenticated service endpoints."
        }
      ],
      "paths": {
        "/v1/health": {
          "get": {
            "operationId": "GetHealth",
            "tags": [
              "Service"
            ],
            "summary": "Liveness check",
            "description": "Unauthenticated. Returns 200 while the server is serving requests.",
            "security": [],
            "responses": {
              "200": {
                "description": "The server is up.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Health"
                    }
                  }
                }
              }
            }
          }
        },
        "/v1/openapi.json": {
          "get": {
            "operationId": "GetOpenAPIDocument",
            "tags": [
              "Service"
            ],
            "summary": "This document",
            "description": "Unauthenticated. The OpenAPI 3.1 description of the REST API.",
            "security": [],
            "responses": {
              "200": {
                "description": "The OpenAPI document.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object"
                    }
                  }
                }
              }
            }
          }
        },
        "/v1/ready": {
          "get": {
            "operationId": "GetReadiness",
            "tags": [
              "Service"
            ],
            "summary": "Readiness check",
            "description": "Unauthenticated. Whether the server can serve requests: the key store can be written and the audit log takes records. Unlike /v1/health, it answers 503 while either cannot; the body is the same either way.",
            "security": [],
            "responses": {
              "200": {
                "description": "Ready.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Readiness"
                    },
                    "examples": {
                      "ready": {
                        "value": {
                          "ready": true,
                          "store": true,
                          "audit": true
                        }
                      }
                    }
                  }
                }
              },
              "503": {
                "description": "Not ready: the store or the audit log cannot be written (authenticated requests get 503 AuditUnavailable meanwhile). Not an error body.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Readiness"
                    },
                    "examples": {
                      "auditUnavailable": {
                        "value": {
                          "ready": false,
                          "store": true,
                          "audit": false
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        },
        "/metrics": {
          "get": {
            "operationId": "GetMetrics",
            "tags": [
              "Service"
            ],
            "summary": "Prometheus metrics",
            "description": "Unauthenticated. Metrics in the Prometheus text exposition format (`Content-Type: text/plain; version=0.0.4`): `kms_requests_total{action,outcome}`, `kms_request_duration_seconds{action}` (a histogram), `kms_audit_queue_depth`, `kms_audit_healthy`, `kms_audit_last_sequence`, `kms_key_material_cache_total{result}`, `kms_keys{state}` and `kms_throttled_total`. Note the path: `/metrics`, not under `/v1`.",
            "security": [],
            "responses": {
              "200": {
                "description": "The metrics.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "text/plain": {
                    "schema": {
                      "type": "string"
                    },
                    "example": "# TYPE kms_audit_healthy gauge\nkms_audit_healthy 1\n"
                  }
                }
              }
            }
          }
        },
        "/v1/audit/public-key": {
          "get": {
            "operationId": "GetAuditPublicKey",
            "tags": [
              "Service"
            ],
            "summary": "The audit signing public key",
            "description": "Unauthenticated. The ECDSA P-256 public key (PEM, SubjectPublicKeyInfo) that verifies the audit log's checkpoint signatures, also stored as `audit-public.pem` in the data directory.",
            "security": [],
            "responses": {
              "200": {
                "description": "The public key.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/x-pem-file": {
                    "schema": {
                      "type": "string"
                    },
                    "example": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…\n-----END PUBLIC KEY-----\n"
                  }
                }
              }
            }
          }
        },
        "/v1/keys": {
          "post": {
            "operationId": "CreateKey",
            "tags": [
              "Keys"
            ],
            "summary": "Create a key",
            "description": "Creates a key with fresh key material: symmetric (SYMMETRIC_DEFAULT, AES-256-GCM, the default), RSA or ECC (a private key that never leaves the service) or HMAC. With origin EXTERNAL the key has no material and waits in PendingImport for ImportKeyMaterial. The body may be omitted or `{}` for all defaults.",
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The key was created.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/KeyMetadataResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "get": {
            "operationId": "ListKeys",
            "tags": [
              "Keys"
            ],
            "summary": "List keys",
            "description": "Every key of this server, in any state, sorted by key id.",
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–1000, default 100).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "One page of keys.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListKeysResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}": {
          "get": {
            "operationId": "DescribeKey",
            "tags": [
              "Keys"
            ],
            "summary": "Describe a key",
            "description": "A key's metadata, in any state. The optional body is accepted for AWS compatibility only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/AnyKeyIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/DescribeKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The key's metadata.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/KeyMetadataResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "patch": {
            "operationId": "UpdateKeyDescription",
            "tags": [
              "Keys"
            ],
            "summary": "Update a key's description",
            "description": "Replaces the description. Refused (409 InvalidState) while the key is pending deletion.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpdateKeyDescriptionRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/enable": {
          "post": {
            "operationId": "EnableKey",
            "tags": [
              "Keys"
            ],
            "summary": "Enable a key",
            "description": "Makes a disabled key usable again (idempotent). Refused (409 InvalidState) for keys pending deletion or import.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/disable": {
          "post": {
            "operationId": "DisableKey",
            "tags": [
              "Keys"
            ],
            "summary": "Disable a key",
            "description": "Refuses every cryptographic use of the key until it is enabled again (idempotent). Refused (409 InvalidState) for keys pending deletion or import.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/schedule-deletion": {
          "post": {
            "operationId": "ScheduleKeyDeletion",
            "tags": [
              "Keys"
            ],
            "summary": "Schedule key deletion",
            "description": "Puts the key in PendingDeletion; its material is destroyed when the window ends unless deletion is cancelled. The body may be omitted for the default window of 30 days.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ScheduleKeyDeletionRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Deletion is scheduled.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ScheduleKeyDeletionResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/cancel-deletion": {
          "post": {
            "operationId": "CancelKeyDeletion",
            "tags": [
              "Keys"
            ],
            "summary": "Cancel key deletion",
            "description": "A key pending deletion becomes Disabled. Refused (409 InvalidState) if the key is not pending deletion.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Deletion is cancelled; the key is Disabled.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/KeyArnResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/tags": {
          "get": {
            "operationId": "ListResourceTags",
            "tags": [
              "Tags"
            ],
            "summary": "List a key's tags",
            "description": "The key's tags, sorted by tag key.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–50, default 50).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 50,
                  "default": 50
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "One page of tags.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListResourceTagsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "post": {
            "operationId": "TagResource",
            "tags": [
              "Tags"
            ],
            "summary": "Tag a key",
            "description": "Adds tags, replacing the value of any tag key the key already has. Refused (409 InvalidState) while the key is pending deletion.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/TagResourceRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/untag": {
          "post": {
            "operationId": "UntagResource",
            "tags": [
              "Tags"
            ],
            "summary": "Untag a key",
            "description": "Removes tags by key. Refused (409 InvalidState) while the key is pending deletion.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UntagResourceRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/rotation": {
          "get": {
            "operationId": "GetKeyRotationStatus",
            "tags": [
              "Rotation"
            ],
            "summary": "Get rotation status",
            "description": "Whether automatic rotation is enabled, its period and the next rotation date.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "The rotation status.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GetKeyRotationStatusResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/rotation/enable": {
          "post": {
            "operationId": "EnableKeyRotation",
            "tags": [
              "Rotation"
            ],
            "summary": "Enable automatic rotation",
            "description": "Rotates the key material automatically every rotationPeriodInDays. The key must be enabled (409 Disabled / InvalidState otherwise). The body may be omitted for the default period of 365 days.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/EnableKeyRotationRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/rotation/disable": {
          "post": {
            "operationId": "DisableKeyRotation",
            "tags": [
              "Rotation"
            ],
            "summary": "Disable automatic rotation",
            "description": "Stops automatic rotation; existing versions keep decrypting. The key must be enabled (409 Disabled / InvalidState otherwise).",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/rotations": {
          "get": {
            "operationId": "ListKeyRotations",
            "tags": [
              "Rotation"
            ],
            "summary": "List rotations",
            "description": "The rotations the key has had (every version after the first), oldest first.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–1000, default 100).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "One page of rotations.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListKeyRotationsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "post": {
            "operationId": "RotateKeyOnDemand",
            "tags": [
              "Rotation"
            ],
            "summary": "Rotate now",
            "description": "Adds a new version of the key material now (at most 25 on-demand rotations per key; then 400 LimitExceeded). The key must be enabled (409 Disabled / InvalidState otherwise).",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "The key was rotated.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/KeyArnResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/aliases": {
          "get": {
            "operationId": "ListAliases",
            "tags": [
              "Aliases"
            ],
            "summary": "List aliases",
            "description": "All aliases, or those of one key, sorted by alias name.",
            "parameters": [
              {
                "name": "keyId",
                "in": "query",
                "required": false,
                "description": "Only aliases that point at this key: a key id or key ARN (not an alias).",
                "schema": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 2048
                }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–100, default 50).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 50
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "One page of aliases.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListAliasesResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "post": {
            "operationId": "CreateAlias",
            "tags": [
              "Aliases"
            ],
            "summary": "Create an alias",
            "description": "Creates a friendly name for a key. 409 AlreadyExists if the name is taken, 409 InvalidState if the key is pending deletion; at most 50 aliases per key (400 LimitExceeded).",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateAliasRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The alias was created; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/aliases/{aliasName}": {
          "put": {
            "operationId": "UpdateAlias",
            "tags": [
              "Aliases"
            ],
            "summary": "Point an alias at another key",
            "description": "Points an existing alias at another key of the same key spec and key usage.",
            "parameters": [
              {
                "$ref": "#/components/parameters/AliasNamePath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpdateAliasRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "delete": {
            "operationId": "DeleteAlias",
            "tags": [
              "Aliases"
            ],
            "summary": "Delete an alias",
            "description": "Removes the alias; the key it pointed at is untouched.",
            "parameters": [
              {
                "$ref": "#/components/parameters/AliasNamePath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/encrypt": {
          "post": {
            "operationId": "Encrypt",
            "tags": [
              "Cryptography"
            ],
            "summary": "Encrypt",
            "description": "Encrypts up to 4096 bytes under the key's newest version with AES-256-GCM, bound to the encryption context. With an RSA key of usage ENCRYPT_DECRYPT: RSA-OAEP (encryptionAlgorithm RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256, required), no encryption context, at most 214/190 (RSA_2048), 342/318 (RSA_3072) or 470/446 (RSA_4096) bytes, and the ciphertext is the raw RSA block. Signing and MAC keys give 400 InvalidKeyUsage. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/EncryptRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The ciphertext.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/EncryptResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/decrypt": {
          "post": {
            "operationId": "Decrypt",
            "tags": [
              "Cryptography"
            ],
            "summary": "Decrypt",
            "description": "Decrypts a ciphertext blob with exactly the encryption context it was made with (400 InvalidCiphertext otherwise). An RSA ciphertext needs keyId and its encryptionAlgorithm. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/DecryptRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The plaintext.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DecryptResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/reencrypt": {
          "post": {
            "operationId": "ReEncrypt",
            "tags": [
              "Cryptography"
            ],
            "summary": "Re-encrypt",
            "description": "Decrypts a blob and encrypts its plaintext under another key and/or encryption context inside the server; the plaintext never leaves it. Needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key. Both keys must be enabled (409 otherwise). With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed. (A dry run checks kms:ReEncryptFrom only.)",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ReEncryptRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The new ciphertext.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ReEncryptResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/datakey": {
          "post": {
            "operationId": "GenerateDataKey",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate a data key",
            "description": "A fresh random data key for envelope encryption, returned in the clear and encrypted under the key. Give exactly one of keySpec and numberOfBytes. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateDataKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The data key, in the clear and encrypted.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateDataKeyResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/datakey/without-plaintext": {
          "post": {
            "operationId": "GenerateDataKeyWithoutPlaintext",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate an encrypted data key",
            "description": "As GenerateDataKey, but only the encrypted copy is returned. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateDataKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The encrypted data key.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateDataKeyWithoutPlaintextResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/random": {
          "post": {
            "operationId": "GenerateRandom",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate random bytes",
            "description": "1–1024 bytes from the server's cryptographically secure random number generator.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateRandomRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The random bytes.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateRandomResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/datakey-pair": {
          "post": {
            "operationId": "GenerateDataKeyPair",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate a data key pair",
            "description": "A fresh asymmetric key pair made outside any KMS key: the public key, the private key in the clear and the private key sealed under a symmetric encryption key (another key gives 400 InvalidKeyUsage). The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateDataKeyPairRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The key pair.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateDataKeyPairResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/datakey-pair/without-plaintext": {
          "post": {
            "operationId": "GenerateDataKeyPairWithoutPlaintext",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate a data key pair without the private key",
            "description": "As GenerateDataKeyPair, but the private key is returned only sealed. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateDataKeyPairRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The public key and the sealed private key.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateDataKeyPairWithoutPlaintextResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/sign": {
          "post": {
            "operationId": "Sign",
            "tags": [
              "Cryptography"
            ],
            "summary": "Sign",
            "description": "Signs a message or its digest with the private key of a SIGN_VERIFY key (another usage gives 400 InvalidKeyUsage); the private key never leaves the service. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/SignRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The signature.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/SignResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/verify": {
          "post": {
            "operationId": "Verify",
            "tags": [
              "Cryptography"
            ],
            "summary": "Verify a signature",
            "description": "Checks a signature with the public key of a SIGN_VERIFY key. An invalid signature (including one of the wrong length or encoding) is 400 KMSInvalidSignature. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VerifyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The signature is valid.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VerifyResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/public-key": {
          "get": {
            "operationId": "GetPublicKey",
            "tags": [
              "Cryptography"
            ],
            "summary": "Get a key's public key",
            "description": "The public key of an asymmetric key as DER SubjectPublicKeyInfo, with its spec, usage and algorithms. Symmetric and HMAC keys give 400 UnsupportedOperation. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise.",
            "parameters": [
              {
                "$ref": "#/components/parameters/AnyKeyIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GetPublicKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The public key.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GetPublicKeyResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/mac": {
          "post": {
            "operationId": "GenerateMac",
            "tags": [
              "Cryptography"
            ],
            "summary": "Generate a MAC",
            "description": "The HMAC of a message under an HMAC key (another usage gives 400 InvalidKeyUsage). The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GenerateMacRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The MAC.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GenerateMacResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/mac/verify": {
          "post": {
            "operationId": "VerifyMac",
            "tags": [
              "Cryptography"
            ],
            "summary": "Verify a MAC",
            "description": "Recomputes the HMAC and compares it in constant time; a mismatch is 400 KMSInvalidMac. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VerifyMacRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The MAC is valid.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/VerifyMacResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/import-parameters": {
          "post": {
            "operationId": "GetParametersForImport",
            "tags": [
              "Key material"
            ],
            "summary": "Get import parameters",
            "description": "A fresh RSA wrapping public key and a one-time import token for one ImportKeyMaterial into this key, valid 24 hours. The wrapping private key is stored only wrapped under the root key and deleted once used or expired; a key has at most 10 sets outstanding (the oldest are dropped). The key must have origin EXTERNAL (else 400 UnsupportedOperation) and must not be pending deletion (409 InvalidState).",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GetParametersForImportRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The parameters.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GetParametersForImportResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/import": {
          "post": {
            "operationId": "ImportKeyMaterial",
            "tags": [
              "Key material"
            ],
            "summary": "Import key material",
            "description": "Unwraps the material with the token's wrapping key and makes it the key's: a key in PendingImport becomes Enabled. The token must be for this key (400 InvalidImportToken), unexpired (400 ExpiredImportToken) and unused; it is spent by the attempt whatever the outcome. Material that does not unwrap is 400 InvalidCiphertext; material of the wrong size or type, or different from what the key had before, is 400 IncorrectKeyMaterial (a key is bound to its material for life). The key must have origin EXTERNAL (else 400 UnsupportedOperation) and must not be pending deletion (409 InvalidState).",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/ImportKeyMaterialRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The material was imported.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ImportKeyMaterialResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/material": {
          "delete": {
            "operationId": "DeleteImportedKeyMaterial",
            "tags": [
              "Key material"
            ],
            "summary": "Delete imported key material",
            "description": "Deletes the key's imported material now: the key goes to PendingImport until the same material is imported again, after which every ciphertext made with it decrypts again. No effect on a key without material. The key must have origin EXTERNAL (else 400 UnsupportedOperation) and must not be pending deletion (409 InvalidState).",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "The material was deleted (or there was none).",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DeleteImportedKeyMaterialResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/grants": {
          "post": {
            "operationId": "CreateGrant",
            "tags": [
              "Grants"
            ],
            "summary": "Create a grant",
            "description": "Lets a grantee principal use one key for some operations, optionally only with a given encryption context (constraints). Grants take effect immediately. The caller must itself be allowed every operation it grants (other than CreateGrant and RetireGrant) on the key, under the constraints' encryption context (403 AccessDenied otherwise). At most 50000 grants per key (400 LimitExceeded). The key must be enabled (409 otherwise). With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateGrantRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The grant was created (or an identical named grant already existed).",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/CreateGrantResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/grants": {
          "get": {
            "operationId": "ListGrants",
            "tags": [
              "Grants"
            ],
            "summary": "List a key's grants",
            "description": "The grants on a key, sorted by grant id, optionally only one grant or one grantee's.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–100, default 50).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 50
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              },
              {
                "name": "grantId",
                "in": "query",
                "required": false,
                "description": "Only the grant with this id.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "granteePrincipal",
                "in": "query",
                "required": false,
                "description": "Only grants to this principal: its name or ARN.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              }
            ],
            "responses": {
              "200": {
                "description": "One page of grants.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListGrantsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/grants/retirable": {
          "get": {
            "operationId": "ListRetirableGrants",
            "tags": [
              "Grants"
            ],
            "summary": "List retirable grants",
            "description": "The grants, on any key, whose retiring principal is the given principal, sorted by grant id. An authorization on no particular key: only an all-keys binding allows it.",
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–100, default 50).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 100,
                  "default": 50
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              },
              {
                "name": "retiringPrincipal",
                "in": "query",
                "required": true,
                "description": "The retiring principal: its name or ARN. Required; unknown gives 404.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              }
            ],
            "responses": {
              "200": {
                "description": "One page of grants.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListGrantsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/grants/retire": {
          "post": {
            "operationId": "RetireGrant",
            "tags": [
              "Grants"
            ],
            "summary": "Retire a grant",
            "description": "Ends a grant, named by its token or by key and grant id. Allowed to the grant's retiring principal, to its grantee if the grant includes RetireGrant, and to principals allowed kms:RetireGrant on the key by a binding.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RetireGrantRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/grants/{grantId}": {
          "delete": {
            "operationId": "RevokeGrant",
            "tags": [
              "Grants"
            ],
            "summary": "Revoke a grant",
            "description": "Ends a grant on a key, by id (404 if the key has no such grant). The body may be omitted. With `dryRun: true` the request is only authorized: 412 DryRunOperation if it is allowed.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              },
              {
                "$ref": "#/components/parameters/GrantIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/RevokeGrantRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "412": {
                "$ref": "#/components/responses/DryRun"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/policy": {
          "get": {
            "operationId": "GetKeyPolicy",
            "tags": [
              "Key policies"
            ],
            "summary": "Get a key's policy",
            "description": "The key's policy document, named `default`. The optional body is accepted for AWS compatibility only.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/GetKeyPolicyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The policy.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GetKeyPolicyResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "put": {
            "operationId": "PutKeyPolicy",
            "tags": [
              "Key policies"
            ],
            "summary": "Set a key's policy",
            "description": "Replaces the key's policy document after checking it against the policy grammar. Its Deny statements are enforced from then on: a statement whose Principal (`*`, an account root ARN, or the caller's user ARN) and Action (`*` and `?` wildcards allowed) match refuses the request whatever bindings or grants allow. Its Allow statements grant nothing beyond roles, bindings and grants.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/PutKeyPolicyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/keys/{keyId}/policies": {
          "get": {
            "operationId": "ListKeyPolicies",
            "tags": [
              "Key policies"
            ],
            "summary": "List a key's policy names",
            "description": "Always the single name `default`; `marker` is accepted and ignored.",
            "parameters": [
              {
                "$ref": "#/components/parameters/KeyIdPath"
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–1000, default 100).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "The policy names.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListKeyPoliciesResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/audit/records": {
          "get": {
            "operationId": "QueryAuditLog",
            "tags": [
              "Audit"
            ],
            "summary": "Query the audit log",
            "description": "Records by time range, principal, action, key and outcome, oldest first, paginated by sequence. With `wait`, a long poll: the answer comes as soon as a record after `afterSequence` exists, or after `wait` seconds. Since every query is itself a record, the caller's own earlier queries (same access key) do not end the wait; they are returned with whatever does, or when the wait is over. Needs audit:ReadAuditLog (the auditor and admin roles). 400 UnsupportedOperation when the server has no audit log.",
            "parameters": [
              {
                "name": "from",
                "in": "query",
                "required": false,
                "description": "Records at or after this time: RFC 3339 or epoch seconds.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "to",
                "in": "query",
                "required": false,
                "description": "Records before this time: RFC 3339 or epoch seconds.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "principal",
                "in": "query",
                "required": false,
                "description": "Only this principal's records (name or id).",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "action",
                "in": "query",
                "required": false,
                "description": "Only this action (`Encrypt`).",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "keyId",
                "in": "query",
                "required": false,
                "description": "Only records about this key id.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "outcome",
                "in": "query",
                "required": false,
                "description": "allowed, denied or error.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              },
              {
                "name": "afterSequence",
                "in": "query",
                "required": false,
                "description": "Only records after this sequence number.",
                "schema": {
                  "type": "integer"
                }
              },
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–1000, default 100).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "name": "wait",
                "in": "query",
                "required": false,
                "description": "Long poll: wait up to this many seconds (0–60) for a record.",
                "schema": {
                  "type": "integer"
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The records.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/QueryAuditLogResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/audit/checkpoint": {
          "get": {
            "operationId": "GetAuditCheckpoint",
            "tags": [
              "Audit"
            ],
            "summary": "Get the newest checkpoint",
            "description": "Signs a checkpoint now and returns the newest one with the public key that verifies it; keep it elsewhere as an anchor against truncation. Needs audit:ReadAuditLog (the auditor and admin roles). 400 UnsupportedOperation when the server has no audit log.",
            "responses": {
              "200": {
                "description": "The checkpoint.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/GetAuditCheckpointResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/audit/verify": {
          "post": {
            "operationId": "VerifyAuditLog",
            "tags": [
              "Audit"
            ],
            "summary": "Verify the audit log",
            "description": "Checks every record's hash and every checkpoint's signature now; given an anchor, also that the log still reaches it. Needs audit:ReadAuditLog (the auditor and admin roles). 400 UnsupportedOperation when the server has no audit log.",
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/VerifyAuditLogRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The result (ok false names the first problem).",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/AuditVerification"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/audit/prune": {
          "post": {
            "operationId": "PruneAuditLog",
            "tags": [
              "Audit"
            ],
            "summary": "Prune the audit log",
            "description": "Deletes records before the newest checkpoint below beforeSequence (export them first); the chain stays verifiable from that checkpoint. Needs audit:PruneAuditLog.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/PruneAuditLogRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The records were deleted.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/PruneAuditLogResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/principals": {
          "post": {
            "operationId": "CreatePrincipal",
            "tags": [
              "Principals"
            ],
            "summary": "Create a principal",
            "description": "Creates a principal (a person, service or pipeline) with its first access key. It can do nothing until a binding gives it a role. 409 AlreadyExists if the name is taken. With clientCertificateFingerprint its requests must also present that client certificate over TLS (mTLS). The response carries the new secret in `accessKey.secretAccessKey` as plain text: it is shown only this once and cannot be retrieved later.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreatePrincipalRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The principal was created, with its access key and secret.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/CreatePrincipalResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "get": {
            "operationId": "ListPrincipals",
            "tags": [
              "Principals"
            ],
            "summary": "List principals",
            "description": "Every principal, sorted by name, without access keys.",
            "parameters": [
              {
                "name": "limit",
                "in": "query",
                "required": false,
                "description": "Maximum number of items in the page (1–1000, default 100).",
                "schema": {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000,
                  "default": 100
                }
              },
              {
                "$ref": "#/components/parameters/Marker"
              }
            ],
            "responses": {
              "200": {
                "description": "One page of principals.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListPrincipalsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/principals/{principal}": {
          "get": {
            "operationId": "DescribePrincipal",
            "tags": [
              "Principals"
            ],
            "summary": "Describe a principal",
            "description": "One principal with its access keys (never their secrets).",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              }
            ],
            "responses": {
              "200": {
                "description": "The principal.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/DescribePrincipalResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "patch": {
            "operationId": "UpdatePrincipal",
            "tags": [
              "Principals"
            ],
            "summary": "Update a principal",
            "description": "Enables or disables a principal, and binds, replaces or clears (empty string) its client certificate. A disabled principal's access keys stop working (403 UnrecognizedClient) until it is enabled again; a bound principal's requests without that client certificate get 403 AccessDenied. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpdatePrincipalRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "delete": {
            "operationId": "DeletePrincipal",
            "tags": [
              "Principals"
            ],
            "summary": "Delete a principal",
            "description": "Removes a principal with its access keys and bindings. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/principals/{principal}/access-keys": {
          "post": {
            "operationId": "CreateAccessKey",
            "tags": [
              "Principals"
            ],
            "summary": "Create an access key",
            "description": "Adds an access key to a principal, so keys can be rotated without downtime; a principal has at most two (400 LimitExceeded). The response carries the new secret in `accessKey.secretAccessKey` as plain text: it is shown only this once and cannot be retrieved later.",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              }
            ],
            "responses": {
              "201": {
                "description": "The access key was created, with its secret.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/CreateAccessKeyResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/principals/{principal}/access-keys/{accessKeyId}": {
          "patch": {
            "operationId": "UpdateAccessKey",
            "tags": [
              "Principals"
            ],
            "summary": "Activate or deactivate an access key",
            "description": "An Inactive access key cannot sign requests until it is made Active again. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              },
              {
                "$ref": "#/components/parameters/AccessKeyIdPath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpdateAccessKeyRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "delete": {
            "operationId": "DeleteAccessKey",
            "tags": [
              "Principals"
            ],
            "summary": "Delete an access key",
            "description": "Removes an access key for good. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/PrincipalPath"
              },
              {
                "$ref": "#/components/parameters/AccessKeyIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/roles": {
          "get": {
            "operationId": "ListRoles",
            "tags": [
              "Roles"
            ],
            "summary": "List roles",
            "description": "The built-in and custom roles, sorted by name.",
            "responses": {
              "200": {
                "description": "Every role.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListRolesResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "post": {
            "operationId": "CreateRole",
            "tags": [
              "Roles"
            ],
            "summary": "Create a role",
            "description": "Creates a custom role: a named set of actions. 409 AlreadyExists if the name is taken (built-in names included).",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateRoleRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The role was created.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/RoleResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/roles/{name}": {
          "get": {
            "operationId": "DescribeRole",
            "tags": [
              "Roles"
            ],
            "summary": "Describe a role",
            "description": "One role and its actions.",
            "parameters": [
              {
                "$ref": "#/components/parameters/RoleNamePath"
              }
            ],
            "responses": {
              "200": {
                "description": "The role.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/RoleResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "patch": {
            "operationId": "UpdateRole",
            "tags": [
              "Roles"
            ],
            "summary": "Update a role",
            "description": "Changes a custom role's description and/or actions; the change applies to every binding of the role at once. Built-in roles cannot be changed (400 UnsupportedOperation). Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/RoleNamePath"
              }
            ],
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/UpdateRoleRequest"
                  }
                }
              }
            },
            "responses": {
              "200": {
                "description": "The updated role.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/RoleResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "delete": {
            "operationId": "DeleteRole",
            "tags": [
              "Roles"
            ],
            "summary": "Delete a role",
            "description": "Removes a custom role. Built-in roles cannot be deleted (400 UnsupportedOperation); a role used by bindings gives 409 InvalidState until they are deleted.",
            "parameters": [
              {
                "$ref": "#/components/parameters/RoleNamePath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/bindings": {
          "post": {
            "operationId": "CreateBinding",
            "tags": [
              "Bindings"
            ],
            "summary": "Create a binding",
            "description": "Gives a principal a role on a scope — all keys, one key, the keys with an alias under a prefix, or the keys with a tag — optionally only under encryption-context conditions. With effect Deny the binding takes the role's actions away instead, whatever else allows them. 404 if the principal, role or key does not exist. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {
                    "$ref": "#/components/schemas/CreateBindingRequest"
                  }
                }
              }
            },
            "responses": {
              "201": {
                "description": "The binding was created.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/BindingResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          },
          "get": {
            "operationId": "ListBindings",
            "tags": [
              "Bindings"
            ],
            "summary": "List bindings",
            "description": "All bindings, or one principal's, oldest first.",
            "parameters": [
              {
                "name": "principal",
                "in": "query",
                "required": false,
                "description": "Only this principal's bindings: its name or ARN; unknown gives 404.",
                "schema": {
                  "type": "string",
                  "minLength": 1
                }
              }
            ],
            "responses": {
              "200": {
                "description": "The bindings.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/ListBindingsResponse"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        },
        "/v1/bindings/{bindingId}": {
          "delete": {
            "operationId": "DeleteBinding",
            "tags": [
              "Bindings"
            ],
            "summary": "Delete a binding",
            "description": "Removes a binding. Refused with 409 InvalidState if it would leave no enabled administrator (a principal with an unconditional Allow binding of role admin on all keys, no Deny binding, and an active access key).",
            "parameters": [
              {
                "$ref": "#/components/parameters/BindingIdPath"
              }
            ],
            "responses": {
              "200": {
                "description": "Done; the body is `{}`.",
                "headers": {
                  "x-request-id": {
                    "$ref": "#/components/headers/RequestId"
                  },
                  "x-amzn-RequestId": {
                    "$ref": "#/components/headers/AmznRequestId"
                  }
                },
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Empty"
                    }
                  }
                }
              },
              "400": {
                "$ref": "#/components/responses/BadRequest"
              },
              "403": {
                "$ref": "#/components/responses/Forbidden"
              },
              "404": {
                "$ref": "#/components/responses/NotFound"
              },
              "409": {
                "$ref": "#/components/responses/Conflict"
              },
              "413": {
                "$ref": "#/components/responses/PayloadTooLarge"
              },
              "415": {
                "$ref": "#/components/responses/UnsupportedMediaType"
              },
              "429": {
                "$ref": "#/components/responses/Throttled"
              },
              "500": {
                "$ref": "#/components/responses/InternalError"
              },
              "503": {
                "$ref": "#/components/responses/ServiceUnavailable"
              }
            }
          }
        }
      },
      "components": {
        "securitySchemes": {
          "sigv4": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "AWS Signature Version 4. Sign every request with an access key of this server (see CreatePrincipal and CreateAccessKey), for service `kms` and the region the server is configured with (the credential scope must be `<yyyymmdd>/<region>/kms/aws4_request`). Send `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` together with `X-Amz-Date` (which must be among the signed headers) and optionally `X-Amz-Content-SHA256`. The request time must be within 5 minutes of the server clock, else 403 InvalidSignature. Any standard SigV4 signer (such as the one in the AWS SDKs) produces these headers. A principal with a bound client certificate (clientCertificateFingerprint) must also present that certificate over TLS (mTLS)."
          }
        },
        "headers": {
          "RequestId": {
            "description": "The id of this request (also in error bodies and the audit log).",
            "schema": {
              "type": "string"
            }
          },
          "AmznRequestId": {
            "description": "The same request id, under the header name AWS SDKs read.",
            "schema": {
              "type": "string"
            }
          }
        },
        "parameters": {
          "KeyIdPath": {
            "name": "keyId",
            "in": "path",
            "required": true,
            "description": "The key: a key id or a key ARN (aliases are not accepted here and give 404). Path parameters are percent-decoded, so any `/` in an ARN or alias name must be sent as `%2F` (e.g. `arn:aws:kms:us-east-1:000000000000:key%2F1234abcd-12ab-34cd-56ef-1234567890ab`).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 2048
            },
            "examples": {
              "keyId": {
                "value": "1234abcd-12ab-34cd-56ef-1234567890ab"
              },
              "keyArn": {
                "value": "arn:aws:kms:us-east-1:000000000000:key%2F1234abcd-12ab-34cd-56ef-1234567890ab"
              }
            }
          },
          "AnyKeyIdPath": {
            "name": "keyId",
            "in": "path",
            "required": true,
            "description": "The key: a key id, key ARN, alias name or alias ARN. Path parameters are percent-decoded, so any `/` in an ARN or alias name must be sent as `%2F` (e.g. `alias%2Fmy-key` or `arn:aws:kms:us-east-1:000000000000:key%2F1234abcd-12ab-34cd-56ef-1234567890ab`).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 2048
            },
            "examples": {
              "keyId": {
                "value": "1234abcd-12ab-34cd-56ef-1234567890ab"
              },
              "aliasName": {
                "value": "alias%2Fmy-key"
              }
            }
          },
          "AliasNamePath": {
            "name": "aliasName",
            "in": "path",
            "required": true,
            "description": "The alias name, with its `/` percent-encoded: `alias%2Fmy-key` names `alias/my-key`. After decoding it must match `^alias/[a-zA-Z0-9:/_-]+$`.",
            "schema": {
              "type": "string",
              "minLength": 1
            },
            "examples": {
              "aliasName": {
                "value": "alias%2Fmy-key"
              }
            }
          },
          "Marker": {
            "name": "marker",
            "in": "query",
            "required": false,
            "description": "The `nextMarker` of the previous page; markers are opaque and valid only for the same listing.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          },
          "GrantIdPath": {
            "name": "grantId",
            "in": "path",
            "required": true,
            "description": "The grant id, as returned by CreateGrant.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          },
          "PrincipalPath": {
            "name": "principal",
            "in": "path",
            "required": true,
            "description": "The principal: its name, or its ARN `arn:aws:iam::<account>:user/<name>` with the `/` sent as `%2F` (path parameters are percent-decoded).",
            "schema": {
              "type": "string",
              "minLength": 1
            },
            "examples": {
              "name": {
                "value": "build-pipeline"
              },
              "arn": {
                "value": "arn:aws:iam::000000000000:user%2Fbuild-pipeline"
              }
            }
          },
          "AccessKeyIdPath": {
            "name": "accessKeyId",
            "in": "path",
            "required": true,
            "description": "The access key id; it must belong to the principal in the path (else 404 NotFound).",
            "schema": {
              "type": "string",
              "minLength": 1
            },
            "examples": {
              "accessKeyId": {
                "value": "AKIAQ7XJ2M5N4B6C3DEF"
              }
            }
          },
          "RoleNamePath": {
            "name": "name",
            "in": "path",
            "required": true,
            "description": "The role's name.",
            "schema": {
              "type": "string",
              "minLength": 1
            },
            "examples": {
              "builtIn": {
                "value": "key-user"
              }
            }
          },
          "BindingIdPath": {
            "name": "bindingId",
            "in": "path",
            "required": true,
            "description": "The binding id, as returned by CreateBinding or ListBindings.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        },
        "responses": {
          "BadRequest": {
            "description": "The request is not valid: ValidationError (a missing, unknown or out-of-range member, a path member repeated in the body, an unknown, repeated or empty query parameter, or an update with nothing to change), MalformedRequest (not a JSON object), or a domain error such as InvalidCiphertext, IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, UnsupportedOperation, InvalidGrantToken, InvalidGrantId, MalformedPolicyDocument, InvalidImportToken, ExpiredImportToken, IncorrectKeyMaterial, KMSInvalidSignature (Verify: the signature is not valid) or KMSInvalidMac (VerifyMac: the MAC is not valid).",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Forbidden": {
            "description": "Authentication or authorization failed: MissingAuthentication, IncompleteSignature, UnrecognizedClient (an unknown or inactive access key, or a disabled principal), InvalidSignature (including a clock skew over 5 minutes or a wrong credential scope), or AccessDenied (no binding or grant allows the request, or a deny binding or key policy statement refuses it, or the principal has a bound client certificate the request did not present over TLS; the reason is logged, not returned).",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "NotFound": {
            "description": "NotFound: the named key, alias, grant, principal, access key, role or binding does not exist, or the identifier form is not accepted by this operation.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Conflict": {
            "description": "The resource is in a state that does not allow the operation: Disabled, InvalidState (e.g. a key pending deletion, a role still used by bindings, or a change that would leave no enabled administrator) or AlreadyExists.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "DryRun": {
            "description": "DryRunOperation: dryRun was true and the caller is allowed the request; nothing was done.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "PayloadTooLarge: the request body exceeds 65536 bytes.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "UnsupportedMediaType": {
            "description": "UnsupportedMediaType: the Content-Type is neither application/json nor application/x-amz-json-*.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "Throttled": {
            "description": "Throttled: too many requests; retry with backoff.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "InternalError": {
            "description": "InternalError or KeyUnavailable: the server could not complete the request.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          },
          "ServiceUnavailable": {
            "description": "DependencyTimeout or AuditUnavailable: the key store or audit log is unavailable; the request was not applied. Safe to retry.",
            "headers": {
              "x-request-id": {
                "$ref": "#/components/headers/RequestId"
              },
              "x-amzn-RequestId": {
                "$ref": "#/components/headers/AmznRequestId"
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Error"
                }
              }
            }
          }
        },
        "schemas": {
          "Error": {
            "type": "object",
            "description": "The body of every error response.",
            "required": [
              "error"
            ],
            "additionalProperties": false,
            "properties": {
              "error": {
                "type": "object",
                "required": [
                  "code",
                  "message",
                  "requestId"
                ],
                "additionalProperties": false,
                "properties": {
                  "code": {
                    "type": "string",
                    "description": "A stable, machine-readable error code. Clients should branch on this, never on `message`. 400: ValidationError, MalformedRequest, InvalidCiphertext, IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, UnsupportedOperation, InvalidGrantToken, InvalidGrantId, MalformedPolicyDocument, InvalidImportToken, ExpiredImportToken, IncorrectKeyMaterial, KMSInvalidSignature, KMSInvalidMac. 403: AccessDenied, MissingAuthentication, IncompleteSignature, UnrecognizedClient, InvalidSignature. 404: NotFound, RouteNotFound. 405: MethodNotAllowed. 409: Disabled, InvalidState, AlreadyExists. 412: DryRunOperation. 413: PayloadTooLarge. 415: UnsupportedMediaType. 429: Throttled. 500: InternalError, KeyUnavailable. 503: DependencyTimeout, AuditUnavailable.",
                    "examples": [
                      "NotFound"
                    ]
                  },
                  "message": {
                    "type": "string",
                    "description": "A human-readable explanation. Never contains key material, plaintext or secrets."
                  },
                  "requestId": {
                    "type": "string",
                    "description": "The id of the request, the same as the `x-request-id` response header."
                  }
                }
              }
            }
          },
          "Empty": {
            "type": "object",
            "description": "An empty object (`{}`): the operation returns no members.",
            "additionalProperties": false,
            "properties": {}
          },
          "Tag": {
            "type": "object",
            "required": [
              "tagKey",
              "tagValue"
            ],
            "additionalProperties": false,
            "properties": {
              "tagKey": {
                "type": "string",
                "minLength": 1,
                "maxLength": 128,
                "description": "1–128 characters; keys beginning with `aws:` are reserved. Unique within a request."
              },
              "tagValue": {
                "type": "string",
                "maxLength": 256,
                "description": "0–256 characters."
              }
            }
          },
          "EncryptionContext": {
            "type": "object",
            "description": "Non-secret string pairs bound to the ciphertext as additional authenticated data. Decrypt needs exactly the same pairs. At most 64 pairs; keys 1–2048 bytes, values 0–2048 bytes, 8192 bytes in all. Bindings may be conditioned on it and grants constrained by it (an omitted context counts as empty).",
            "additionalProperties": {
              "type": "string",
              "maxLength": 2048
            },
            "propertyNames": {
              "minLength": 1,
              "maxLength": 2048
            },
            "maxProperties": 64,
            "examples": [
              {
                "purpose": "invoice",
                "tenant": "acme"
              }
            ]
          },
          "GrantTokens": {
            "type": "array",
            "description": "Grant tokens returned by CreateGrant. Grants take effect as soon as they are created, so tokens are never needed; any token given must be the token of an existing grant, else 400 InvalidGrantToken.",
            "items": {
              "type": "string",
              "minLength": 1,
              "maxLength": 8192
            },
            "maxItems": 10
          },
          "EncryptionAlgorithm": {
            "type": "string",
            "enum": [
              "SYMMETRIC_DEFAULT",
              "RSAES_OAEP_SHA_1",
              "RSAES_OAEP_SHA_256"
            ],
            "description": "SYMMETRIC_DEFAULT (AES-256-GCM, the default) for symmetric keys; RSAES_OAEP_SHA_1 or RSAES_OAEP_SHA_256 (required) for RSA keys of usage ENCRYPT_DECRYPT. ReEncrypt supports symmetric keys only."
          },
          "CiphertextBlob": {
            "type": "string",
            "contentEncoding": "base64",
            "minLength": 4,
            "maxLength": 8192,
            "description": "A ciphertext blob issued by this service, standard base64 (1–6144 bytes decoded: 4–8192 characters).",
            "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
          },
          "KeyMetadata": {
            "type": "object",
            "required": [
              "awsAccountId",
              "keyId",
              "arn",
              "creationDate",
              "enabled",
              "description",
              "keyUsage",
              "keyState",
              "origin",
              "keyManager",
              "customerMasterKeySpec",
              "keySpec",
              "multiRegion"
            ],
            "properties": {
              "awsAccountId": {
                "type": "string",
                "examples": [
                  "000000000000"
                ]
              },
              "keyId": {
                "type": "string",
                "description": "The key id (a lowercase UUID).",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "arn": {
                "type": "string",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "creationDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the key was created. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "enabled": {
                "type": "boolean",
                "description": "True exactly when keyState is Enabled."
              },
              "description": {
                "type": "string"
              },
              "keyUsage": {
                "type": "string",
                "enum": [
                  "ENCRYPT_DECRYPT",
                  "SIGN_VERIFY",
                  "GENERATE_VERIFY_MAC"
                ]
              },
              "keyState": {
                "type": "string",
                "enum": [
                  "Enabled",
                  "Disabled",
                  "PendingDeletion",
                  "PendingImport"
                ]
              },
              "deletionDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the key material will be destroyed; present only in state PendingDeletion. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "origin": {
                "type": "string",
                "enum": [
                  "AWS_KMS",
                  "EXTERNAL"
                ]
              },
              "keyManager": {
                "type": "string",
                "enum": [
                  "CUSTOMER"
                ]
              },
              "customerMasterKeySpec": {
                "type": "string",
                "description": "Deprecated; the same as keySpec.",
                "examples": [
                  "SYMMETRIC_DEFAULT"
                ]
              },
              "keySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT",
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519",
                  "HMAC_224",
                  "HMAC_256",
                  "HMAC_384",
                  "HMAC_512"
                ],
                "examples": [
                  "SYMMETRIC_DEFAULT"
                ]
              },
              "encryptionAlgorithms": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "examples": [
                  [
                    "SYMMETRIC_DEFAULT"
                  ]
                ],
                "description": "Keys of usage ENCRYPT_DECRYPT: SYMMETRIC_DEFAULT, or the two RSAES_OAEP_* for RSA keys."
              },
              "signingAlgorithms": {
                "type": "array",
                "items": {
                  "type": "string",
                  "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "ED25519_SHA_512"
                  ]
                },
                "description": "Keys of usage SIGN_VERIFY: the algorithms Sign and Verify accept with this key."
              },
              "macAlgorithms": {
                "type": "array",
                "items": {
                  "type": "string",
                  "enum": [
                    "HMAC_SHA_224",
                    "HMAC_SHA_256",
                    "HMAC_SHA_384",
                    "HMAC_SHA_512"
                  ]
                },
                "description": "HMAC keys: the one MAC algorithm of the key spec."
              },
              "expirationModel": {
                "type": "string",
                "enum": [
                  "KEY_MATERIAL_EXPIRES",
                  "KEY_MATERIAL_DOES_NOT_EXPIRE"
                ],
                "description": "Keys of origin EXTERNAL while they have imported material: whether it expires."
              },
              "validTo": {
                "type": "string",
                "format": "date-time",
                "description": "When the imported material expires; present only with KEY_MATERIAL_EXPIRES. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "multiRegion": {
                "type": "boolean",
                "description": "Always false."
              }
            }
          },
          "KeyMetadataResponse": {
            "type": "object",
            "required": [
              "keyMetadata"
            ],
            "properties": {
              "keyMetadata": {
                "$ref": "#/components/schemas/KeyMetadata"
              }
            }
          },
          "KeyArnResponse": {
            "type": "object",
            "required": [
              "keyId"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              }
            }
          },
          "CreateKeyRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "description": {
                "type": "string",
                "maxLength": 8192,
                "description": "At most 8192 characters. Default: empty."
              },
              "keyUsage": {
                "type": "string",
                "enum": [
                  "ENCRYPT_DECRYPT",
                  "SIGN_VERIFY",
                  "GENERATE_VERIFY_MAC"
                ],
                "description": "ENCRYPT_DECRYPT (symmetric and RSA keys), SIGN_VERIFY (RSA and ECC keys) or GENERATE_VERIFY_MAC (HMAC keys). Default: the spec's first (ENCRYPT_DECRYPT for symmetric and RSA, SIGN_VERIFY for ECC, GENERATE_VERIFY_MAC for HMAC); a usage the spec does not allow gives 400 ValidationError."
              },
              "keySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT",
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519",
                  "HMAC_224",
                  "HMAC_256",
                  "HMAC_384",
                  "HMAC_512"
                ],
                "description": "Default SYMMETRIC_DEFAULT. Other AWS key specs (ECC_SECG_P256K1, SM2, ML_DSA_*) give 400 UnsupportedOperation."
              },
              "customerMasterKeySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT",
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519",
                  "HMAC_224",
                  "HMAC_256",
                  "HMAC_384",
                  "HMAC_512"
                ],
                "description": "Deprecated synonym of keySpec; if both are given they must be equal."
              },
              "origin": {
                "type": "string",
                "enum": [
                  "AWS_KMS",
                  "EXTERNAL"
                ],
                "description": "Default AWS_KMS (the service makes the material). EXTERNAL makes a key without material in state PendingImport, for ImportKeyMaterial; other origins give 400 UnsupportedOperation."
              },
              "tags": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Tag"
                },
                "maxItems": 50
              },
              "multiRegion": {
                "type": "boolean",
                "description": "Multi-Region keys are not supported: true gives 400 UnsupportedOperation."
              },
              "policy": {
                "type": "string",
                "maxLength": 32768,
                "description": "The key policy, as for PutKeyPolicy (same grammar and limits; 400 MalformedPolicyDocument otherwise). Default: the default key policy."
              },
              "bypassPolicyLockoutSafetyCheck": {
                "type": "boolean",
                "default": false,
                "description": "A policy that would deny the caller kms:PutKeyPolicy on the new key is refused with 400 MalformedPolicyDocument unless this is true."
              }
            }
          },
          "ListKeysResponse": {
            "type": "object",
            "required": [
              "keys",
              "truncated"
            ],
            "properties": {
              "keys": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "keyId",
                    "keyArn"
                  ],
                  "properties": {
                    "keyId": {
                      "type": "string",
                      "examples": [
                        "1234abcd-12ab-34cd-56ef-1234567890ab"
                      ]
                    },
                    "keyArn": {
                      "type": "string",
                      "examples": [
                        "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                      ]
                    }
                  }
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "DescribeKeyRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              }
            }
          },
          "UpdateKeyDescriptionRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "description"
            ],
            "properties": {
              "description": {
                "type": "string",
                "maxLength": 8192,
                "description": "At most 8192 characters."
              }
            }
          },
          "ScheduleKeyDeletionRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "pendingWindowInDays": {
                "type": "integer",
                "minimum": 7,
                "maximum": 30,
                "default": 30,
                "description": "Days until the key material is destroyed (7–30, default 30)."
              }
            }
          },
          "ScheduleKeyDeletionResponse": {
            "type": "object",
            "required": [
              "keyId",
              "deletionDate",
              "keyState",
              "pendingWindowInDays"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "deletionDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the key material will be destroyed. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "keyState": {
                "type": "string",
                "enum": [
                  "PendingDeletion"
                ]
              },
              "pendingWindowInDays": {
                "type": "integer",
                "minimum": 7,
                "maximum": 30
              }
            }
          },
          "ListResourceTagsResponse": {
            "type": "object",
            "required": [
              "tags",
              "truncated"
            ],
            "properties": {
              "tags": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Tag"
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "TagResourceRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "tags"
            ],
            "properties": {
              "tags": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Tag"
                },
                "maxItems": 50,
                "description": "Tags to add; a tag whose key exists replaces its value. A key may have at most 50 tags."
              }
            }
          },
          "UntagResourceRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "tagKeys"
            ],
            "properties": {
              "tagKeys": {
                "type": "array",
                "items": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 128
                },
                "description": "Keys of the tags to remove; keys the key does not have are ignored."
              }
            }
          },
          "GetKeyRotationStatusResponse": {
            "type": "object",
            "required": [
              "keyRotationEnabled",
              "keyId"
            ],
            "properties": {
              "keyRotationEnabled": {
                "type": "boolean"
              },
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "rotationPeriodInDays": {
                "type": "integer",
                "minimum": 90,
                "maximum": 2560,
                "description": "Present only when automatic rotation is enabled."
              },
              "nextRotationDate": {
                "type": "string",
                "format": "date-time",
                "description": "The next automatic rotation; present only when automatic rotation is enabled. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              }
            }
          },
          "EnableKeyRotationRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "rotationPeriodInDays": {
                "type": "integer",
                "minimum": 90,
                "maximum": 2560,
                "default": 365,
                "description": "Days between automatic rotations (90–2560, default 365)."
              }
            }
          },
          "ListKeyRotationsResponse": {
            "type": "object",
            "required": [
              "rotations",
              "truncated"
            ],
            "properties": {
              "rotations": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "keyId",
                    "rotationDate",
                    "rotationType"
                  ],
                  "properties": {
                    "keyId": {
                      "type": "string",
                      "description": "The key ARN.",
                      "examples": [
                        "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                      ]
                    },
                    "rotationDate": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the rotation happened. RFC 3339, UTC, with microseconds.",
                      "examples": [
                        "2026-11-29T04:41:27.123456Z"
                      ]
                    },
                    "rotationType": {
                      "type": "string",
                      "enum": [
                        "AUTOMATIC",
                        "ON_DEMAND"
                      ]
                    }
                  }
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "ListAliasesResponse": {
            "type": "object",
            "required": [
              "aliases",
              "truncated"
            ],
            "properties": {
              "aliases": {
                "type": "array",
                "items": {
                  "type": "object",
                  "required": [
                    "aliasName",
                    "aliasArn",
                    "targetKeyId",
                    "creationDate",
                    "lastUpdatedDate"
                  ],
                  "properties": {
                    "aliasName": {
                      "type": "string",
                      "examples": [
                        "alias/my-key"
                      ]
                    },
                    "aliasArn": {
                      "type": "string",
                      "examples": [
                        "arn:aws:kms:us-east-1:000000000000:alias/my-key"
                      ]
                    },
                    "targetKeyId": {
                      "type": "string",
                      "description": "The key id the alias points at.",
                      "examples": [
                        "1234abcd-12ab-34cd-56ef-1234567890ab"
                      ]
                    },
                    "creationDate": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the alias was created. RFC 3339, UTC, with microseconds.",
                      "examples": [
                        "2026-11-29T04:41:27.123456Z"
                      ]
                    },
                    "lastUpdatedDate": {
                      "type": "string",
                      "format": "date-time",
                      "description": "When the alias was last pointed at a key. RFC 3339, UTC, with microseconds.",
                      "examples": [
                        "2026-11-29T04:41:27.123456Z"
                      ]
                    }
                  }
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "CreateAliasRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "aliasName",
              "targetKeyId"
            ],
            "properties": {
              "aliasName": {
                "type": "string",
                "minLength": 7,
                "maxLength": 256,
                "pattern": "^alias/[a-zA-Z0-9:/_-]+$",
                "description": "`alias/` followed by letters, digits and `: / _ -`; names beginning with `alias/aws/` are reserved.",
                "examples": [
                  "alias/my-key"
                ]
              },
              "targetKeyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key the alias points at: a key id or key ARN (not an alias).",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              }
            }
          },
          "UpdateAliasRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "targetKeyId"
            ],
            "properties": {
              "targetKeyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The new target: a key id or key ARN (not an alias). It must have the same key spec and key usage as the current target.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              }
            }
          },
          "EncryptRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "plaintext"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key to encrypt under: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "plaintext": {
                "type": "string",
                "contentEncoding": "base64",
                "minLength": 4,
                "maxLength": 5464,
                "description": "The data to encrypt: 1–4096 bytes as standard, padded base64 (4–5464 characters).",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "encryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "EncryptResponse": {
            "type": "object",
            "required": [
              "ciphertextBlob",
              "keyId",
              "encryptionAlgorithm"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key used.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "encryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              }
            }
          },
          "DecryptRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "ciphertextBlob"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "Optional. The blob names its own key; if given, this must identify the same key (else 400 IncorrectKey). A key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "encryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "DecryptResponse": {
            "type": "object",
            "required": [
              "keyId",
              "plaintext",
              "encryptionAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The ARN of the key used.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "plaintext": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The decrypted data, standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "encryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              }
            }
          },
          "ReEncryptRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "ciphertextBlob",
              "destinationKeyId"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "sourceEncryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "sourceKeyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "Optional. If given, must identify the key that encrypted the blob (else 400 IncorrectKey). A key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "destinationKeyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key to re-encrypt under: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "destinationEncryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "sourceEncryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              },
              "destinationEncryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked. Only kms:ReEncryptFrom on the source key is checked; kms:ReEncryptTo on the destination key is not."
              }
            }
          },
          "ReEncryptResponse": {
            "type": "object",
            "required": [
              "ciphertextBlob",
              "sourceKeyId",
              "keyId",
              "sourceEncryptionAlgorithm",
              "destinationEncryptionAlgorithm"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "sourceKeyId": {
                "type": "string",
                "description": "The ARN of the key that decrypted the blob."
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key that encrypted the new blob."
              },
              "sourceEncryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              },
              "destinationEncryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
              }
            }
          },
          "GenerateDataKeyRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId"
            ],
            "description": "Exactly one of keySpec and numberOfBytes must be given.",
            "oneOf": [
              {
                "required": [
                  "keySpec"
                ]
              },
              {
                "required": [
                  "numberOfBytes"
                ]
              }
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key that seals the data key: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "keySpec": {
                "type": "string",
                "enum": [
                  "AES_256",
                  "AES_128"
                ],
                "description": "AES_256 gives a 32-byte data key, AES_128 a 16-byte one."
              },
              "numberOfBytes": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1024,
                "description": "Data key length in bytes (1–1024)."
              },
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "GenerateDataKeyResponse": {
            "type": "object",
            "required": [
              "ciphertextBlob",
              "plaintext",
              "keyId"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "plaintext": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The data key in the clear, standard base64. Use it, then discard it; the service keeps no copy.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key that sealed the data key."
              }
            }
          },
          "GenerateDataKeyWithoutPlaintextResponse": {
            "type": "object",
            "required": [
              "ciphertextBlob",
              "keyId"
            ],
            "properties": {
              "ciphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob"
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key that sealed the data key."
              }
            }
          },
          "GenerateRandomRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "numberOfBytes"
            ],
            "properties": {
              "numberOfBytes": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1024,
                "description": "1–1024."
              },
              "customKeyStoreId": {
                "type": "string",
                "description": "Accepted for AWS compatibility; custom key stores are not supported, so any value gives 400 UnsupportedOperation."
              }
            }
          },
          "GenerateRandomResponse": {
            "type": "object",
            "required": [
              "plaintext"
            ],
            "properties": {
              "plaintext": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "Random bytes, standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              }
            }
          },
          "SignRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "message",
              "signingAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "A key of usage SIGN_VERIFY: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "message": {
                "type": "string",
                "contentEncoding": "base64",
                "minLength": 4,
                "maxLength": 5464,
                "description": "The message: 1–4096 bytes as standard, padded base64. With messageType DIGEST, the hash of the message made with the signing algorithm's hash function (32, 48 or 64 bytes).",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "messageType": {
                "type": "string",
                "enum": [
                  "RAW",
                  "DIGEST"
                ],
                "default": "RAW",
                "description": "RAW (default): the service hashes the message with the algorithm's hash. DIGEST: the message is that hash already (its length must match; not allowed with ED25519_SHA_512). Both give the same signature."
              },
              "signingAlgorithm": {
                "type": "string",
                "enum": [
                  "RSASSA_PSS_SHA_256",
                  "RSASSA_PSS_SHA_384",
                  "RSASSA_PSS_SHA_512",
                  "RSASSA_PKCS1_V1_5_SHA_256",
                  "RSASSA_PKCS1_V1_5_SHA_384",
                  "RSASSA_PKCS1_V1_5_SHA_512",
                  "ECDSA_SHA_256",
                  "ECDSA_SHA_384",
                  "ECDSA_SHA_512",
                  "ED25519_SHA_512"
                ],
                "description": "One of the key's signingAlgorithms (else 400 InvalidKeyUsage): RSASSA_PSS_* (salt length = hash length) and RSASSA_PKCS1_V1_5_* for RSA keys, ECDSA_SHA_256/384/512 for P-256/P-384/P-521 keys (DER signatures), ED25519_SHA_512 for ECC_NIST_EDWARDS25519 keys."
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "SignResponse": {
            "type": "object",
            "required": [
              "keyId",
              "signature",
              "signingAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "signature": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The signature: DER ECDSA-Sig-Value for ECDSA, the RSA signature block for RSA, 64 bytes for Ed25519; it verifies with `openssl dgst -verify` against the key's public key. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "signingAlgorithm": {
                "type": "string",
                "enum": [
                  "RSASSA_PSS_SHA_256",
                  "RSASSA_PSS_SHA_384",
                  "RSASSA_PSS_SHA_512",
                  "RSASSA_PKCS1_V1_5_SHA_256",
                  "RSASSA_PKCS1_V1_5_SHA_384",
                  "RSASSA_PKCS1_V1_5_SHA_512",
                  "ECDSA_SHA_256",
                  "ECDSA_SHA_384",
                  "ECDSA_SHA_512",
                  "ED25519_SHA_512"
                ]
              }
            }
          },
          "VerifyRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "message",
              "signature",
              "signingAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "A key of usage SIGN_VERIFY: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "message": {
                "type": "string",
                "contentEncoding": "base64",
                "minLength": 4,
                "maxLength": 5464,
                "description": "The message: 1–4096 bytes as standard, padded base64. With messageType DIGEST, the hash of the message made with the signing algorithm's hash function (32, 48 or 64 bytes).",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "messageType": {
                "type": "string",
                "enum": [
                  "RAW",
                  "DIGEST"
                ],
                "default": "RAW",
                "description": "RAW (default): the service hashes the message with the algorithm's hash. DIGEST: the message is that hash already (its length must match; not allowed with ED25519_SHA_512). Both give the same signature."
              },
              "signature": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The signature to check (1–6144 bytes). Standard base64.",
                "minLength": 4,
                "maxLength": 8192,
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "signingAlgorithm": {
                "type": "string",
                "enum": [
                  "RSASSA_PSS_SHA_256",
                  "RSASSA_PSS_SHA_384",
                  "RSASSA_PSS_SHA_512",
                  "RSASSA_PKCS1_V1_5_SHA_256",
                  "RSASSA_PKCS1_V1_5_SHA_384",
                  "RSASSA_PKCS1_V1_5_SHA_512",
                  "ECDSA_SHA_256",
                  "ECDSA_SHA_384",
                  "ECDSA_SHA_512",
                  "ED25519_SHA_512"
                ],
                "description": "One of the key's signingAlgorithms (else 400 InvalidKeyUsage): RSASSA_PSS_* (salt length = hash length) and RSASSA_PKCS1_V1_5_* for RSA keys, ECDSA_SHA_256/384/512 for P-256/P-384/P-521 keys (DER signatures), ED25519_SHA_512 for ECC_NIST_EDWARDS25519 keys."
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "VerifyResponse": {
            "type": "object",
            "required": [
              "keyId",
              "signatureValid",
              "signingAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "signatureValid": {
                "type": "boolean",
                "const": true,
                "description": "Always true: an invalid signature is 400 KMSInvalidSignature."
              },
              "signingAlgorithm": {
                "type": "string",
                "enum": [
                  "RSASSA_PSS_SHA_256",
                  "RSASSA_PSS_SHA_384",
                  "RSASSA_PSS_SHA_512",
                  "RSASSA_PKCS1_V1_5_SHA_256",
                  "RSASSA_PKCS1_V1_5_SHA_384",
                  "RSASSA_PKCS1_V1_5_SHA_512",
                  "ECDSA_SHA_256",
                  "ECDSA_SHA_384",
                  "ECDSA_SHA_512",
                  "ED25519_SHA_512"
                ]
              }
            }
          },
          "GetPublicKeyRequest": {
            "type": "object",
            "additionalProperties": false,
            "description": "Optional; accepted for AWS compatibility.",
            "properties": {
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              }
            }
          },
          "GetPublicKeyResponse": {
            "type": "object",
            "required": [
              "keyId",
              "publicKey",
              "customerMasterKeySpec",
              "keySpec",
              "keyUsage"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "publicKey": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The public key as DER SubjectPublicKeyInfo. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "customerMasterKeySpec": {
                "type": "string",
                "description": "Deprecated; the same as keySpec."
              },
              "keySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT",
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519",
                  "HMAC_224",
                  "HMAC_256",
                  "HMAC_384",
                  "HMAC_512"
                ]
              },
              "keyUsage": {
                "type": "string",
                "enum": [
                  "ENCRYPT_DECRYPT",
                  "SIGN_VERIFY"
                ]
              },
              "encryptionAlgorithms": {
                "type": "array",
                "items": {
                  "type": "string"
                },
                "description": "RSA keys of usage ENCRYPT_DECRYPT: RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256."
              },
              "signingAlgorithms": {
                "type": "array",
                "items": {
                  "type": "string",
                  "enum": [
                    "RSASSA_PSS_SHA_256",
                    "RSASSA_PSS_SHA_384",
                    "RSASSA_PSS_SHA_512",
                    "RSASSA_PKCS1_V1_5_SHA_256",
                    "RSASSA_PKCS1_V1_5_SHA_384",
                    "RSASSA_PKCS1_V1_5_SHA_512",
                    "ECDSA_SHA_256",
                    "ECDSA_SHA_384",
                    "ECDSA_SHA_512",
                    "ED25519_SHA_512"
                  ]
                },
                "description": "Keys of usage SIGN_VERIFY."
              }
            }
          },
          "GenerateMacRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "message",
              "macAlgorithm"
            ],
            "properties": {
              "message": {
                "type": "string",
                "contentEncoding": "base64",
                "minLength": 4,
                "maxLength": 5464,
                "description": "The message: 1–4096 bytes as standard, padded base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "An HMAC key: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "macAlgorithm": {
                "type": "string",
                "enum": [
                  "HMAC_SHA_224",
                  "HMAC_SHA_256",
                  "HMAC_SHA_384",
                  "HMAC_SHA_512"
                ],
                "description": "The key's MAC algorithm (HMAC_256 keys: HMAC_SHA_256, and so on); another gives 400 InvalidKeyUsage."
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "GenerateMacResponse": {
            "type": "object",
            "required": [
              "mac",
              "macAlgorithm",
              "keyId"
            ],
            "properties": {
              "mac": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The HMAC (28, 32, 48 or 64 bytes). Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "macAlgorithm": {
                "type": "string",
                "enum": [
                  "HMAC_SHA_224",
                  "HMAC_SHA_256",
                  "HMAC_SHA_384",
                  "HMAC_SHA_512"
                ]
              },
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              }
            }
          },
          "VerifyMacRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "message",
              "macAlgorithm",
              "mac"
            ],
            "properties": {
              "message": {
                "type": "string",
                "contentEncoding": "base64",
                "minLength": 4,
                "maxLength": 5464,
                "description": "The message: 1–4096 bytes as standard, padded base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "An HMAC key: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "macAlgorithm": {
                "type": "string",
                "enum": [
                  "HMAC_SHA_224",
                  "HMAC_SHA_256",
                  "HMAC_SHA_384",
                  "HMAC_SHA_512"
                ],
                "description": "The key's MAC algorithm (HMAC_256 keys: HMAC_SHA_256, and so on); another gives 400 InvalidKeyUsage."
              },
              "mac": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The MAC to check (1–6144 bytes); compared in constant time. Standard base64.",
                "minLength": 4,
                "maxLength": 8192,
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "VerifyMacResponse": {
            "type": "object",
            "required": [
              "keyId",
              "macValid",
              "macAlgorithm"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "macValid": {
                "type": "boolean",
                "const": true,
                "description": "Always true: a wrong MAC is 400 KMSInvalidMac."
              },
              "macAlgorithm": {
                "type": "string",
                "enum": [
                  "HMAC_SHA_224",
                  "HMAC_SHA_256",
                  "HMAC_SHA_384",
                  "HMAC_SHA_512"
                ]
              }
            }
          },
          "GenerateDataKeyPairRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "keyPairSpec"
            ],
            "properties": {
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The symmetric key that seals the private key: key id, key ARN, alias name (`alias/…`) or alias ARN.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "keyPairSpec": {
                "type": "string",
                "enum": [
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519"
                ],
                "description": "The kind of pair; ECC_SECG_P256K1 and SM2 give 400 UnsupportedOperation."
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "GenerateDataKeyPairResponse": {
            "type": "object",
            "required": [
              "privateKeyCiphertextBlob",
              "privateKeyPlaintext",
              "publicKey",
              "keyId",
              "keyPairSpec"
            ],
            "properties": {
              "privateKeyCiphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob",
                "description": "The private key (DER PKCS#8) sealed under the KMS key: an ordinary ciphertext blob for Decrypt, with the same encryption context."
              },
              "publicKey": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The public key as DER SubjectPublicKeyInfo. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key that sealed the private key."
              },
              "keyPairSpec": {
                "type": "string",
                "enum": [
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519"
                ]
              },
              "privateKeyPlaintext": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The private key in the clear as DER PKCS#8 PrivateKeyInfo. Use it, then discard it; the service keeps no copy. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              }
            }
          },
          "GenerateDataKeyPairWithoutPlaintextResponse": {
            "type": "object",
            "required": [
              "privateKeyCiphertextBlob",
              "publicKey",
              "keyId",
              "keyPairSpec"
            ],
            "properties": {
              "privateKeyCiphertextBlob": {
                "$ref": "#/components/schemas/CiphertextBlob",
                "description": "The private key (DER PKCS#8) sealed under the KMS key: an ordinary ciphertext blob for Decrypt, with the same encryption context."
              },
              "publicKey": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The public key as DER SubjectPublicKeyInfo. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "keyId": {
                "type": "string",
                "description": "The ARN of the key that sealed the private key."
              },
              "keyPairSpec": {
                "type": "string",
                "enum": [
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096",
                  "ECC_NIST_P256",
                  "ECC_NIST_P384",
                  "ECC_NIST_P521",
                  "ECC_NIST_EDWARDS25519"
                ]
              }
            }
          },
          "GetParametersForImportRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "wrappingAlgorithm",
              "wrappingKeySpec"
            ],
            "properties": {
              "wrappingAlgorithm": {
                "type": "string",
                "enum": [
                  "RSAES_OAEP_SHA_1",
                  "RSAES_OAEP_SHA_256",
                  "RSA_AES_KEY_WRAP_SHA_1",
                  "RSA_AES_KEY_WRAP_SHA_256"
                ],
                "description": "How the material will be wrapped. RSAES_OAEP_SHA_1/256: RSA-OAEP (the same hash for OAEP and MGF1, empty label) of the material itself. RSA_AES_KEY_WRAP_SHA_1/256: RSA-OAEP of a fresh 32-byte AES key, followed by AES key wrap with padding (RFC 5649) of the material under that key; needed for private keys. RSAES_PKCS1_V1_5 and SM2PKE give 400 UnsupportedOperation."
              },
              "wrappingKeySpec": {
                "type": "string",
                "enum": [
                  "RSA_2048",
                  "RSA_3072",
                  "RSA_4096"
                ],
                "description": "The size of the RSA wrapping key."
              }
            }
          },
          "GetParametersForImportResponse": {
            "type": "object",
            "required": [
              "keyId",
              "importToken",
              "publicKey",
              "parametersValidTo"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "importToken": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The one-time import token for ImportKeyMaterial, bound to this key. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "publicKey": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The RSA wrapping public key as DER SubjectPublicKeyInfo. Standard base64.",
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "parametersValidTo": {
                "type": "string",
                "format": "date-time",
                "description": "When the token and wrapping key expire (24 hours). RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              }
            }
          },
          "ImportKeyMaterialRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "importToken",
              "encryptedKeyMaterial"
            ],
            "properties": {
              "importToken": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The token from GetParametersForImport for this key (single use; 1–6144 bytes). Standard base64.",
                "minLength": 4,
                "maxLength": 8192,
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "encryptedKeyMaterial": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The material wrapped with the token's public key and algorithm (1–6144 bytes): 32 bytes for SYMMETRIC_DEFAULT keys, the raw key for HMAC keys (28–64 bytes for HMAC_224, 32–64 for HMAC_256, 48–128 for HMAC_384, 64–128 for HMAC_512), a DER PKCS#8 private key for RSA and ECC keys. Standard base64.",
                "minLength": 4,
                "maxLength": 8192,
                "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$"
              },
              "expirationModel": {
                "type": "string",
                "enum": [
                  "KEY_MATERIAL_EXPIRES",
                  "KEY_MATERIAL_DOES_NOT_EXPIRE"
                ],
                "default": "KEY_MATERIAL_EXPIRES",
                "description": "KEY_MATERIAL_EXPIRES (the default) needs validTo; KEY_MATERIAL_DOES_NOT_EXPIRE forbids it."
              },
              "validTo": {
                "type": [
                  "string",
                  "number"
                ],
                "description": "When the material expires: an RFC 3339 date-time or epoch seconds, in the future and at most 365 days ahead. The key then goes back to PendingImport until the same material is imported again.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "importType": {
                "type": "string",
                "enum": [
                  "NEW_KEY_MATERIAL",
                  "EXISTING_KEY_MATERIAL"
                ],
                "description": "Optional. NEW_KEY_MATERIAL on a key that already had material (rotation of imported material) gives 400 UnsupportedOperation."
              }
            }
          },
          "ImportKeyMaterialResponse": {
            "type": "object",
            "required": [
              "keyId",
              "keyMaterialId"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "keyMaterialId": {
                "type": "string",
                "pattern": "^[a-f0-9]{64}$",
                "description": "Names the imported material (the same for every import of the same material)."
              }
            }
          },
          "DeleteImportedKeyMaterialResponse": {
            "type": "object",
            "required": [
              "keyId"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "keyMaterialId": {
                "type": "string",
                "pattern": "^[a-f0-9]{64}$",
                "description": "The material deleted; absent when the key had none."
              }
            }
          },
          "AuditCheckpoint": {
            "type": "object",
            "required": [
              "sequence",
              "chainHash",
              "time",
              "signature"
            ],
            "description": "A signed checkpoint: the chain hash after a record, signed with the audit key (ECDSA P-256).",
            "properties": {
              "sequence": {
                "type": "integer",
                "description": "The sequence number of the last record it covers."
              },
              "chainHash": {
                "type": "string",
                "description": "The chain hash after that record, lowercase hex."
              },
              "time": {
                "type": "integer",
                "description": "When it was made: microseconds since the Unix epoch."
              },
              "signature": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "DER ECDSA signature over `kms-audit-checkpoint-v1|<sequence>|<chainHash>|<time>`."
              }
            }
          },
          "AuditRecord": {
            "type": "object",
            "required": [
              "sequence",
              "time",
              "requestId",
              "api",
              "action",
              "outcome",
              "hash"
            ],
            "description": "One request as the audit log recorded it. Never plaintext, key material or secrets.",
            "properties": {
              "sequence": {
                "type": "integer"
              },
              "time": {
                "type": "string",
                "format": "date-time",
                "description": "When the request was served. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "requestId": {
                "type": "string"
              },
              "principalId": {
                "type": "string"
              },
              "principalName": {
                "type": "string"
              },
              "accessKeyId": {
                "type": "string"
              },
              "sourceAddress": {
                "type": "string"
              },
              "userAgent": {
                "type": "string"
              },
              "api": {
                "type": "string",
                "description": "REST, AWS, or SERVICE for what the service did on its own (such as DeleteExpiredKeyMaterial)."
              },
              "action": {
                "type": "string",
                "examples": [
                  "GenerateDataKey"
                ]
              },
              "keyId": {
                "type": "string"
              },
              "keyArn": {
                "type": "string"
              },
              "keyVersion": {
                "type": "integer"
              },
              "keyReference": {
                "type": "string",
                "description": "The key as the request named it (alias, ARN or id)."
              },
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "grantId": {
                "type": "string"
              },
              "outcome": {
                "type": "string",
                "enum": [
                  "allowed",
                  "denied",
                  "error"
                ]
              },
              "errorCode": {
                "type": "string"
              },
              "reason": {
                "type": "string",
                "description": "For denials: the binding, condition or policy statement that failed."
              },
              "hash": {
                "type": "string",
                "description": "The chain hash after this record, lowercase hex."
              }
            }
          },
          "QueryAuditLogResponse": {
            "type": "object",
            "required": [
              "records",
              "lastSequence"
            ],
            "properties": {
              "records": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/AuditRecord"
                },
                "description": "Oldest first."
              },
              "nextSequence": {
                "type": "integer",
                "description": "Present when more may follow: pass it as `afterSequence`."
              },
              "lastSequence": {
                "type": "integer",
                "description": "The newest sequence number in the log."
              }
            }
          },
          "GetAuditCheckpointResponse": {
            "type": "object",
            "required": [
              "publicKey"
            ],
            "properties": {
              "checkpoint": {
                "$ref": "#/components/schemas/AuditCheckpoint"
              },
              "publicKey": {
                "type": "string",
                "description": "The audit public key (PEM) that verifies checkpoints."
              }
            }
          },
          "VerifyAuditLogRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "anchor": {
                "$ref": "#/components/schemas/AuditCheckpoint",
                "description": "A checkpoint saved elsewhere earlier: the log must still reach it (detects truncation)."
              }
            }
          },
          "AuditVerification": {
            "type": "object",
            "required": [
              "ok",
              "recordsChecked",
              "checkpointsChecked"
            ],
            "properties": {
              "ok": {
                "type": "boolean"
              },
              "recordsChecked": {
                "type": "integer"
              },
              "checkpointsChecked": {
                "type": "integer"
              },
              "firstSequence": {
                "type": "integer"
              },
              "lastSequence": {
                "type": "integer"
              },
              "firstBadSequence": {
                "type": "integer",
                "description": "The first sequence number at which something is wrong."
              },
              "problem": {
                "type": "string"
              }
            }
          },
          "PruneAuditLogRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "beforeSequence"
            ],
            "properties": {
              "beforeSequence": {
                "type": "integer",
                "minimum": 1,
                "description": "Delete records before the newest checkpoint below this sequence."
              }
            }
          },
          "PruneAuditLogResponse": {
            "type": "object",
            "required": [
              "deleted"
            ],
            "properties": {
              "deleted": {
                "type": "integer"
              },
              "anchor": {
                "$ref": "#/components/schemas/AuditCheckpoint",
                "description": "The checkpoint the remaining chain now starts from."
              }
            }
          },
          "GrantConstraints": {
            "type": "object",
            "description": "Limits a grant to requests whose encryption context contains all of encryptionContextSubset, or equals encryptionContextEquals exactly. A request may give at most one of the two (400 ValidationError).",
            "properties": {
              "encryptionContextSubset": {
                "type": "object",
                "additionalProperties": {
                  "type": "string",
                  "maxLength": 384
                },
                "maxProperties": 8,
                "description": "The request's encryption context must contain these pairs. Encryption context pairs: at most 8, values of at most 384 characters.",
                "examples": [
                  {
                    "tenant": "acme"
                  }
                ]
              },
              "encryptionContextEquals": {
                "type": "object",
                "additionalProperties": {
                  "type": "string",
                  "maxLength": 384
                },
                "maxProperties": 8,
                "description": "The request's encryption context must be exactly these pairs. Encryption context pairs: at most 8, values of at most 384 characters.",
                "examples": [
                  {
                    "tenant": "acme"
                  }
                ]
              }
            }
          },
          "CreateGrantRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "keyId",
              "granteePrincipal",
              "operations"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key the grant is on: key id or key ARN (aliases are not accepted).",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "granteePrincipal": {
                "type": "string",
                "minLength": 1,
                "description": "Who receives the permissions: principal: its name or its ARN `arn:aws:iam::<account>:user/<name>`. It must exist (else 400 ValidationError).",
                "examples": [
                  "build-pipeline",
                  "arn:aws:iam::000000000000:user/build-pipeline"
                ]
              },
              "retiringPrincipal": {
                "type": "string",
                "minLength": 1,
                "description": "Who may retire the grant besides principals allowed kms:RetireGrant on the key: principal: its name or its ARN `arn:aws:iam::<account>:user/<name>`. It must exist (else 400 ValidationError).",
                "examples": [
                  "build-pipeline",
                  "arn:aws:iam::000000000000:user/build-pipeline"
                ]
              },
              "operations": {
                "type": "array",
                "minItems": 1,
                "maxItems": 20,
                "items": {
                  "type": "string",
                  "enum": [
                    "Encrypt",
                    "Decrypt",
                    "ReEncryptFrom",
                    "ReEncryptTo",
                    "GenerateDataKey",
                    "GenerateDataKeyWithoutPlaintext",
                    "GenerateDataKeyPair",
                    "GenerateDataKeyPairWithoutPlaintext",
                    "Sign",
                    "Verify",
                    "GetPublicKey",
                    "GenerateMac",
                    "VerifyMac",
                    "DescribeKey",
                    "CreateGrant",
                    "RetireGrant"
                  ]
                },
                "description": "The operations the grant allows (1–20; duplicates are ignored). Only these operations can be granted; others give 400 ValidationError."
              },
              "constraints": {
                "$ref": "#/components/schemas/GrantConstraints"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 256,
                "pattern": "^[a-zA-Z0-9:/_-]+$",
                "description": "A friendly name (letters, digits and `: / _ -`). Creating a grant with the same name and the same key, grantee, operations, retiring principal and constraints returns the existing grant."
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "CreateGrantResponse": {
            "type": "object",
            "required": [
              "grantToken",
              "grantId"
            ],
            "properties": {
              "grantToken": {
                "type": "string",
                "description": "The grant's token, for GrantTokens and RetireGrant. Anyone holding it can retire the grant."
              },
              "grantId": {
                "type": "string",
                "description": "The grant id (64 lowercase hex digits).",
                "examples": [
                  "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"
                ]
              }
            }
          },
          "GrantListEntry": {
            "type": "object",
            "required": [
              "keyId",
              "grantId",
              "creationDate",
              "granteePrincipal",
              "issuingAccount",
              "operations"
            ],
            "properties": {
              "keyId": {
                "type": "string",
                "description": "The key ARN.",
                "examples": [
                  "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "grantId": {
                "type": "string",
                "description": "The grant id (64 lowercase hex digits).",
                "examples": [
                  "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"
                ]
              },
              "name": {
                "type": "string",
                "description": "Present when the grant was created with a name."
              },
              "creationDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the grant was created. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "granteePrincipal": {
                "type": "string",
                "description": "The grantee's ARN.",
                "examples": [
                  "arn:aws:iam::000000000000:user/build-pipeline"
                ]
              },
              "retiringPrincipal": {
                "type": "string",
                "description": "The retiring principal's ARN; present when there is one."
              },
              "issuingAccount": {
                "type": "string",
                "examples": [
                  "arn:aws:iam::000000000000:root"
                ]
              },
              "operations": {
                "type": "array",
                "items": {
                  "type": "string",
                  "enum": [
                    "Encrypt",
                    "Decrypt",
                    "ReEncryptFrom",
                    "ReEncryptTo",
                    "GenerateDataKey",
                    "GenerateDataKeyWithoutPlaintext",
                    "GenerateDataKeyPair",
                    "GenerateDataKeyPairWithoutPlaintext",
                    "Sign",
                    "Verify",
                    "GetPublicKey",
                    "GenerateMac",
                    "VerifyMac",
                    "DescribeKey",
                    "CreateGrant",
                    "RetireGrant"
                  ]
                },
                "description": "The granted operations, sorted."
              },
              "constraints": {
                "$ref": "#/components/schemas/GrantConstraints",
                "description": "Present when the grant has constraints."
              }
            }
          },
          "ListGrantsResponse": {
            "type": "object",
            "required": [
              "grants",
              "truncated"
            ],
            "properties": {
              "grants": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/GrantListEntry"
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "RetireGrantRequest": {
            "type": "object",
            "additionalProperties": false,
            "description": "Give grantToken, or keyId and grantId (grantToken wins when both are given).",
            "anyOf": [
              {
                "required": [
                  "grantToken"
                ]
              },
              {
                "required": [
                  "keyId",
                  "grantId"
                ]
              }
            ],
            "properties": {
              "grantToken": {
                "type": "string",
                "description": "The grant's token; an unknown token gives 400 InvalidGrantToken."
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "The key the grant is on: key id or key ARN (aliases are not accepted).",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "grantId": {
                "type": "string",
                "description": "The grant id (64 lowercase hex digits).",
                "examples": [
                  "0c237476b39f8bc44e45212e08498fbe3151305030726c0590dd8d3e9f3d6a60"
                ]
              },
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the grant is looked up and the caller's right to retire it checked, then the answer is 412 DryRunOperation."
              }
            }
          },
          "RevokeGrantRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "dryRun": {
                "type": "boolean",
                "default": false,
                "description": "If true, nothing is done: the request is only authorized, and answers 412 DryRunOperation when the caller is allowed it (otherwise the error it would have got, such as 403 AccessDenied). The body is decoded first, but the other members' values and the key's state are not checked."
              }
            }
          },
          "GetKeyPolicyRequest": {
            "type": "object",
            "additionalProperties": false,
            "properties": {
              "policyName": {
                "type": "string",
                "enum": [
                  "default"
                ],
                "default": "default",
                "description": "The only key policy is `default`; any other name gives 404 NotFound."
              }
            }
          },
          "GetKeyPolicyResponse": {
            "type": "object",
            "required": [
              "policy",
              "policyName"
            ],
            "properties": {
              "policy": {
                "type": "string",
                "description": "The policy document, a JSON text, exactly as stored; until PutKeyPolicy, the default policy (one statement allowing the account root `kms:*`, which allows nothing beyond roles and bindings)."
              },
              "policyName": {
                "type": "string",
                "enum": [
                  "default"
                ]
              }
            }
          },
          "PutKeyPolicyRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "policy"
            ],
            "properties": {
              "policyName": {
                "type": "string",
                "enum": [
                  "default"
                ],
                "default": "default",
                "description": "Must be `default` (else 400 ValidationError)."
              },
              "policy": {
                "type": "string",
                "maxLength": 32768,
                "description": "The policy document as a JSON text (at most 32768 bytes) in the AWS policy grammar: Version (2012-10-17), optional Id, and Statement (an object or a non-empty array) whose statements have Effect Allow or Deny, Principal (`*` or {\"AWS\": ARN or list}), Action or NotAction (`kms:…` or `*`, a string or a list), Resource or NotResource, and optional Sid and Condition. Anything else gives 400 MalformedPolicyDocument. Deny statements are enforced (Condition is not evaluated); Allow statements grant nothing beyond roles, bindings and grants.",
                "examples": [
                  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoDecrypt\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:user/build-pipeline\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}]}"
                ]
              },
              "bypassPolicyLockoutSafetyCheck": {
                "type": "boolean",
                "default": false,
                "description": "A policy that would deny the caller kms:PutKeyPolicy on this key is refused with 400 MalformedPolicyDocument unless this is true."
              }
            }
          },
          "ListKeyPoliciesResponse": {
            "type": "object",
            "required": [
              "policyNames",
              "truncated"
            ],
            "properties": {
              "policyNames": {
                "type": "array",
                "items": {
                  "type": "string",
                  "enum": [
                    "default"
                  ]
                },
                "examples": [
                  [
                    "default"
                  ]
                ]
              },
              "truncated": {
                "type": "boolean",
                "description": "Always false."
              }
            }
          },
          "AccessKeyInfo": {
            "type": "object",
            "required": [
              "accessKeyId",
              "status",
              "createDate"
            ],
            "properties": {
              "accessKeyId": {
                "type": "string",
                "description": "The access key id: `AKIA` and 16 characters of A–Z and 2–7.",
                "examples": [
                  "AKIAQ7XJ2M5N4B6C3DEF"
                ]
              },
              "status": {
                "type": "string",
                "enum": [
                  "Active",
                  "Inactive"
                ],
                "description": "Only Active keys can sign requests; an Inactive key gives 403 UnrecognizedClient."
              },
              "createDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the access key was created. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "lastUsedDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the access key last signed a request that verified; absent if never. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              }
            }
          },
          "Principal": {
            "type": "object",
            "description": "A principal. Secrets never appear here.",
            "required": [
              "name",
              "principalId",
              "arn",
              "kind",
              "enabled",
              "createDate"
            ],
            "properties": {
              "name": {
                "type": "string",
                "examples": [
                  "build-pipeline"
                ]
              },
              "principalId": {
                "type": "string",
                "description": "A lowercase UUID.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "arn": {
                "type": "string",
                "examples": [
                  "arn:aws:iam::000000000000:user/build-pipeline"
                ]
              },
              "kind": {
                "type": "string",
                "enum": [
                  "user",
                  "service",
                  "pipeline"
                ]
              },
              "enabled": {
                "type": "boolean",
                "description": "A disabled principal's requests give 403 UnrecognizedClient."
              },
              "createDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the principal was created. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              },
              "clientCertificateFingerprint": {
                "type": "string",
                "pattern": "^[0-9a-f]{64}$",
                "description": "The client certificate bound to the principal as a second factor: the SHA-256 of the certificate's DER (`openssl x509 -in cert.pem -outform DER | sha256sum`), as 64 hex digits. A bound principal's requests are served only over TLS with exactly that client certificate, verified against the server's client CA; otherwise 403 AccessDenied (the audit record names the reason). Lowercase; absent when no certificate is bound.",
                "examples": [
                  "3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455"
                ]
              },
              "accessKeys": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/AccessKeyInfo"
                },
                "description": "The principal's access keys, oldest first (without secrets). Absent in ListPrincipals."
              }
            }
          },
          "NewAccessKey": {
            "type": "object",
            "required": [
              "accessKeyId",
              "secretAccessKey"
            ],
            "properties": {
              "accessKeyId": {
                "type": "string",
                "description": "The access key id: `AKIA` and 16 characters of A–Z and 2–7.",
                "examples": [
                  "AKIAQ7XJ2M5N4B6C3DEF"
                ]
              },
              "secretAccessKey": {
                "type": "string",
                "description": "The secret access key, as plain text (40 base64 characters), for signing requests with SigV4. It is shown only in this response: the service stores it wrapped and never returns it again. Keep it secret."
              }
            }
          },
          "CreatePrincipalRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "name"
            ],
            "properties": {
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "pattern": "^[A-Za-z0-9._@+=,-]+$",
                "description": "1–64 letters, digits or `. _ @ + = , -`; unique.",
                "examples": [
                  "build-pipeline"
                ]
              },
              "kind": {
                "type": "string",
                "enum": [
                  "user",
                  "service",
                  "pipeline"
                ],
                "default": "service"
              },
              "clientCertificateFingerprint": {
                "type": "string",
                "pattern": "^[0-9A-Fa-f]{64}$",
                "description": "The client certificate bound to the principal as a second factor: the SHA-256 of the certificate's DER (`openssl x509 -in cert.pem -outform DER | sha256sum`), as 64 hex digits. A bound principal's requests are served only over TLS with exactly that client certificate, verified against the server's client CA; otherwise 403 AccessDenied (the audit record names the reason). Either case; stored in lowercase. Absent: no certificate is bound.",
                "examples": [
                  "3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455"
                ]
              }
            }
          },
          "CreatePrincipalResponse": {
            "type": "object",
            "required": [
              "principal",
              "accessKey"
            ],
            "properties": {
              "principal": {
                "$ref": "#/components/schemas/Principal"
              },
              "accessKey": {
                "$ref": "#/components/schemas/NewAccessKey",
                "description": "The principal's first access key. `accessKey.secretAccessKey` is the secret in plain text, shown only in this response."
              }
            }
          },
          "ListPrincipalsResponse": {
            "type": "object",
            "required": [
              "principals",
              "truncated"
            ],
            "properties": {
              "principals": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Principal"
                }
              },
              "nextMarker": {
                "type": "string",
                "description": "Present when truncated: pass it as the `marker` query parameter to get the next page."
              },
              "truncated": {
                "type": "boolean",
                "description": "True when more results follow."
              }
            }
          },
          "DescribePrincipalResponse": {
            "type": "object",
            "required": [
              "principal"
            ],
            "properties": {
              "principal": {
                "$ref": "#/components/schemas/Principal"
              }
            }
          },
          "UpdatePrincipalRequest": {
            "type": "object",
            "additionalProperties": false,
            "description": "At least one member; members left out stay as they are.",
            "anyOf": [
              {
                "required": [
                  "enabled"
                ]
              },
              {
                "required": [
                  "clientCertificateFingerprint"
                ]
              }
            ],
            "properties": {
              "enabled": {
                "type": "boolean",
                "description": "False disables the principal: none of its access keys work."
              },
              "clientCertificateFingerprint": {
                "type": "string",
                "pattern": "^([0-9A-Fa-f]{64})?$",
                "description": "The client certificate bound to the principal as a second factor: the SHA-256 of the certificate's DER (`openssl x509 -in cert.pem -outform DER | sha256sum`), as 64 hex digits. A bound principal's requests are served only over TLS with exactly that client certificate, verified against the server's client CA; otherwise 403 AccessDenied (the audit record names the reason). Binds this certificate, replacing any bound before; the empty string clears the binding.",
                "examples": [
                  "3b1f0c9e5d2a7b4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9001122334455",
                  ""
                ]
              }
            }
          },
          "CreateAccessKeyResponse": {
            "type": "object",
            "required": [
              "accessKey"
            ],
            "properties": {
              "accessKey": {
                "$ref": "#/components/schemas/NewAccessKey",
                "description": "The new access key. `accessKey.secretAccessKey` is the secret in plain text, shown only in this response."
              }
            }
          },
          "UpdateAccessKeyRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "status"
            ],
            "properties": {
              "status": {
                "type": "string",
                "enum": [
                  "Active",
                  "Inactive"
                ],
                "description": "Only Active keys can sign requests; an Inactive key gives 403 UnrecognizedClient."
              }
            }
          },
          "Role": {
            "type": "object",
            "required": [
              "name",
              "description",
              "actions",
              "builtIn"
            ],
            "properties": {
              "name": {
                "type": "string",
                "examples": [
                  "key-user"
                ]
              },
              "description": {
                "type": "string"
              },
              "actions": {
                "type": "array",
                "items": {
                  "type": "string",
                  "description": "An action: `kms:<Operation>` (the key operations of this API, including ReEncryptFrom and ReEncryptTo), `iam:<Operation>` (principals, access keys, roles, bindings) or `audit:ReadAuditLog`.",
                  "examples": [
                    "kms:Encrypt"
                  ]
                },
                "description": "The role's actions, sorted."
              },
              "builtIn": {
                "type": "boolean",
                "description": "True for the built-in roles admin, key-admin, key-user, encrypt-only, decrypt-only and auditor, which cannot be changed or deleted."
              }
            }
          },
          "RoleResponse": {
            "type": "object",
            "required": [
              "role"
            ],
            "properties": {
              "role": {
                "$ref": "#/components/schemas/Role"
              }
            }
          },
          "ListRolesResponse": {
            "type": "object",
            "required": [
              "roles"
            ],
            "properties": {
              "roles": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Role"
                },
                "description": "Every role, sorted by name."
              }
            }
          },
          "CreateRoleRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "name",
              "actions"
            ],
            "properties": {
              "name": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "pattern": "^[A-Za-z0-9_-]+$",
                "description": "1–64 letters, digits, `-` or `_`; unique.",
                "examples": [
                  "ci-encrypt"
                ]
              },
              "description": {
                "type": "string",
                "maxLength": 8192,
                "description": "At most 8192 characters. Default: empty."
              },
              "actions": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "description": "An action: `kms:<Operation>` (the key operations of this API, including ReEncryptFrom and ReEncryptTo), `iam:<Operation>` (principals, access keys, roles, bindings) or `audit:ReadAuditLog`. The prefix may be omitted (`Encrypt`).",
                  "examples": [
                    "kms:Encrypt"
                  ]
                },
                "description": "At least one action; unknown names give 400 ValidationError."
              }
            }
          },
          "UpdateRoleRequest": {
            "type": "object",
            "additionalProperties": false,
            "minProperties": 1,
            "description": "What to change: description, actions or both (an empty object is 400 ValidationError).",
            "properties": {
              "description": {
                "type": "string",
                "maxLength": 8192,
                "description": "The new description, if given."
              },
              "actions": {
                "type": "array",
                "minItems": 1,
                "items": {
                  "type": "string",
                  "description": "An action: `kms:<Operation>` (the key operations of this API, including ReEncryptFrom and ReEncryptTo), `iam:<Operation>` (principals, access keys, roles, bindings) or `audit:ReadAuditLog`. The prefix may be omitted (`Encrypt`).",
                  "examples": [
                    "kms:Encrypt"
                  ]
                },
                "description": "The new actions (replacing the old ones), if given. At least one action; unknown names give 400 ValidationError."
              }
            }
          },
          "BindingCondition": {
            "type": "object",
            "required": [
              "key"
            ],
            "description": "A condition on the request's encryption context: with `equals`, the context has `key` with exactly this value; with `matches`, a value matching the glob (`*` any run of characters, `?` one); with neither, the context merely has `key`. At most one of equals and matches (400 ValidationError).",
            "not": {
              "required": [
                "equals",
                "matches"
              ]
            },
            "properties": {
              "key": {
                "type": "string",
                "minLength": 1,
                "examples": [
                  "tenant"
                ]
              },
              "equals": {
                "type": "string",
                "examples": [
                  "acme"
                ]
              },
              "matches": {
                "type": "string",
                "examples": [
                  "acme-*"
                ]
              }
            }
          },
          "CreateBindingRequest": {
            "type": "object",
            "additionalProperties": false,
            "required": [
              "principal",
              "role"
            ],
            "description": "Exactly one scope must be given: allKeys (true), keyId, aliasPrefix, or tagKey with tagValue (400 ValidationError otherwise).",
            "oneOf": [
              {
                "required": [
                  "allKeys"
                ],
                "properties": {
                  "allKeys": {
                    "const": true
                  }
                }
              },
              {
                "required": [
                  "keyId"
                ]
              },
              {
                "required": [
                  "aliasPrefix"
                ]
              },
              {
                "required": [
                  "tagKey",
                  "tagValue"
                ]
              }
            ],
            "dependentRequired": {
              "tagKey": [
                "tagValue"
              ],
              "tagValue": [
                "tagKey"
              ]
            },
            "properties": {
              "principal": {
                "type": "string",
                "minLength": 1,
                "description": "Who the binding is for: principal: its name or its ARN `arn:aws:iam::<account>:user/<name>`.",
                "examples": [
                  "build-pipeline",
                  "arn:aws:iam::000000000000:user/build-pipeline"
                ]
              },
              "role": {
                "type": "string",
                "description": "The role's name (built-in or custom).",
                "examples": [
                  "key-user"
                ]
              },
              "effect": {
                "type": "string",
                "enum": [
                  "Allow",
                  "Deny"
                ],
                "description": "Allow gives the role's actions; Deny takes them away and wins over every Allow and grant.",
                "default": "Allow"
              },
              "allKeys": {
                "type": "boolean",
                "description": "Scope: every key, and the actions on no particular key (CreateKey, ListKeys, GenerateRandom, ListRetirableGrants, the principal, role and binding operations, reading the audit log), which only an all-keys binding can allow. Only true selects this scope."
              },
              "keyId": {
                "type": "string",
                "minLength": 1,
                "maxLength": 2048,
                "description": "Scope: one key. A key id, key ARN, alias name (`alias/…`) or alias ARN. An alias is resolved now: the binding follows the key, not later changes of the alias.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab",
                  "alias/my-key"
                ]
              },
              "aliasPrefix": {
                "type": "string",
                "pattern": "^alias/[^*]+\\*?$",
                "description": "Scope: the keys that have an alias beginning with this prefix, at the time of each request. `alias/` followed by at least one character; a trailing `*` is optional and dropped.",
                "examples": [
                  "alias/team-a/"
                ]
              },
              "tagKey": {
                "type": "string",
                "description": "Scope (with tagValue): the keys that have this tag.",
                "examples": [
                  "team"
                ]
              },
              "tagValue": {
                "type": "string",
                "description": "The tag value, matched exactly.",
                "examples": [
                  "payments"
                ]
              },
              "conditions": {
                "type": "array",
                "maxItems": 16,
                "items": {
                  "$ref": "#/components/schemas/BindingCondition"
                },
                "description": "At most 16 conditions, all of which must hold. A binding with conditions applies only to requests whose encryption context meets them: Encrypt, Decrypt, ReEncrypt, GenerateDataKey and GenerateDataKeyWithoutPlaintext. Other requests carry no encryption context, so conditional bindings never allow or deny them."
              }
            }
          },
          "Binding": {
            "type": "object",
            "description": "A binding. Exactly one of the scope members allKeys, keyId, aliasPrefix and tagKey/tagValue is present.",
            "required": [
              "bindingId",
              "principal",
              "role",
              "effect",
              "conditions",
              "createDate"
            ],
            "properties": {
              "bindingId": {
                "type": "string",
                "description": "A lowercase UUID.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "principal": {
                "type": "string",
                "description": "The principal's name.",
                "examples": [
                  "build-pipeline"
                ]
              },
              "role": {
                "type": "string",
                "examples": [
                  "key-user"
                ]
              },
              "effect": {
                "type": "string",
                "enum": [
                  "Allow",
                  "Deny"
                ],
                "description": "Allow gives the role's actions; Deny takes them away and wins over every Allow and grant."
              },
              "allKeys": {
                "type": "boolean",
                "enum": [
                  true
                ],
                "description": "Present (true) for an all-keys scope."
              },
              "keyId": {
                "type": "string",
                "description": "The key id, for a one-key scope.",
                "examples": [
                  "1234abcd-12ab-34cd-56ef-1234567890ab"
                ]
              },
              "aliasPrefix": {
                "type": "string",
                "description": "The alias prefix (without `*`), for an alias scope.",
                "examples": [
                  "alias/team-a/"
                ]
              },
              "tagKey": {
                "type": "string",
                "description": "For a tag scope."
              },
              "tagValue": {
                "type": "string",
                "description": "For a tag scope."
              },
              "conditions": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/BindingCondition"
                },
                "description": "Empty when unconditional."
              },
              "createDate": {
                "type": "string",
                "format": "date-time",
                "description": "When the binding was created. RFC 3339, UTC, with microseconds.",
                "examples": [
                  "2026-11-29T04:41:27.123456Z"
                ]
              }
            }
          },
          "BindingResponse": {
            "type": "object",
            "required": [
              "binding"
            ],
            "properties": {
              "binding": {
                "$ref": "#/components/schemas/Binding"
              }
            }
          },
          "ListBindingsResponse": {
            "type": "object",
            "required": [
              "bindings"
            ],
            "properties": {
              "bindings": {
                "type": "array",
                "items": {
                  "$ref": "#/components/schemas/Binding"
                },
                "description": "Oldest first."
              }
            }
          },
          "Health": {
            "type": "object",
            "required": [
              "status"
            ],
            "properties": {
              "status": {
                "type": "string",
                "enum": [
                  "ok"
                ]
              }
            }
          },
          "Readiness": {
            "type": "object",
            "required": [
              "ready",
              "store",
              "audit"
            ],
            "additionalProperties": false,
            "properties": {
              "ready": {
                "type": "boolean",
                "description": "True exactly when both `store` and `audit` are true."
              },
              "store": {
                "type": "boolean",
                "description": "Whether the key store can be written."
              },
              "audit": {
                "type": "boolean",
                "description": "Whether the audit log takes records. While it is false every authenticated request is refused with 503 AuditUnavailable."
              }
            }
          }
        }
      }
    }
    """#
}
