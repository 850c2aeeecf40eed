/// The OpenAPI 3.1 description of the REST API, served at /v1/openapi.json.
enum OpenAPIDocument {
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "kms — key management service",
        "version": "1.0.0",
        "description": "The native REST API of a self-hosted key management service. Members are camelCase; binary values (plaintext, ciphertext blobs) are standard base64 strings; dates are RFC 3339 strings in UTC with microseconds (e.g. 2026-11-29T04:41:27.123456Z). Request bodies are JSON objects (Content-Type application/json, at most 65536 bytes); unknown members are rejected with 400 ValidationError, and a member taken from the path or query must not be repeated in the body."
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
          "description": "Encryption, decryption, data keys and random bytes."
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
        "/v1/keys": {
          "post": {
            "operationId": "CreateKey",
            "tags": [
              "Keys"
            ],
            "summary": "Create a key",
            "description": "Creates a symmetric encryption key (SYMMETRIC_DEFAULT, AES-256-GCM) with fresh key material. The body may be omitted or `{}` for all defaults.",
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
            "description": "Encrypts up to 4096 bytes under the key's newest version with AES-256-GCM, bound to the encryption context. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise.",
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
            "description": "Decrypts a ciphertext blob with exactly the encryption context it was made with (400 InvalidCiphertext otherwise). The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise.",
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
            "description": "Decrypts a blob and encrypts its plaintext under another key and/or encryption context inside the server; the plaintext never leaves it. Needs kms:ReEncryptFrom on the source key and kms:ReEncryptTo on the destination key. Both keys must be enabled (409 otherwise).",
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
            "description": "A fresh random data key for envelope encryption, returned in the clear and encrypted under the key. Give exactly one of keySpec and numberOfBytes. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise.",
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
            "description": "As GenerateDataKey, but only the encrypted copy is returned. The key must be enabled: 409 Disabled or InvalidState (pending deletion or import) otherwise.",
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
        }
      },
      "components": {
        "securitySchemes": {
          "sigv4": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "AWS Signature Version 4. Sign every request with an access key of this server, for service `kms` and the region the server is configured with (the credential scope must be `<yyyymmdd>/<region>/kms/aws4_request`). Send `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` together with `X-Amz-Date` (which must be among the signed headers) and optionally `X-Amz-Content-SHA256`. The request time must be within 5 minutes of the server clock, else 403 InvalidSignature. Any standard SigV4 signer (such as the one in the AWS SDKs) produces these headers."
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
              "type": "string"
            }
          }
        },
        "responses": {
          "BadRequest": {
            "description": "The request is not valid: ValidationError (a missing, unknown or out-of-range member, or a path member repeated in the body), MalformedRequest (not a JSON object), or a domain error such as InvalidCiphertext, IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, UnsupportedOperation or InvalidGrantToken.",
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
            "description": "Authentication or authorization failed: MissingAuthentication, IncompleteSignature, UnrecognizedClient, InvalidSignature (including a clock skew over 5 minutes or a wrong credential scope), or AccessDenied.",
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
            "description": "NotFound: the named key or alias does not exist, or the identifier form is not accepted by this operation.",
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
            "description": "The key or alias is in a state that does not allow the operation: Disabled, InvalidState (e.g. pending deletion) or AlreadyExists.",
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
                    "description": "A stable, machine-readable error code. Clients should branch on this, never on `message`. 400: ValidationError, MalformedRequest, InvalidCiphertext, IncorrectKey, InvalidKeyUsage, InvalidArn, InvalidAliasName, InvalidMarker, LimitExceeded, InvalidTag, UnsupportedOperation, InvalidGrantToken. 403: AccessDenied, MissingAuthentication, IncompleteSignature, UnrecognizedClient, InvalidSignature. 404: NotFound, RouteNotFound. 405: MethodNotAllowed. 409: Disabled, InvalidState, AlreadyExists. 413: PayloadTooLarge. 415: UnsupportedMediaType. 429: Throttled. 500: InternalError, KeyUnavailable. 503: DependencyTimeout, AuditUnavailable.",
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
            "description": "Non-secret string pairs bound to the ciphertext as additional authenticated data. Decrypt needs exactly the same pairs. At most 64 pairs; keys 1–2048 bytes, values 0–2048 bytes, 8192 bytes in all.",
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
            "description": "Accepted for AWS compatibility. This service has no grants: only an empty list is accepted; any token gives 400 InvalidGrantToken.",
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
              "SYMMETRIC_DEFAULT"
            ],
            "description": "Only SYMMETRIC_DEFAULT (AES-256-GCM) is supported; it is the default."
          },
          "CiphertextBlob": {
            "type": "string",
            "contentEncoding": "base64",
            "description": "A ciphertext blob issued by this service, standard base64 (at most 6144 bytes decoded)."
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
                  "ENCRYPT_DECRYPT"
                ],
                "description": "Default ENCRYPT_DECRYPT."
              },
              "keySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT"
                ],
                "description": "Default SYMMETRIC_DEFAULT. Other AWS key specs give 400 UnsupportedOperation."
              },
              "customerMasterKeySpec": {
                "type": "string",
                "enum": [
                  "SYMMETRIC_DEFAULT"
                ],
                "description": "Deprecated synonym of keySpec; if both are given they must be equal."
              },
              "origin": {
                "type": "string",
                "enum": [
                  "AWS_KMS"
                ],
                "description": "Default AWS_KMS; other origins give 400 UnsupportedOperation."
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
                "description": "The data to encrypt: 1–4096 bytes as standard, padded base64 (4–5464 characters)."
              },
              "encryptionContext": {
                "$ref": "#/components/schemas/EncryptionContext"
              },
              "grantTokens": {
                "$ref": "#/components/schemas/GrantTokens"
              },
              "encryptionAlgorithm": {
                "$ref": "#/components/schemas/EncryptionAlgorithm"
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
                "description": "The decrypted data, standard base64."
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
                "description": "The data key in the clear, standard base64. Use it, then discard it; the service keeps no copy."
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
                "description": "Random bytes, standard base64."
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
          }
        }
      }
    }
    """#
}
