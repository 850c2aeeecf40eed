"""Fixtures for the interop tests: real third-party AWS clients (boto3, awscli,
aws-encryption-cli) driven against a live `kms server`.

scripts/test.sh starts the server and exports:
  KMS_ENDPOINT          http://127.0.0.1:<port>
  KMS_CREDENTIALS_FILE  admin credentials, AWS shared-credentials format, [default] with `region`
  KMS_BIN               the kms binary (unused here, exported for completeness)
  KMS_SERVER_LOG        the server's log, printed when a test fails

Every network call is bounded by a timeout; botocore retries are off so that an
error surfaces at once and exactly as the server sent it.
"""
import configparser
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import botocore.auth
import botocore.config
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 30
SUBPROCESS_TIMEOUT = 90
BIN_DIR = Path(sys.executable).parent

# The server is on loopback: never send its requests through a proxy from the environment.
for _name in ("NO_PROXY", "no_proxy"):
    os.environ[_name] = ",".join(filter(None, [os.environ.get(_name), "127.0.0.1", "localhost"]))


def _required_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set; run the interop tests through scripts/test.sh", returncode=2)
    return value


class Admin:
    """The administrator's credentials as written by `kms server`."""

    def __init__(self, path):
        parser = configparser.ConfigParser()
        if not parser.read(path):
            raise RuntimeError(f"cannot read credentials file {path}")
        section = parser["default"]
        self.access_key_id = section["aws_access_key_id"]
        self.secret_access_key = section["aws_secret_access_key"]
        self.region = section.get("region", "us-east-1")


def client_config(**overrides):
    options = dict(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )
    options.update(overrides)
    return botocore.config.Config(**options)


@pytest.fixture(scope="session")
def endpoint():
    return _required_env("KMS_ENDPOINT").rstrip("/")


@pytest.fixture(scope="session")
def admin():
    return Admin(_required_env("KMS_CREDENTIALS_FILE"))


@pytest.fixture(scope="session")
def region(admin):
    return admin.region


@pytest.fixture(scope="session")
def make_client(endpoint, admin):
    """boto3 KMS client factory: admin credentials unless others are given."""

    def make(access_key_id=None, secret_access_key=None, region=None, config=None):
        return boto3.session.Session().client(
            "kms",
            endpoint_url=endpoint,
            region_name=region or admin.region,
            aws_access_key_id=access_key_id or admin.access_key_id,
            aws_secret_access_key=secret_access_key or admin.secret_access_key,
            config=config or client_config(),
        )

    return make


@pytest.fixture(scope="session")
def kms(make_client):
    return make_client()


def signed_request(endpoint, method, path, *, body=b"", headers=None, access_key_id, secret_access_key,
                   region, service="kms"):
    """An AWSRequest signed with botocore's own SigV4 signer."""
    request = AWSRequest(method=method, url=endpoint + path, data=body, headers=dict(headers or {}))
    botocore.auth.SigV4Auth(Credentials(access_key_id, secret_access_key), service, region).add_auth(request)
    return request


def send(request, *, body=None):
    """Sends an AWSRequest with requests (bounded); `body` replaces the signed body if given."""
    prepared = request.prepare()
    return requests.request(
        prepared.method, prepared.url, headers=dict(prepared.headers),
        data=prepared.body if body is None else body, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))


@pytest.fixture(scope="session")
def rest(endpoint, admin):
    """Calls the native REST API as the administrator (or other credentials); returns (status, json)."""

    def call(method, path, payload=None, access_key_id=None, secret_access_key=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        request = signed_request(
            endpoint, method, path, body=body, headers=headers,
            access_key_id=access_key_id or admin.access_key_id,
            secret_access_key=secret_access_key or admin.secret_access_key, region=admin.region)
        response = send(request)
        return response.status_code, (response.json() if response.content else None)

    return call


@pytest.fixture(scope="session")
def aws_raw(endpoint, admin):
    """Signs and sends one awsJson1_1 request by hand; returns the requests.Response."""

    def call(target, body, *, access_key_id=None, secret_access_key=None, region=None, service="kms",
             tamper=None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = signed_request(
            endpoint, "POST", "/", body=raw,
            headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target},
            access_key_id=access_key_id or admin.access_key_id,
            secret_access_key=secret_access_key or admin.secret_access_key,
            region=region or admin.region, service=service)
        return send(request, body=tamper)

    return call


class Principal:
    def __init__(self, name, arn, access_key_id, secret_access_key):
        self.name = name
        self.arn = arn
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key


@pytest.fixture(scope="session")
def make_principal(rest, make_client):
    """Creates a principal (kind pipeline) with optional bindings; returns (Principal, boto3 client)."""

    def make(prefix="p", roles=(), key_id=None):
        name = f"{prefix}-{uuid.uuid4().hex[:10]}"
        status, body = rest("POST", "/v1/principals", {"name": name, "kind": "pipeline"})
        assert status == 201, body
        principal = Principal(name, body["principal"]["arn"], body["accessKey"]["accessKeyId"],
                              body["accessKey"]["secretAccessKey"])
        for role in roles:
            binding = {"principal": name, "role": role}
            if key_id:
                binding["keyId"] = key_id
            else:
                binding["allKeys"] = True
            status, body = rest("POST", "/v1/bindings", binding)
            assert status == 201, body
        return principal, make_client(principal.access_key_id, principal.secret_access_key)

    return make


@pytest.fixture(scope="session")
def admin_principal_arn(rest, admin):
    """ARN of the administrator principal (the one whose access key signs admin requests)."""
    status, body = rest("GET", "/v1/principals")
    assert status == 200, body
    for principal in body["principals"]:
        status, detail = rest("GET", f"/v1/principals/{principal['name']}")
        keys = detail["principal"].get("accessKeys") or []
        if any(k["accessKeyId"] == admin.access_key_id for k in keys):
            return detail["principal"]["arn"]
    raise AssertionError("administrator principal not found")


@pytest.fixture(scope="session")
def new_key(kms):
    """Factory: a fresh symmetric key; returns its KeyMetadata."""

    def make(description="interop", tags=None):
        params = {"Description": description}
        if tags:
            params["Tags"] = [{"TagKey": k, "TagValue": v} for k, v in tags.items()]
        return kms.create_key(**params)["KeyMetadata"]

    return make


@pytest.fixture(scope="session")
def cli_env(endpoint, admin, tmp_path_factory):
    """Environment for `aws`/`aws-encryption-cli` subprocesses: admin credentials, our endpoint, nothing inherited."""

    def make(access_key_id=None, secret_access_key=None, region=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        empty = tmp_path_factory.mktemp("awsconfig")
        env.update({
            "PATH": f"{BIN_DIR}{os.pathsep}{env.get('PATH', '')}",
            "AWS_ENDPOINT_URL_KMS": endpoint,
            "AWS_ACCESS_KEY_ID": access_key_id or admin.access_key_id,
            "AWS_SECRET_ACCESS_KEY": secret_access_key or admin.secret_access_key,
            "AWS_DEFAULT_REGION": region or admin.region,
            "AWS_CONFIG_FILE": str(empty / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty / "credentials"),
            "AWS_RETRY_MODE": "standard",
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        return env

    return make


@pytest.fixture(scope="session")
def aws(cli_env):
    """Runs `aws kms ARGS --output json`; returns (returncode, parsed stdout or None, stderr)."""
    executable = str(BIN_DIR / "aws")

    def run(*args, env=None, cwd=None):
        completed = subprocess.run(
            [executable, "kms", *[str(a) for a in args], "--output", "json",
             "--cli-connect-timeout", str(CONNECT_TIMEOUT), "--cli-read-timeout", str(READ_TIMEOUT)],
            env=env or cli_env(), cwd=cwd, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
        out = completed.stdout.strip()
        return completed.returncode, (json.loads(out) if out else None), completed.stderr

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attaches the tail of the server log to failing tests."""
    outcome = yield
    report = outcome.get_result()
    log = os.environ.get("KMS_SERVER_LOG")
    if report.failed and log and os.path.exists(log):
        with open(log, errors="replace") as f:
            tail = f.readlines()[-40:]
        report.sections.append(("kms server log (tail)", "".join(tail)))
