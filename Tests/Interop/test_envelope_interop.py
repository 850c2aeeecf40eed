"""Interop of `kms encrypt`/`kms decrypt` with the official `aws-encryption-cli`.

Both tools talk to the same running key service: ours through its REST API, the
official CLI through the service's AWS KMS JSON protocol door
(AWS_ENDPOINT_URL_KMS). Needs:

  KMS_ENDPOINT           e.g. http://127.0.0.1:8720
  KMS_CREDENTIALS_FILE   AWS shared-credentials file ([default] access key and secret)
  KMS_BIN                path of the kms binary
  aws-encryption-cli     beside the Python running the tests (scripts/setup.sh installs it)

The two wrapping keys are created on the service by the test itself.

Run: pytest -q Tests/Interop/test_envelope_interop.py
"""
import configparser
import json
import os
import shutil
import subprocess
import sys

import pytest

ENV_NAMES = ["KMS_ENDPOINT", "KMS_CREDENTIALS_FILE", "KMS_BIN"]
MISSING = [name for name in ENV_NAMES if not os.environ.get(name)]
ESDK_CLI = shutil.which("aws-encryption-cli", path=os.path.dirname(sys.executable)) or shutil.which("aws-encryption-cli")

if MISSING:
    raise RuntimeError("set " + ", ".join(MISSING) + " (scripts/test.sh does)")
if ESDK_CLI is None:
    raise RuntimeError("aws-encryption-cli is not installed (scripts/setup.sh installs it)")

_KEYS = {}


def _make_key(name):
    if name not in _KEYS:
        out = subprocess.run([os.environ["KMS_BIN"], "keys", "create", "--description", "envelope interop " + name,
                              "--output", "json"], env=dict(os.environ), capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        _KEYS[name] = json.loads(out.stdout)["keyMetadata"]["arn"]
    return _KEYS[name]

# The official CLI's --algorithm names of the two suites we write.
SUITES = {
    "0478": "AES_256_GCM_HKDF_SHA512_COMMIT_KEY",
    "0578": "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384",
}
CONTEXTS = [{}, {"project": "web", "commit": "3f2a9c"}]
SIZE = 10 * 1024 * 1024


def key_arn():
    return _make_key("first")


def second_key_arn():
    return _make_key("second")


def official_env():
    """Environment for aws-encryption-cli: our endpoint, our credentials, the ARN's region."""
    parser = configparser.ConfigParser()
    parser.read(os.environ["KMS_CREDENTIALS_FILE"])
    section = parser["default"]
    env = dict(os.environ)
    env["AWS_ENDPOINT_URL_KMS"] = os.environ["KMS_ENDPOINT"]
    env["AWS_ACCESS_KEY_ID"] = section["aws_access_key_id"]
    env["AWS_SECRET_ACCESS_KEY"] = section["aws_secret_access_key"]
    # The official KMS keyring signs for the region named in the key ARN.
    env["AWS_DEFAULT_REGION"] = key_arn().split(":")[3]
    env.pop("AWS_PROFILE", None)
    return env


def kms_env():
    env = dict(os.environ)
    env["KMS_ENDPOINT"] = os.environ["KMS_ENDPOINT"]
    env["KMS_CREDENTIALS_FILE"] = os.environ["KMS_CREDENTIALS_FILE"]
    return env


def run(args, env, expect_ok=True):
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    if expect_ok:
        assert result.returncode == 0, "%s failed (%d): %s" % (args[0], result.returncode, result.stderr)
    return result


def context_args(flag, context):
    if not context:
        return []
    if flag == "kms":
        return ["--context", ",".join("%s=%s" % item for item in sorted(context.items()))]
    return ["--encryption-context"] + ["%s=%s" % item for item in sorted(context.items())]


def expect_args(flag, context):
    if not context:
        return []
    if flag == "kms":
        return ["--expect-context", ",".join("%s=%s" % item for item in sorted(context.items()))]
    return ["--encryption-context"] + ["%s=%s" % item for item in sorted(context.items())]


def official_encrypt(source, target, suite, context, keys):
    wrapping = []
    for arn in keys:
        wrapping += ["key=" + arn]
    run([ESDK_CLI, "--encrypt", "--input", source, "--output", target, "--wrapping-keys"] + wrapping
        + ["--algorithm", SUITES[suite], "--commitment-policy", "require-encrypt-require-decrypt", "-S"]
        + context_args("esdk", context), official_env())


def official_decrypt(source, target, context, key, expect_ok=True):
    return run([ESDK_CLI, "--decrypt", "--input", source, "--output", target, "--wrapping-keys", "key=" + key,
                "--commitment-policy", "require-encrypt-require-decrypt", "-S"] + expect_args("esdk", context),
               official_env(), expect_ok)


def kms_encrypt(source, target, suite, context, keys):
    key_args = []
    for arn in keys:
        key_args += ["--key", arn]
    run([os.environ["KMS_BIN"], "encrypt", "--algorithm", suite, "--output", target, "--force"] + key_args
        + context_args("kms", context) + [source], kms_env())


def kms_decrypt(source, target, context, expect_ok=True):
    return run([os.environ["KMS_BIN"], "decrypt", "--output", target, "--force"] + expect_args("kms", context) + [source],
               kms_env(), expect_ok)


@pytest.fixture()
def plaintext(tmp_path):
    path = tmp_path / "plain.bin"
    path.write_bytes(os.urandom(SIZE))
    return path


@pytest.mark.parametrize("suite", sorted(SUITES))
@pytest.mark.parametrize("context", CONTEXTS, ids=["no-context", "context"])
def test_official_encrypt_kms_decrypt(tmp_path, plaintext, suite, context):
    sealed, opened = tmp_path / "official.esdk", tmp_path / "kms.out"
    official_encrypt(str(plaintext), str(sealed), suite, context, [key_arn()])
    kms_decrypt(str(sealed), str(opened), context)
    assert opened.read_bytes() == plaintext.read_bytes()


@pytest.mark.parametrize("suite", sorted(SUITES))
@pytest.mark.parametrize("context", CONTEXTS, ids=["no-context", "context"])
def test_kms_encrypt_official_decrypt(tmp_path, plaintext, suite, context):
    sealed, opened = tmp_path / "kms.kms", tmp_path / "official.out"
    kms_encrypt(str(plaintext), str(sealed), suite, context, [key_arn()])
    official_decrypt(str(sealed), str(opened), context, key_arn())
    assert opened.read_bytes() == plaintext.read_bytes()


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_two_wrapping_keys_each_decrypts(tmp_path, plaintext, suite):
    second = second_key_arn()
    context = {"project": "web"}
    ours, theirs = tmp_path / "kms.kms", tmp_path / "official.esdk"
    kms_encrypt(str(plaintext), str(ours), suite, context, [key_arn(), second])
    official_encrypt(str(plaintext), str(theirs), suite, context, [key_arn(), second])
    for arn in (key_arn(), second):
        out = tmp_path / ("official-" + arn.rsplit("/", 1)[-1])
        official_decrypt(str(ours), str(out), context, arn)
        assert out.read_bytes() == plaintext.read_bytes()
    out = tmp_path / "kms.out"
    kms_decrypt(str(theirs), str(out), context)
    assert out.read_bytes() == plaintext.read_bytes()
    inspect = run([os.environ["KMS_BIN"], "inspect", "--output", "json", str(theirs)], kms_env())
    assert key_arn() in inspect.stdout and second in inspect.stdout


def test_wrong_expected_context_fails_both_ways(tmp_path, plaintext):
    context = {"project": "web"}
    ours, theirs = tmp_path / "kms.kms", tmp_path / "official.esdk"
    kms_encrypt(str(plaintext), str(ours), "0478", context, [key_arn()])
    official_encrypt(str(plaintext), str(theirs), "0478", context, [key_arn()])

    result = kms_decrypt(str(theirs), str(tmp_path / "a.out"), {"project": "api"}, expect_ok=False)
    assert result.returncode == 65
    assert not (tmp_path / "a.out").exists()

    result = official_decrypt(str(ours), str(tmp_path / "b.out"), {"project": "api"}, key_arn(), expect_ok=False)
    # aws-encryption-cli 4.3 reports a failed operation in its log and deletes the
    # output, but still exits 0: the absent output and the message are the signal.
    assert "Operation failed" in result.stderr or result.returncode != 0
    assert not (tmp_path / "b.out").exists()
