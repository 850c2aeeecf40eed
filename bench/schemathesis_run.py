#!/usr/bin/env python3
"""Fuzzes the kms REST API with schemathesis against its own OpenAPI document (issue #8).

Against a running server (see bench/schemathesis.sh, or the interop test
Tests/Interop/test_schemathesis.py): creates a few fixtures (keys of each kind,
aliases, a principal with an access key and a binding, a custom role, a grant, a
ciphertext) so that generated identifiers hit real resources part of the time;
runs `schemathesis run` over every operation with SigV4 authentication
(bench/schemathesis_hooks.py) and the checks below; then reads the run's NDJSON
report and prints the number of requests, the per-check results, the status codes
per operation and every failure. Exits non-zero on any failure, on fewer requests
than --min-requests, or if the run stopped getting authenticated answers.

  bench/schemathesis_run.py --endpoint http://127.0.0.1:PORT --credentials DIR/admin.credentials \
      [--max-examples N] [--min-requests N] [--max-time S] [--seed N] [--out DIR]
"""
import argparse
import base64
import collections
import configparser
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HERE = Path(__file__).resolve().parent
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",
]
TIMEOUT = 30


class Client:
    """Signs REST calls as the administrator (fixtures and the final sanity check)."""

    def __init__(self, endpoint, credentials_file):
        parser = configparser.ConfigParser()
        if not parser.read(credentials_file):
            sys.exit(f"cannot read {credentials_file}")
        section = parser["default"]
        self.endpoint = endpoint.rstrip("/")
        self.access_key_id = section["aws_access_key_id"]
        self.secret_access_key = section["aws_secret_access_key"]
        self.region = section.get("region", "us-east-1")
        self.signer = SigV4Auth(Credentials(self.access_key_id, self.secret_access_key), "kms", self.region)

    def call(self, method, path, payload=None, expect=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        request = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=headers)
        self.signer.add_auth(request)
        prepared = request.prepare()
        response = requests.request(method, prepared.url, headers=dict(prepared.headers), data=prepared.body,
                                    timeout=TIMEOUT)
        result = response.json() if response.content else None
        if expect is not None and response.status_code != expect:
            sys.exit(f"fixture {method} {path}: {response.status_code} {result}")
        return response.status_code, result


KEY_KINDS = [
    ("symmetric", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", None),
    ("rsa-encrypt", "RSA_2048", "ENCRYPT_DECRYPT", None),
    ("rsa-sign", "RSA_2048", "SIGN_VERIFY", None),
    ("ecc-sign", "ECC_NIST_P256", "SIGN_VERIFY", None),
    ("hmac", "HMAC_256", "GENERATE_VERIFY_MAC", None),
    ("external", "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "EXTERNAL"),
]


def make_keys(client, pool):
    keys = {}
    for name, spec, usage, origin in KEY_KINDS:
        payload = {"description": f"schemathesis {pool} {name}", "keySpec": spec, "keyUsage": usage,
                   "tags": [{"tagKey": "fuzz", "tagValue": name}]}
        if origin:
            payload["origin"] = origin
        _, body = client.call("POST", "/v1/keys", payload, expect=201)
        keys[name] = body["keyMetadata"]
    return keys


def make_fixtures(client):
    """Resources for generated identifiers to hit; returns (dictionaries, admin name, protected ids, stable keys).

    Two pools of keys: the one path parameters draw from is for the lifecycle
    operations (disable, schedule deletion, key policy, import...), which may leave
    its keys unusable; the one body members draw from is for cryptographic use
    (encrypt, sign, MAC, data keys, grants), which no generated request can change
    through a body member, so that those operations keep reaching real keys.
    """
    suffix = uuid.uuid4().hex[:8]
    use_keys = make_keys(client, "use")
    lifecycle_keys = make_keys(client, "lifecycle")
    symmetric = use_keys["symmetric"]["keyId"]
    use_aliases = {f"alias/fuzz-use-{suffix}": symmetric, f"alias/fuzz-sign-{suffix}": use_keys["ecc-sign"]["keyId"],
                   f"alias/fuzz-mac-{suffix}": use_keys["hmac"]["keyId"]}
    lifecycle_aliases = {f"alias/fuzz-{suffix}-{name}": key["keyId"] for name, key in lifecycle_keys.items()}
    # "alias/my-key" is the document's example alias, so examples hit a real alias too: a lifecycle one, since
    # the examples phase sends its cases whatever filter_case says (and the examples delete it).
    lifecycle_aliases["alias/my-key"] = lifecycle_keys["symmetric"]["keyId"]
    for alias, target in {**use_aliases, **lifecycle_aliases}.items():
        status, body = client.call("POST", "/v1/aliases", {"aliasName": alias, "targetKeyId": target})
        if status == 409:  # a server used before (the interop tests' one): point the alias at this run's key
            client.call("PUT", "/v1/aliases/" + urllib.parse.quote(alias, safe=""), {"targetKeyId": target}, expect=200)
        elif status != 201:
            sys.exit(f"fixture alias {alias}: {status} {body}")
    # "build-pipeline" is the document's example principal name.
    principal_name = "build-pipeline"
    status, body = client.call("POST", "/v1/principals", {"name": principal_name, "kind": "pipeline"})
    if status == 409:
        principal_name = f"build-pipeline-{suffix}"
        _, body = client.call("POST", "/v1/principals", {"name": principal_name, "kind": "pipeline"}, expect=201)
    elif status != 201:
        sys.exit(f"fixture principal: {status} {body}")
    principal_arn = body["principal"]["arn"]
    principal_key = body["accessKey"]["accessKeyId"]
    role = f"fuzz-role-{suffix}"
    client.call("POST", "/v1/roles", {"name": role, "description": "schemathesis", "actions": ["kms:Encrypt"]},
                expect=201)
    _, body = client.call("POST", "/v1/bindings", {"principal": principal_name, "role": "key-user", "keyId": symmetric},
                          expect=201)
    binding = body["binding"]["bindingId"]
    grants = []
    for key in (use_keys["symmetric"], lifecycle_keys["symmetric"]):
        _, body = client.call("POST", "/v1/grants", {"keyId": key["keyId"], "granteePrincipal": principal_arn,
                                                     "retiringPrincipal": principal_arn,
                                                     "operations": ["Encrypt", "Decrypt"]}, expect=201)
        grants.append(body)
    ciphertexts = []
    for key in (use_keys["symmetric"], lifecycle_keys["symmetric"]):
        _, body = client.call("POST", "/v1/encrypt", {"keyId": key["keyId"],
                                                      "plaintext": base64.b64encode(b"fuzz").decode()}, expect=200)
        ciphertexts.append(body["ciphertextBlob"])

    message = base64.b64encode(b"fuzz message").decode()
    _, body = client.call("POST", "/v1/sign", {"keyId": use_keys["ecc-sign"]["keyId"], "message": message,
                                               "signingAlgorithm": "ECDSA_SHA_256"}, expect=200)
    signature = body["signature"]
    _, body = client.call("POST", "/v1/mac", {"keyId": use_keys["hmac"]["keyId"], "message": message,
                                              "macAlgorithm": "HMAC_SHA_256"}, expect=200)
    mac = body["mac"]
    import_tokens, public_keys = [], []
    for key in (use_keys["external"], lifecycle_keys["external"]):
        _, body = client.call("POST", f"/v1/keys/{key['keyId']}/import-parameters",
                              {"wrappingAlgorithm": "RSAES_OAEP_SHA_256", "wrappingKeySpec": "RSA_2048"}, expect=200)
        import_tokens.append(body["importToken"])
        public_keys.append(body["publicKey"])

    def refs(keys):
        return [k["keyId"] for k in keys.values()] + [k["arn"] for k in keys.values()]

    dictionaries = {
        "useKeys": refs(use_keys),
        "useAnyKeys": refs(use_keys) + list(use_aliases),
        "lifecycleKeys": refs(lifecycle_keys) + list(lifecycle_aliases),
        "lifecycleAliases": list(lifecycle_aliases),
        "principals": [principal_name, principal_arn],
        "principalArns": [principal_arn],
        "accessKeys": [principal_key],
        "roles": [role, "key-user"],
        "bindings": [binding],
        "grants": [g["grantId"] for g in grants],
        "grantTokens": [g["grantToken"] for g in grants],
        "ciphertexts": ciphertexts,
        "messages": [message],
        "signatures": [signature],
        "macs": [mac],
        "importTokens": import_tokens,
        # Any base64 the server will take as encrypted key material: the wrapping public keys themselves.
        "blobs": public_keys,
        # Times for the audit query: valid ones, and the edges of what a timestamp holds (1e300 and nan used
        # to crash the server).
        "times": ["2026-11-29T05:00:00Z", "2026-11-29T05:00:00.123456+01:00", "1795900000", "1795900000.5", "0",
                  "-9.2e12", "9.3e12", "1e300", "-1e300", "nan", "inf", "99999999999999999999"],
    }

    # The administrator this run signs with: its access key and its bindings are protected.
    status, body = client.call("GET", "/v1/principals", expect=200)
    admin = None
    for principal in body["principals"]:
        _, detail = client.call("GET", f"/v1/principals/{principal['name']}", expect=200)
        if any(k["accessKeyId"] == client.access_key_id for k in detail["principal"].get("accessKeys") or []):
            admin = detail["principal"]
    if admin is None:
        sys.exit("the administrator principal was not found")
    _, body = client.call("GET", "/v1/bindings?principal=" + admin["name"], expect=200)
    protected_ids = [client.access_key_id] + [b["bindingId"] for b in body["bindings"]]
    stable_keys = refs(use_keys) + list(use_aliases)
    return dictionaries, admin["name"], protected_ids, stable_keys


# Generated values of these parameters come from the fixtures with the given probability.
BINDINGS = {
    "path.keyId": ("lifecycleKeys", 0.5),
    "path.aliasName": ("lifecycleAliases", 0.5),
    "path.principal": ("principals", 0.5),
    "path.accessKeyId": ("accessKeys", 0.5),
    "path.name": ("roles", 0.5),
    "path.bindingId": ("bindings", 0.5),
    "path.grantId": ("grants", 0.5),
    "query.keyId": ("useAnyKeys", 0.3),
    "query.principal": ("principals", 0.3),
    "query.granteePrincipal": ("principalArns", 0.3),
    "query.retiringPrincipal": ("principalArns", 0.3),
    "query.from": ("times", 0.3),
    "query.to": ("times", 0.3),
    "body.keyId": ("useAnyKeys", 0.5),
    "body.targetKeyId": ("useKeys", 0.5),
    "body.sourceKeyId": ("useAnyKeys", 0.3),
    "body.destinationKeyId": ("useAnyKeys", 0.5),
    "body.ciphertextBlob": ("ciphertexts", 0.5),
    "body.principal": ("principals", 0.3),
    "body.granteePrincipal": ("principalArns", 0.3),
    "body.retiringPrincipal": ("principalArns", 0.3),
    "body.role": ("roles", 0.3),
    "body.grantId": ("grants", 0.3),
    "body.grantToken": ("grantTokens", 0.3),
    "body.message": ("messages", 0.3),
    "body.signature": ("signatures", 0.3),
    "body.mac": ("macs", 0.3),
    "body.importToken": ("importTokens", 0.5),
    "body.encryptedKeyMaterial": ("blobs", 0.3),
}


def toml_string(value):
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def write_config(path, dictionaries, args, report_dir):
    lines = [
        f"seed = {args.seed}" if args.seed is not None else "",
        f"workers = {args.workers}",
        f"request-timeout = {TIMEOUT}",
        "",
        "[generation]",
        f"max-examples = {args.max_examples}",
        # Authorization is the signer's: no generated or mutated values for it (ignored_auth probes it instead).
        "with-security-parameters = false",
        "",
        "[checks]",
        "enabled = false",
    ]
    for check in CHECKS + ([c for c in args.extra_checks.split(",") if c]):
        lines += [f"[checks.{check}]", "enabled = true"]
    # The examples phase ignores filter_case; with identifiers taken from earlier responses it disabled and
    # scheduled for deletion the keys that must stay usable. It keeps to the document's examples.
    lines += ["", "[phases.examples]", "extra-data-sources = { responses = false }"]
    lines += ["", "[reports.ndjson]", "enabled = true", f"path = {toml_string(str(report_dir / 'events.ndjson'))}", ""]
    lines += ["[dictionaries]"]
    for name, values in dictionaries.items():
        lines.append(f"{name} = {{ values = {json.dumps(values)} }}")
    lines += ["", "[parameters]"]
    for key, (dictionary, probability) in BINDINGS.items():
        lines.append(f"{toml_string(key)} = {{ dictionary = {toml_string(dictionary)}, probability = {probability} }}")
    path.write_text("\n".join(lines) + "\n")


def _error_code(response):
    content = (response.get("content") or {}).get("$base64")
    if not content:
        return None
    try:
        return json.loads(base64.b64decode(content))["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def protection_leaks(report_path, stable_keys, admin_name, protected_ids):
    """Sent requests that changed a stable key or acted on the administrator (should be none)."""
    stable = set(stable_keys)
    leaks = []
    for line in report_path.read_text().splitlines():
        for kind, payload in json.loads(line).items():
            if kind != "ScenarioFinished":
                continue
            for interaction in ((payload.get("recorder") or {}).get("interactions") or {}).values():
                method = interaction["request"]["method"].upper()
                parts = [urllib.parse.unquote(p) for p in urllib.parse.urlsplit(interaction["request"]["uri"]).path.split("/")]
                # ['', 'v1', collection, id, action...]
                if len(parts) < 4 or method == "GET":
                    continue
                collection, target, rest = parts[2], parts[3], parts[4:]
                key_change = (method, tuple(rest)) in {("POST", ("disable",)), ("POST", ("schedule-deletion",)),
                                                       ("PUT", ("policy",)), ("DELETE", ("material",)),
                                                       ("POST", ("import",))}
                admin = target == admin_name or (target.startswith("arn:") and target.split("/")[-1] == admin_name)
                if ((collection == "keys" and target in stable and key_change)
                        or (collection == "aliases" and target in stable and method in ("PUT", "DELETE"))
                        or (collection == "principals" and admin and method in ("PATCH", "DELETE"))
                        or (collection == "bindings" and target in protected_ids and method == "DELETE")):
                    leaks.append((payload.get("phase"), method, interaction["request"]["uri"]))
    return leaks


def summarize(report_path):
    """Requests, per-check counts, statuses and error codes per operation, failures, from the NDJSON report."""
    requests_made = 0
    checks = collections.defaultdict(collections.Counter)
    statuses = collections.defaultdict(collections.Counter)
    failures = []
    errors = []
    for line in report_path.read_text().splitlines():
        event = json.loads(line)
        for kind, payload in event.items():
            if kind == "ScenarioFinished":
                recorder = payload.get("recorder") or {}
                label = recorder.get("label") or "?"
                for interaction in (recorder.get("interactions") or {}).values():
                    response = interaction.get("response")
                    if response is None:
                        continue
                    requests_made += 1
                    code = response.get("status_code")
                    error = _error_code(response) if code and code >= 400 else None
                    statuses[label][f"{code} {error}" if error else str(code)] += 1
                for case_id, check_list in (recorder.get("checks") or {}).items():
                    for check in check_list:
                        checks[check["name"]][check["status"].lower()] += 1
                        if check["status"].lower() not in ("success", "skip", "skipped"):
                            failures.append((label, case_id, check, recorder.get("cases", {}).get(case_id)))
            elif kind in ("NonFatalError", "FatalError"):
                errors.append(payload)
    return requests_made, checks, statuses, failures, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--max-examples", type=int, default=100)
    parser.add_argument("--min-requests", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=None, help="schemathesis --max-time (seconds)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--schema", help="a local OpenAPI JSON file instead of the server's /v1/openapi.json "
                                         "(to try generator changes before rebuilding)")
    parser.add_argument("--extra-checks", default="", help="more checks, e.g. negative_data_rejection")
    parser.add_argument("--st-arg", action="append", default=[],
                        help="one more argument for `schemathesis run`, e.g. --st-arg=--include-path=/v1/audit/records")
    parser.add_argument("--out", default=str(HERE / "out" / "schemathesis"))
    args = parser.parse_args()

    client = Client(args.endpoint, args.credentials)
    dictionaries, admin_name, protected_ids, stable_keys = make_fixtures(client)

    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    config = out / "schemathesis.toml"
    write_config(config, dictionaries, args, out)
    env = dict(os.environ)
    env.update({
        "SCHEMATHESIS_HOOKS": str(HERE / "schemathesis_hooks.py"),
        "KMS_FUZZ_ACCESS_KEY_ID": client.access_key_id,
        "KMS_FUZZ_SECRET_ACCESS_KEY": client.secret_access_key,
        "KMS_FUZZ_REGION": client.region,
        "KMS_FUZZ_PROTECTED_PRINCIPAL": admin_name,
        "KMS_FUZZ_PROTECTED_IDS": json.dumps(protected_ids),
        "KMS_FUZZ_STABLE_KEYS": json.dumps(stable_keys),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    })
    location = ([str(Path(args.schema).resolve()), "--url", args.endpoint.rstrip("/")] if args.schema
                else [args.endpoint.rstrip("/") + "/v1/openapi.json"])
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run", *location,
               "--phases", args.phases, "--continue-on-failure", "--no-color", *args.st_arg]
    if args.max_time:
        command += ["--max-time", str(args.max_time)]
    print("+", " ".join(command), flush=True)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, cwd=out)
    elapsed = time.monotonic() - started

    report = out / "events.ndjson"
    if not report.exists():
        print(f"FAILED: schemathesis exited {completed.returncode} without a report")
        return 1
    requests_made, checks, statuses, failures, errors = summarize(report)
    print(f"\n== schemathesis: exit {completed.returncode}, {elapsed:.0f} s")
    print(f"requests with a response: {requests_made}")
    for name in sorted(checks):
        counts = checks[name]
        print(f"  {name}: " + ", ".join(f"{status.lower()} {n}" for status, n in sorted(counts.items())))
    totals = collections.Counter()
    print("statuses per operation:")
    for label in sorted(statuses):
        print(f"  {label}: " + ", ".join(f"{code} ×{n}" for code, n in sorted(statuses[label].items())))
        totals.update(statuses[label])
    by_status = collections.Counter()
    for code, n in totals.items():
        by_status[code.split()[0]] += n
    print("statuses in total: " + ", ".join(f"{code} ×{n}" for code, n in sorted(by_status.items())))
    print("error codes in total: " + ", ".join(f"{code} ×{n}" for code, n in sorted(totals.items()) if " " in code))
    print(f"failures: {len(failures)}")
    for label, case_id, check, case in failures[:50]:
        value = (case or {}).get("value") or {}
        request = {k: value.get(k) for k in ("path_parameters", "query", "body") if value.get(k) not in (None, {}, [])}
        print(f"  {label} [{case_id}] {check['name']}: {json.dumps(check)[:800]}")
        print(f"      request: {json.dumps(request)[:800]}")
    for error in errors[:20]:
        print(f"  error: {json.dumps(error)[:600]}")

    leaks = protection_leaks(report, stable_keys, admin_name, protected_ids)
    print(f"requests that got past the protection (changing a stable key or acting on the administrator): {len(leaks)}")
    for leak in leaks[:10]:
        print(f"  {leak}")

    # The administrator must still work: the run did not lock itself out.
    try:
        status, body = client.call("GET", "/v1/keys?limit=1")
    except requests.RequestException as error:  # the server is gone: it crashed during the run
        status = f"no answer ({type(error).__name__})"
    print(f"administrator after the run: GET /v1/keys -> {status}")
    problems = []
    if completed.returncode != 0:
        problems.append(f"schemathesis exited {completed.returncode}")
    if failures:
        problems.append(f"{len(failures)} check failures")
    if errors:
        problems.append(f"{len(errors)} errors")
    if requests_made < args.min_requests:
        problems.append(f"only {requests_made} requests (< {args.min_requests})")
    if status != 200:
        problems.append("the administrator can no longer list keys (locked out, or the server is down)")
    success = sum(n for code, n in by_status.items() if code.startswith("2"))
    if success < requests_made * 0.05:
        problems.append(f"only {success} of {requests_made} responses were 2xx")
    if problems:
        print("FAILED: " + "; ".join(problems))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
