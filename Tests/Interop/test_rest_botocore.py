"""Interop: botocore's own SigV4 signer against the REST API of a live `kms server`.

The server is started outside (the test script runs `kms server` first); this
file only talks to it. Configuration:

  KMS_ENDPOINT          e.g. http://127.0.0.1:18777
  KMS_CREDENTIALS_FILE  the server's admin.credentials (AWS shared-credentials
                        format, [default] profile)

Requests are built as botocore.awsrequest.AWSRequest, signed with
botocore.auth.SigV4Auth (service "kms", region us-east-1) and sent with requests.
"""
import base64
import configparser
import json
import os
import urllib.parse
import uuid

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
TIMEOUT = 10


@pytest.fixture(scope="session")
def endpoint():
    value = os.environ.get("KMS_ENDPOINT")
    if not value:
        pytest.fail("KMS_ENDPOINT is not set (e.g. http://127.0.0.1:18777)")
    return value.rstrip("/")


@pytest.fixture(scope="session")
def credentials():
    path = os.environ.get("KMS_CREDENTIALS_FILE")
    if not path:
        pytest.fail("KMS_CREDENTIALS_FILE is not set (the server's admin.credentials)")
    parser = configparser.ConfigParser()
    if not parser.read(path):
        pytest.fail(f"cannot read {path}")
    profile = parser["default"]
    return Credentials(profile["aws_access_key_id"], profile["aws_secret_access_key"])


def send(endpoint, credentials, method, path, body=None, query=""):
    """Signs with botocore's SigV4Auth and sends; returns (status, parsed JSON body)."""
    url = endpoint + path + ("?" + query if query else "")
    data = json.dumps(body).encode() if body is not None else b""
    request = AWSRequest(method=method, url=url, data=data, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials, "kms", REGION).add_auth(request)
    prepared = request.prepare()
    response = requests.request(
        method, prepared.url, headers=dict(prepared.headers.items()), data=prepared.body, timeout=TIMEOUT)
    assert response.headers.get("x-request-id"), "every response carries x-request-id"
    return response.status_code, (response.json() if response.content else {})


def create_key(endpoint, credentials, description="interop"):
    status, body = send(endpoint, credentials, "POST", "/v1/keys", {"description": description})
    assert status == 201, body
    return body["keyMetadata"]["keyId"]


def b64(data):
    return base64.b64encode(data).decode()


def test_encrypt_and_decrypt_round_trip(endpoint, credentials):
    key_id = create_key(endpoint, credentials)
    plaintext = b"interop plaintext \x00\xff"
    context = {"purpose": "interop", "order": "irrelevant"}
    status, sealed = send(endpoint, credentials, "POST", "/v1/encrypt",
                          {"keyId": key_id, "plaintext": b64(plaintext), "encryptionContext": context})
    assert status == 200, sealed
    assert sealed["keyId"].endswith(key_id)
    status, opened = send(endpoint, credentials, "POST", "/v1/decrypt",
                          {"ciphertextBlob": sealed["ciphertextBlob"], "encryptionContext": dict(reversed(context.items()))})
    assert status == 200, opened
    assert base64.b64decode(opened["plaintext"]) == plaintext
    status, refused = send(endpoint, credentials, "POST", "/v1/decrypt",
                           {"ciphertextBlob": sealed["ciphertextBlob"], "encryptionContext": {"purpose": "other"}})
    assert status == 400
    assert refused["error"]["code"] == "InvalidCiphertext"


def test_generate_data_key(endpoint, credentials):
    key_id = create_key(endpoint, credentials)
    status, data_key = send(endpoint, credentials, "POST", "/v1/datakey",
                            {"keyId": key_id, "keySpec": "AES_256", "encryptionContext": {"file": "a"}})
    assert status == 200, data_key
    plaintext = base64.b64decode(data_key["plaintext"])
    assert len(plaintext) == 32
    status, opened = send(endpoint, credentials, "POST", "/v1/decrypt",
                          {"ciphertextBlob": data_key["ciphertextBlob"], "encryptionContext": {"file": "a"}})
    assert status == 200, opened
    assert base64.b64decode(opened["plaintext"]) == plaintext


def test_describe_key_by_alias_path(endpoint, credentials):
    key_id = create_key(endpoint, credentials)
    alias = "alias/interop-" + uuid.uuid4().hex[:12]
    status, body = send(endpoint, credentials, "POST", "/v1/aliases", {"aliasName": alias, "targetKeyId": key_id})
    assert status == 201, body
    path = "/v1/keys/" + urllib.parse.quote(alias, safe="")
    assert "%2F" in path
    status, described = send(endpoint, credentials, "GET", path)
    assert status == 200, described
    assert described["keyMetadata"]["keyId"] == key_id


def test_list_keys_with_percent_encoded_markers(endpoint, credentials):
    created = {create_key(endpoint, credentials) for _ in range(3)}
    seen, marker, markers = [], None, []
    for _ in range(1000):
        query = "limit=1"
        if marker is not None:
            query += "&marker=" + urllib.parse.quote(marker, safe="")
        status, page = send(endpoint, credentials, "GET", "/v1/keys", query=query)
        assert status == 200, page
        assert len(page["keys"]) <= 1
        seen += [entry["keyId"] for entry in page["keys"]]
        marker = page.get("nextMarker")
        if marker is None:
            break
        markers.append(marker)
    assert created <= set(seen)
    assert len(seen) == len(set(seen)), "no key is listed twice"
    assert seen == sorted(seen)
    # Markers are base64 and need encoding: at least '=' (and often '+' or '/') appear.
    assert any(set(m) & set("+/=") for m in markers)


def test_wrong_secret_is_invalid_signature(endpoint, credentials):
    wrong = Credentials(credentials.access_key, "not-the-right-secret-not-the-right-secret")
    status, body = send(endpoint, wrong, "GET", "/v1/keys")
    assert status == 403
    assert body["error"]["code"] == "InvalidSignature"


def test_unsigned_request_is_missing_authentication(endpoint):
    response = requests.get(endpoint + "/v1/keys", timeout=TIMEOUT)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "MissingAuthentication"
