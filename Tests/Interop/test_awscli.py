"""The AWS CLI (`aws kms …`) against the server: every operation the AWS door serves,
and the error names the CLI prints. Blobs go through fileb:// so awscli v1 and v2
behave the same."""
import base64
import json
import uuid

import pytest


def ok(result):
    code, out, err = result
    assert code == 0, f"aws exited {code}: {err}"
    return out


def fails(result, exception):
    code, _, err = result
    assert code != 0, "expected the command to fail"
    assert f"({exception})" in err, err
    return err


def alias_name(prefix="cli"):
    return f"alias/{prefix}-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def cli_key(aws):
    meta = ok(aws("create-key", "--description", "cli key", "--tags", "TagKey=team,TagValue=interop"))["KeyMetadata"]
    return meta


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return f"fileb://{path}"


def test_create_and_describe_key_by_every_identifier(aws, cli_key, region):
    assert cli_key["Description"] == "cli key"
    assert cli_key["KeyState"] == "Enabled" and cli_key["Enabled"] is True
    assert cli_key["KeySpec"] == "SYMMETRIC_DEFAULT" and cli_key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert cli_key["Arn"].startswith(f"arn:aws:kms:{region}:") and cli_key["Arn"].endswith(cli_key["KeyId"])
    assert isinstance(cli_key["CreationDate"], (int, float)) or isinstance(cli_key["CreationDate"], str)
    tags = ok(aws("list-resource-tags", "--key-id", cli_key["KeyId"]))
    assert tags["Tags"] == [{"TagKey": "team", "TagValue": "interop"}]

    name = alias_name()
    ok(aws("create-alias", "--alias-name", name, "--target-key-id", cli_key["KeyId"]))
    alias_arn = cli_key["Arn"].split(":key/")[0] + ":" + name
    for identifier in (cli_key["KeyId"], cli_key["Arn"], name, alias_arn):
        meta = ok(aws("describe-key", "--key-id", identifier))["KeyMetadata"]
        assert meta["KeyId"] == cli_key["KeyId"], identifier
        assert meta["Arn"] == cli_key["Arn"], identifier


def test_list_keys_paginates_and_returns_all(aws, new_key):
    created = {new_key(description=f"page {i}")["KeyId"] for i in range(5)}
    listed = ok(aws("list-keys", "--page-size", "2"))
    ids = [k["KeyId"] for k in listed["Keys"]]
    assert len(ids) == len(set(ids)), "a key was listed twice"
    assert created <= set(ids)
    assert all(k["KeyArn"].endswith(k["KeyId"]) for k in listed["Keys"])
    # The same total with the server's default page size.
    assert {k["KeyId"] for k in ok(aws("list-keys"))["Keys"]} == set(ids)
    # --max-items stops early and hands back a token.
    first = ok(aws("list-keys", "--page-size", "2", "--max-items", "3"))
    assert len(first["Keys"]) == 3 and first.get("NextToken")


def test_update_description_enable_disable(aws, cli_key):
    key = cli_key["KeyId"]
    ok(aws("update-key-description", "--key-id", key, "--description", "changed"))
    assert ok(aws("describe-key", "--key-id", key))["KeyMetadata"]["Description"] == "changed"
    ok(aws("disable-key", "--key-id", key))
    meta = ok(aws("describe-key", "--key-id", key))["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and meta["Enabled"] is False
    ok(aws("enable-key", "--key-id", cli_key["Arn"]))
    assert ok(aws("describe-key", "--key-id", key))["KeyMetadata"]["KeyState"] == "Enabled"


def test_schedule_and_cancel_deletion(aws, cli_key):
    out = ok(aws("schedule-key-deletion", "--key-id", cli_key["KeyId"], "--pending-window-in-days", "7"))
    assert out["KeyId"] == cli_key["Arn"]
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    assert "DeletionDate" in out
    meta = ok(aws("describe-key", "--key-id", cli_key["KeyId"]))["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and "DeletionDate" in meta
    out = ok(aws("cancel-key-deletion", "--key-id", cli_key["KeyId"]))
    assert out["KeyId"] == cli_key["Arn"]
    meta = ok(aws("describe-key", "--key-id", cli_key["KeyId"]))["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta


def test_aliases(aws, cli_key, new_key):
    other = new_key()
    name = alias_name()
    ok(aws("create-alias", "--alias-name", name, "--target-key-id", cli_key["Arn"]))
    aliases = ok(aws("list-aliases", "--key-id", cli_key["KeyId"]))["Aliases"]
    assert [a["AliasName"] for a in aliases] == [name]
    assert aliases[0]["TargetKeyId"] == cli_key["KeyId"]
    assert aliases[0]["AliasArn"].endswith(":" + name)
    ok(aws("update-alias", "--alias-name", name, "--target-key-id", other["KeyId"]))
    assert ok(aws("describe-key", "--key-id", name))["KeyMetadata"]["KeyId"] == other["KeyId"]
    assert ok(aws("list-aliases", "--key-id", cli_key["KeyId"]))["Aliases"] == []
    all_aliases = ok(aws("list-aliases", "--page-size", "1"))["Aliases"]
    assert name in [a["AliasName"] for a in all_aliases]
    ok(aws("delete-alias", "--alias-name", name))
    assert ok(aws("list-aliases", "--key-id", other["KeyId"]))["Aliases"] == []
    fails(aws("describe-key", "--key-id", name), "NotFoundException")


def test_encrypt_decrypt_reencrypt(aws, cli_key, new_key, tmp_path):
    plaintext = b"interop secret \x00\xff bytes"
    name = alias_name()
    ok(aws("create-alias", "--alias-name", name, "--target-key-id", cli_key["KeyId"]))
    out = ok(aws("encrypt", "--key-id", name, "--plaintext", write(tmp_path, "pt", plaintext),
                 "--encryption-context", "purpose=test,dept=eng"))
    assert out["KeyId"] == cli_key["Arn"]
    assert out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = base64.b64decode(out["CiphertextBlob"])
    ct = write(tmp_path, "ct", blob)

    out = ok(aws("decrypt", "--ciphertext-blob", ct, "--encryption-context", "dept=eng,purpose=test"))
    assert base64.b64decode(out["Plaintext"]) == plaintext
    assert out["KeyId"] == cli_key["Arn"]
    out = ok(aws("decrypt", "--ciphertext-blob", ct, "--key-id", name, "--encryption-context", "dept=eng,purpose=test"))
    assert base64.b64decode(out["Plaintext"]) == plaintext

    fails(aws("decrypt", "--ciphertext-blob", ct, "--encryption-context", "purpose=other,dept=eng"),
          "InvalidCiphertextException")
    fails(aws("decrypt", "--ciphertext-blob", ct), "InvalidCiphertextException")

    destination = new_key()
    out = ok(aws("re-encrypt", "--ciphertext-blob", ct, "--source-encryption-context", "purpose=test,dept=eng",
                 "--destination-key-id", destination["KeyId"], "--destination-encryption-context", "stage=two"))
    assert out["SourceKeyId"] == cli_key["Arn"] and out["KeyId"] == destination["Arn"]
    ct2 = write(tmp_path, "ct2", base64.b64decode(out["CiphertextBlob"]))
    out = ok(aws("decrypt", "--ciphertext-blob", ct2, "--encryption-context", "stage=two"))
    assert base64.b64decode(out["Plaintext"]) == plaintext and out["KeyId"] == destination["Arn"]


def test_data_keys_and_random(aws, cli_key, tmp_path):
    out = ok(aws("generate-data-key", "--key-id", cli_key["KeyId"], "--key-spec", "AES_256",
                 "--encryption-context", "purpose=dk"))
    assert out["KeyId"] == cli_key["Arn"]
    plaintext = base64.b64decode(out["Plaintext"])
    assert len(plaintext) == 32
    dec = ok(aws("decrypt", "--ciphertext-blob", write(tmp_path, "dk", base64.b64decode(out["CiphertextBlob"])),
                 "--encryption-context", "purpose=dk"))
    assert base64.b64decode(dec["Plaintext"]) == plaintext

    out = ok(aws("generate-data-key", "--key-id", cli_key["Arn"], "--number-of-bytes", "64"))
    assert len(base64.b64decode(out["Plaintext"])) == 64

    out = ok(aws("generate-data-key-without-plaintext", "--key-id", cli_key["KeyId"], "--key-spec", "AES_128"))
    assert "Plaintext" not in out and out["KeyId"] == cli_key["Arn"]
    dec = ok(aws("decrypt", "--ciphertext-blob", write(tmp_path, "dk2", base64.b64decode(out["CiphertextBlob"]))))
    assert len(base64.b64decode(dec["Plaintext"])) == 16

    out = ok(aws("generate-random", "--number-of-bytes", "48"))
    assert len(base64.b64decode(out["Plaintext"])) == 48


def test_rotation(aws, cli_key):
    key = cli_key["KeyId"]
    status = ok(aws("get-key-rotation-status", "--key-id", key))
    assert status["KeyRotationEnabled"] is False
    ok(aws("enable-key-rotation", "--key-id", key, "--rotation-period-in-days", "180"))
    status = ok(aws("get-key-rotation-status", "--key-id", key))
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 180
    assert status["KeyId"] == cli_key["Arn"] and "NextRotationDate" in status
    out = ok(aws("rotate-key-on-demand", "--key-id", key))
    assert out["KeyId"] == cli_key["Arn"]
    ok(aws("rotate-key-on-demand", "--key-id", key))
    rotations = ok(aws("list-key-rotations", "--key-id", key, "--page-size", "1"))["Rotations"]
    assert len(rotations) == 2
    assert all(r["KeyId"] == cli_key["Arn"] and r["RotationType"] == "ON_DEMAND" and "RotationDate" in r for r in rotations)
    ok(aws("disable-key-rotation", "--key-id", key))
    assert ok(aws("get-key-rotation-status", "--key-id", key))["KeyRotationEnabled"] is False


def test_tags(aws, cli_key):
    key = cli_key["KeyId"]
    ok(aws("tag-resource", "--key-id", key, "--tags", "TagKey=env,TagValue=prod", "TagKey=owner,TagValue=sec"))
    tags = ok(aws("list-resource-tags", "--key-id", key, "--limit", "50"))
    assert {t["TagKey"]: t["TagValue"] for t in tags["Tags"]} == {"team": "interop", "env": "prod", "owner": "sec"}
    assert tags["Truncated"] is False
    ok(aws("untag-resource", "--key-id", key, "--tag-keys", "env", "team"))
    tags = ok(aws("list-resource-tags", "--key-id", key))["Tags"]
    assert tags == [{"TagKey": "owner", "TagValue": "sec"}]


def test_grants(aws, cli_key, make_principal, admin_principal_arn):
    grantee, _ = make_principal("cli-grantee")
    out = ok(aws("create-grant", "--key-id", cli_key["KeyId"], "--grantee-principal", grantee.arn,
                 "--operations", "Decrypt", "Encrypt", "--retiring-principal", admin_principal_arn,
                 "--name", "cli-grant", "--constraints", "EncryptionContextSubset={app=cli}"))
    grant_id, token = out["GrantId"], out["GrantToken"]
    grants = ok(aws("list-grants", "--key-id", cli_key["KeyId"]))["Grants"]
    assert [g["GrantId"] for g in grants] == [grant_id]
    grant = grants[0]
    assert grant["KeyId"] == cli_key["Arn"]
    assert sorted(grant["Operations"]) == ["Decrypt", "Encrypt"]
    assert grant["GranteePrincipal"] == grantee.arn and grant["Name"] == "cli-grant"
    assert grant["Constraints"] == {"EncryptionContextSubset": {"app": "cli"}}
    retirable = ok(aws("list-retirable-grants", "--retiring-principal", admin_principal_arn))["Grants"]
    assert grant_id in [g["GrantId"] for g in retirable]
    ok(aws("retire-grant", "--grant-token", token))
    assert ok(aws("list-grants", "--key-id", cli_key["KeyId"]))["Grants"] == []

    out = ok(aws("create-grant", "--key-id", cli_key["Arn"], "--grantee-principal", grantee.arn, "--operations", "Encrypt"))
    ok(aws("revoke-grant", "--key-id", cli_key["KeyId"], "--grant-id", out["GrantId"]))
    assert ok(aws("list-grants", "--key-id", cli_key["KeyId"]))["Grants"] == []
    fails(aws("revoke-grant", "--key-id", cli_key["KeyId"], "--grant-id", out["GrantId"]), "NotFoundException")


def test_key_policies(aws, cli_key, tmp_path):
    key = cli_key["KeyId"]
    assert ok(aws("list-key-policies", "--key-id", key))["PolicyNames"] == ["default"]
    policy = ok(aws("get-key-policy", "--key-id", key, "--policy-name", "default"))["Policy"]
    document = json.loads(policy)
    assert document["Statement"]
    document["Statement"].append({
        "Sid": "DenyNobodyInParticular", "Effect": "Deny",
        "Principal": {"AWS": "arn:aws:iam::000000000000:user/nobody-at-all"},
        "Action": "kms:Decrypt", "Resource": "*",
    })
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document))
    ok(aws("put-key-policy", "--key-id", key, "--policy-name", "default", "--policy", f"file://{path}"))
    stored = json.loads(ok(aws("get-key-policy", "--key-id", key))["Policy"])
    assert stored == document


# Error cases: the CLI exits non-zero and prints the exception name.

def test_error_not_found(aws, region):
    fails(aws("describe-key", "--key-id", str(uuid.uuid4())), "NotFoundException")
    fails(aws("describe-key", "--key-id", "alias/no-such-alias-" + uuid.uuid4().hex), "NotFoundException")


def test_error_disabled(aws, cli_key, tmp_path):
    ok(aws("disable-key", "--key-id", cli_key["KeyId"]))
    fails(aws("encrypt", "--key-id", cli_key["KeyId"], "--plaintext", write(tmp_path, "pt", b"x")), "DisabledException")


def test_error_invalid_state(aws, cli_key, tmp_path):
    fails(aws("cancel-key-deletion", "--key-id", cli_key["KeyId"]), "KMSInvalidStateException")
    ok(aws("schedule-key-deletion", "--key-id", cli_key["KeyId"], "--pending-window-in-days", "7"))
    fails(aws("encrypt", "--key-id", cli_key["KeyId"], "--plaintext", write(tmp_path, "pt", b"x")),
          "KMSInvalidStateException")


def test_error_invalid_ciphertext(aws, cli_key, tmp_path):
    out = ok(aws("encrypt", "--key-id", cli_key["KeyId"], "--plaintext", write(tmp_path, "pt", b"hello")))
    blob = bytearray(base64.b64decode(out["CiphertextBlob"]))
    blob[-1] ^= 0x01
    fails(aws("decrypt", "--ciphertext-blob", write(tmp_path, "bad", bytes(blob))), "InvalidCiphertextException")
    fails(aws("decrypt", "--ciphertext-blob", write(tmp_path, "junk", b"not a ciphertext at all")),
          "InvalidCiphertextException")


def test_error_validation(aws, cli_key, tmp_path):
    fails(aws("generate-data-key", "--key-id", cli_key["KeyId"]), "ValidationException")
    fails(aws("generate-data-key", "--key-id", cli_key["KeyId"], "--number-of-bytes", "2048"), "ValidationException")
    fails(aws("encrypt", "--key-id", cli_key["KeyId"], "--plaintext", write(tmp_path, "big", b"a" * 4097)),
          "ValidationException")
    fails(aws("schedule-key-deletion", "--key-id", cli_key["KeyId"], "--pending-window-in-days", "3"),
          "ValidationException")


def test_error_already_exists(aws, cli_key):
    name = alias_name()
    ok(aws("create-alias", "--alias-name", name, "--target-key-id", cli_key["KeyId"]))
    fails(aws("create-alias", "--alias-name", name, "--target-key-id", cli_key["KeyId"]), "AlreadyExistsException")


def test_error_invalid_alias_name(aws, cli_key):
    fails(aws("create-alias", "--alias-name", "alias/aws/reserved", "--target-key-id", cli_key["KeyId"]),
          "InvalidAliasNameException")
    fails(aws("create-alias", "--alias-name", "no-prefix", "--target-key-id", cli_key["KeyId"]),
          "InvalidAliasNameException")
