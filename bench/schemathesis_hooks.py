"""Schemathesis hooks for fuzzing the kms REST API (loaded through SCHEMATHESIS_HOOKS).

Authentication: every generated request is signed with AWS SigV4 (service `kms`)
by botocore's own signer, as the last step before it is sent, so the signature
covers exactly the method, path, query, headers and body that go on the wire.

Protection: generated requests that name the administrator the fuzzer signs with
(its principal name or ARN in a `principal` member or path parameter, its access
key id or one of its binding ids as a path parameter) are not sent, so the run
cannot delete, disable or deny its own identity and go on getting nothing but
403s. Nor are requests that would disable, schedule for deletion, re-policy or
re-alias the keys the cryptographic operations draw from (see STABLE_KEYS).
Everything else, other principals and the service's own lockout protection
included, stays in reach of the fuzzer.

Configuration (environment, set by bench/schemathesis_run.py):
  KMS_FUZZ_ACCESS_KEY_ID, KMS_FUZZ_SECRET_ACCESS_KEY, KMS_FUZZ_REGION
  KMS_FUZZ_PROTECTED_PRINCIPAL  the administrator's principal name
  KMS_FUZZ_PROTECTED_IDS        JSON list of its access key ids and binding ids
  KMS_FUZZ_STABLE_KEYS          JSON list of key ids, ARNs and aliases whose state must not change
"""
import json
import os
import urllib.parse

import requests.auth
import schemathesis
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SERVICE = "kms"
# Headers the signer must not see: requests sets them itself, or they name an earlier signature.
UNSIGNED = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256", "content-length"}


def canonical_query_url(url):
    """`url` with its query in SigV4 canonical spelling (each name and value percent-encoded, unreserved kept).

    requests encodes a space in a query value as `+`; botocore signs a query that is
    already in the URL byte for byte, while SigV4 (and the server) read `+` as a
    literal plus, `%2B`. Spelling the query canonically makes the signed and the
    sent query the same string, with the value the generator meant.
    """
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    pairs = []
    for item in parts.query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        pairs.append("=".join(urllib.parse.quote(urllib.parse.unquote_plus(text), safe="-_.~") for text in (name, value)))
    return urllib.parse.urlunsplit(parts._replace(query="&".join(pairs)))


class SigV4(requests.auth.AuthBase):
    """Signs a prepared request in place with botocore's SigV4Auth."""

    def __init__(self, access_key_id, secret_access_key, region):
        self.signer = SigV4Auth(Credentials(access_key_id, secret_access_key), SERVICE, region)

    def __call__(self, prepared):
        prepared.url = canonical_query_url(prepared.url)
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        headers = {name: value for name, value in prepared.headers.items() if name.lower() not in UNSIGNED}
        request = AWSRequest(method=prepared.method, url=prepared.url, data=body, headers=headers)
        self.signer.add_auth(request)
        for name in list(prepared.headers):
            if name.lower() in ("authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"):
                del prepared.headers[name]
        for name in ("Authorization", "X-Amz-Date"):
            prepared.headers[name] = request.headers[name]
        return prepared


schemathesis.auth.set_from_requests(SigV4(
    os.environ["KMS_FUZZ_ACCESS_KEY_ID"],
    os.environ["KMS_FUZZ_SECRET_ACCESS_KEY"],
    os.environ.get("KMS_FUZZ_REGION", "us-east-1"),
))

PROTECTED_PRINCIPAL = os.environ.get("KMS_FUZZ_PROTECTED_PRINCIPAL", "")
PROTECTED_IDS = set(json.loads(os.environ.get("KMS_FUZZ_PROTECTED_IDS", "[]")))
# Where a principal is named: path parameter `principal`, body or query member `principal`.
PRINCIPAL_FIELDS = {"principal"}
# Path parameters that name an access key or a binding.
ID_FIELDS = {"accessKeyId", "bindingId"}


def _names_protected_principal(value):
    """True if `value` names the protected principal the way the server resolves it (name, or an ARN ending /name)."""
    if not isinstance(value, str) or not PROTECTED_PRINCIPAL:
        return False
    for text in {value, urllib.parse.unquote(value)}:
        if text == PROTECTED_PRINCIPAL or (text.startswith("arn:") and text.split("/")[-1] == PROTECTED_PRINCIPAL):
            return True
    return False


def _names_protected_id(value):
    return isinstance(value, str) and (value in PROTECTED_IDS or urllib.parse.unquote(value) in PROTECTED_IDS)


def _protected(fields):
    if not isinstance(fields, dict):
        return False
    return any(
        (name in PRINCIPAL_FIELDS and _names_protected_principal(value)) or (name in ID_FIELDS and _names_protected_id(value))
        for name, value in fields.items())


# The keys (ids, ARNs, aliases) that cryptographic operations draw from: no generated request may disable
# them, schedule their deletion, replace their policy, delete or import their material, or move or delete
# their aliases, so that Encrypt, Sign, GenerateMac... keep reaching usable keys all run long. Every other
# key, the lifecycle fixtures and all the keys the run creates, stays in reach of those operations.
STABLE_KEYS = set(json.loads(os.environ.get("KMS_FUZZ_STABLE_KEYS", "[]")))
KEY_CHANGES = {
    ("POST", "/v1/keys/{keyId}/disable"), ("POST", "/v1/keys/{keyId}/schedule-deletion"),
    ("PUT", "/v1/keys/{keyId}/policy"), ("DELETE", "/v1/keys/{keyId}/material"),
    ("POST", "/v1/keys/{keyId}/import"),
}
ALIAS_CHANGES = {("PUT", "/v1/aliases/{aliasName}"), ("DELETE", "/v1/aliases/{aliasName}")}


def _changes_stable_key(case):
    operation = (case.method.upper(), case.operation.path)
    parameters = case.path_parameters or {}
    name = "keyId" if operation in KEY_CHANGES else "aliasName" if operation in ALIAS_CHANGES else None
    value = parameters.get(name) if name else None
    return isinstance(value, str) and (value in STABLE_KEYS or urllib.parse.unquote(value) in STABLE_KEYS)


@schemathesis.hook
def filter_case(context, case):
    """Drops a case that would act on the protected administrator (its principal, access key or bindings)
    or change the state of a key that cryptographic operations rely on."""
    if any(_protected(part) for part in (case.path_parameters, case.query, case.body)):
        return False
    return not _changes_stable_key(case)
