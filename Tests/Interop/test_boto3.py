"""boto3 against the server's AWS door: every operation it serves, the wire
details SDKs depend on (request ids, ARNs in KeyId, pagination, timestamps,
error names and statuses), SigV4 rejections, and grants end to end."""
import base64
import datetime
import json
import uuid

import botocore.auth
import botocore.config
import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError

from conftest import client_config

UTC = datetime.timezone.utc


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def expect_error(code, call, *args, status=400, **kwargs):
    """Runs a boto3 call that must fail with `code`; checks status and request id; returns the response."""
    with pytest.raises(ClientError) as excinfo:
        call(*args, **kwargs)
    response = excinfo.value.response
    assert response["Error"]["Code"] == code, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    assert response["ResponseMetadata"].get("RequestId"), response
    return response


def alias_name(prefix="b3"):
    return f"alias/{prefix}-{uuid.uuid4().hex[:12]}"


def alias_arn(key_arn, name):
    return key_arn.split(":key/")[0] + ":" + name


def assert_recent(moment, *, around=None, slack=datetime.timedelta(minutes=5)):
    assert isinstance(moment, datetime.datetime), repr(moment)
    assert moment.tzinfo is not None, "timestamps must be timezone-aware datetimes"
    target = around or datetime.datetime.now(UTC)
    assert abs(moment - target) < slack, (moment, target)


@pytest.fixture
def key(new_key):
    return new_key(description="boto3 key", tags={"suite": "boto3"})


@pytest.fixture
def aliased_key(kms, key):
    name = alias_name()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    return key, name


# ---------------------------------------------------------------- key lifecycle

def test_create_key_metadata_shape(kms, key, region):
    assert key["Description"] == "boto3 key"
    assert key["KeyState"] == "Enabled" and key["Enabled"] is True
    assert key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert key["KeySpec"] == key["CustomerMasterKeySpec"] == "SYMMETRIC_DEFAULT"
    assert key["EncryptionAlgorithms"] == ["SYMMETRIC_DEFAULT"]
    assert key["Origin"] == "AWS_KMS" and key["KeyManager"] == "CUSTOMER"
    assert key["MultiRegion"] is False
    assert len(key["AWSAccountId"]) == 12 and key["AWSAccountId"].isdigit()
    assert key["Arn"] == f"arn:aws:kms:{region}:{key['AWSAccountId']}:key/{key['KeyId']}"
    assert "DeletionDate" not in key
    assert_recent(key["CreationDate"])
    assert kms.list_resource_tags(KeyId=key["KeyId"])["Tags"] == [{"TagKey": "suite", "TagValue": "boto3"}]


def test_describe_key_by_every_identifier(kms, aliased_key):
    key, name = aliased_key
    for identifier in (key["KeyId"], key["Arn"], name, alias_arn(key["Arn"], name)):
        meta = kms.describe_key(KeyId=identifier)["KeyMetadata"]
        assert meta["KeyId"] == key["KeyId"], identifier
        assert meta["Arn"] == key["Arn"], identifier
        assert meta["CreationDate"] == key["CreationDate"]


def test_update_description_enable_disable(kms, key):
    kms.update_key_description(KeyId=key["KeyId"], Description="")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == ""
    kms.update_key_description(KeyId=key["Arn"], Description="second")
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Description"] == "second"
    kms.disable_key(KeyId=key["KeyId"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Disabled", False)
    kms.disable_key(KeyId=key["KeyId"])  # idempotent
    kms.enable_key(KeyId=key["Arn"])
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert (meta["KeyState"], meta["Enabled"]) == ("Enabled", True)


def test_schedule_and_cancel_deletion(kms, key):
    out = kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    assert out["KeyId"] == key["Arn"]
    assert out["KeyState"] == "PendingDeletion" and out["PendingWindowInDays"] == 7
    assert_recent(out["DeletionDate"], around=datetime.datetime.now(UTC) + datetime.timedelta(days=7))
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion" and meta["Enabled"] is False
    assert meta["DeletionDate"] == out["DeletionDate"]
    expect_error("KMSInvalidStateException", kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=7)
    assert kms.cancel_key_deletion(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    assert meta["KeyState"] == "Disabled" and "DeletionDate" not in meta
    # Default window is 30 days.
    out = kms.schedule_key_deletion(KeyId=key["Arn"])
    assert out["PendingWindowInDays"] == 30


# ---------------------------------------------------------------- aliases

def test_aliases(kms, key, new_key):
    other = new_key()
    name = alias_name()
    kms.create_alias(AliasName=name, TargetKeyId=key["Arn"])
    entries = kms.list_aliases(KeyId=key["KeyId"])["Aliases"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["AliasName"] == name and entry["TargetKeyId"] == key["KeyId"]
    assert entry["AliasArn"] == alias_arn(key["Arn"], name)
    assert_recent(entry["CreationDate"])
    assert_recent(entry["LastUpdatedDate"])
    kms.update_alias(AliasName=name, TargetKeyId=other["KeyId"])
    assert kms.describe_key(KeyId=name)["KeyMetadata"]["KeyId"] == other["KeyId"]
    assert kms.list_aliases(KeyId=key["Arn"])["Aliases"] == []
    assert [a["AliasName"] for a in kms.list_aliases(KeyId=other["KeyId"])["Aliases"]] == [name]
    kms.delete_alias(AliasName=name)
    expect_error("NotFoundException", kms.describe_key, KeyId=name)
    expect_error("NotFoundException", kms.delete_alias, AliasName=name)
    expect_error("NotFoundException", kms.update_alias, AliasName=name, TargetKeyId=key["KeyId"])


# ---------------------------------------------------------------- cryptography

def test_encrypt_decrypt_with_context(kms, aliased_key):
    key, name = aliased_key
    context = {"purpose": "test", "Dept": "Eng", "ünïcode": "välue"}
    out = kms.encrypt(KeyId=name, Plaintext=b"\x00secret\xff", EncryptionContext=context)
    assert out["KeyId"] == key["Arn"] and out["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = out["CiphertextBlob"]
    assert isinstance(blob, bytes) and len(blob) <= 6144
    for identifier in (None, key["KeyId"], key["Arn"], name, alias_arn(key["Arn"], name)):
        params = {"CiphertextBlob": blob, "EncryptionContext": dict(reversed(list(context.items())))}
        if identifier:
            params["KeyId"] = identifier
        dec = kms.decrypt(**params)
        assert dec["Plaintext"] == b"\x00secret\xff" and dec["KeyId"] == key["Arn"], identifier
        assert dec["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    # The context is compared exactly: member names are case-sensitive.
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=blob,
                 EncryptionContext={"Purpose": "test", "Dept": "Eng", "ünïcode": "välue"})
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=blob,
                 EncryptionContext={"purpose": "test", "dept": "Eng", "ünïcode": "välue"})
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=blob,
                 EncryptionContext={"purpose": "test", "Dept": "Eng"})
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=blob)


def test_context_survives_both_doors(kms, rest, key):
    """A blob sealed through the AWS door opens through the REST door with the same
    context: the AWS door must not re-spell encryption-context keys."""
    context = {"Purpose": "cross", "team": "A"}
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"both doors", EncryptionContext=context)["CiphertextBlob"]
    status, body = rest("POST", "/v1/decrypt", {
        "ciphertextBlob": base64.b64encode(blob).decode(), "encryptionContext": context})
    assert status == 200, body
    assert base64.b64decode(body["plaintext"]) == b"both doors"
    status, body = rest("POST", "/v1/encrypt", {
        "keyId": key["KeyId"], "plaintext": base64.b64encode(b"rest side").decode(), "encryptionContext": context})
    assert status == 200, body
    dec = kms.decrypt(CiphertextBlob=base64.b64decode(body["ciphertextBlob"]), EncryptionContext=context)
    assert dec["Plaintext"] == b"rest side"


def test_reencrypt(kms, aliased_key, new_key):
    key, name = aliased_key
    destination = new_key()
    dest_alias = alias_name()
    kms.create_alias(AliasName=dest_alias, TargetKeyId=destination["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"move me", EncryptionContext={"a": "1"})["CiphertextBlob"]
    out = kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "1"}, SourceKeyId=name,
                         DestinationKeyId=dest_alias, DestinationEncryptionContext={"b": "2"})
    assert out["SourceKeyId"] == key["Arn"] and out["KeyId"] == destination["Arn"]
    assert out["SourceEncryptionAlgorithm"] == out["DestinationEncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    dec = kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"b": "2"})
    assert dec["Plaintext"] == b"move me" and dec["KeyId"] == destination["Arn"]
    expect_error("IncorrectKeyException", kms.re_encrypt, CiphertextBlob=blob, SourceEncryptionContext={"a": "1"},
                 SourceKeyId=destination["KeyId"], DestinationKeyId=destination["KeyId"])


def test_generate_data_key_variants(kms, aliased_key):
    key, name = aliased_key
    for params, size in (({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16), ({"NumberOfBytes": 1}, 1),
                         ({"NumberOfBytes": 1024}, 1024)):
        out = kms.generate_data_key(KeyId=alias_arn(key["Arn"], name), EncryptionContext={"k": "v"}, **params)
        assert out["KeyId"] == key["Arn"]
        assert len(out["Plaintext"]) == size
        assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == out["Plaintext"]
    out = kms.generate_data_key_without_plaintext(KeyId=name, NumberOfBytes=32)
    assert set(out) - {"ResponseMetadata"} == {"CiphertextBlob", "KeyId"}
    assert out["KeyId"] == key["Arn"]
    assert len(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"]) == 32


def test_generate_random(kms):
    a = kms.generate_random(NumberOfBytes=64)["Plaintext"]
    b = kms.generate_random(NumberOfBytes=64)["Plaintext"]
    assert len(a) == len(b) == 64 and a != b
    expect_error("ValidationException", kms.generate_random, NumberOfBytes=1025)


def test_key_id_in_responses_is_always_the_arn(kms, aliased_key, new_key):
    key, name = aliased_key
    for identifier in (key["KeyId"], key["Arn"], name, alias_arn(key["Arn"], name)):
        enc = kms.encrypt(KeyId=identifier, Plaintext=b"x")
        assert enc["KeyId"] == key["Arn"]
        assert kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], KeyId=identifier)["KeyId"] == key["Arn"]
        assert kms.generate_data_key(KeyId=identifier, NumberOfBytes=32)["KeyId"] == key["Arn"]
        assert kms.generate_data_key_without_plaintext(KeyId=identifier, KeySpec="AES_256")["KeyId"] == key["Arn"]
        out = kms.re_encrypt(CiphertextBlob=enc["CiphertextBlob"], DestinationKeyId=identifier)
        assert out["KeyId"] == out["SourceKeyId"] == key["Arn"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert kms.rotate_key_on_demand(KeyId=key["KeyId"])["KeyId"] == key["Arn"]
    assert all(r["KeyId"] == key["Arn"] for r in kms.list_key_rotations(KeyId=key["KeyId"])["Rotations"])
    other = new_key()
    assert kms.schedule_key_deletion(KeyId=other["KeyId"], PendingWindowInDays=7)["KeyId"] == other["Arn"]
    assert kms.cancel_key_deletion(KeyId=other["KeyId"])["KeyId"] == other["Arn"]


# ---------------------------------------------------------------- rotation

def test_rotation(kms, key):
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key["KeyId"], RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key["Arn"])
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90
    assert_recent(status["NextRotationDate"], around=datetime.datetime.now(UTC) + datetime.timedelta(days=90))
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"before rotation")["CiphertextBlob"]
    for _ in range(3):
        kms.rotate_key_on_demand(KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"before rotation"
    rotations = kms.list_key_rotations(KeyId=key["KeyId"])
    assert len(rotations["Rotations"]) == 3 and rotations["Truncated"] is False
    for rotation in rotations["Rotations"]:
        assert rotation["RotationType"] == "ON_DEMAND"
        assert_recent(rotation["RotationDate"])
    pages = list(kms.get_paginator("list_key_rotations").paginate(KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}))
    assert [len(p["Rotations"]) for p in pages] == [2, 1]
    kms.disable_key_rotation(KeyId=key["KeyId"])
    status = kms.get_key_rotation_status(KeyId=key["KeyId"])
    assert status["KeyRotationEnabled"] is False
    expect_error("ValidationException", kms.enable_key_rotation, KeyId=key["KeyId"], RotationPeriodInDays=3000)


# ---------------------------------------------------------------- tags

def test_tags(kms, key):
    kms.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": f"k{i}", "TagValue": f"v{i}"} for i in range(5)])
    kms.tag_resource(KeyId=key["Arn"], Tags=[{"TagKey": "k0", "TagValue": "replaced"}])
    tags = [t for p in kms.get_paginator("list_resource_tags").paginate(
        KeyId=key["KeyId"], PaginationConfig={"PageSize": 2}) for t in p["Tags"]]
    assert {t["TagKey"]: t["TagValue"] for t in tags} == {
        "suite": "boto3", "k0": "replaced", "k1": "v1", "k2": "v2", "k3": "v3", "k4": "v4"}
    first = kms.list_resource_tags(KeyId=key["KeyId"], Limit=2)
    assert len(first["Tags"]) == 2 and first["Truncated"] is True and first["NextMarker"]
    kms.untag_resource(KeyId=key["KeyId"], TagKeys=["k1", "k2", "absent"])
    remaining = kms.list_resource_tags(KeyId=key["KeyId"])
    assert sorted(t["TagKey"] for t in remaining["Tags"]) == ["k0", "k3", "k4", "suite"]
    assert remaining["Truncated"] is False and "NextMarker" not in remaining
    expect_error("TagException", kms.tag_resource, KeyId=key["KeyId"], Tags=[{"TagKey": "aws:reserved", "TagValue": "x"}])


# ---------------------------------------------------------------- grants and policies

def test_grant_operations(kms, key, make_principal, admin_principal_arn):
    grantee, _ = make_principal("b3-grantee")
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee.arn, Operations=["Encrypt", "Decrypt"],
                             RetiringPrincipal=admin_principal_arn, Name="b3-grant",
                             Constraints={"EncryptionContextSubset": {"App": "b3"}})
    assert grant["GrantId"] and grant["GrantToken"]
    listed = kms.list_grants(KeyId=key["Arn"])
    assert listed["Truncated"] is False
    (entry,) = listed["Grants"]
    assert entry["GrantId"] == grant["GrantId"] and entry["KeyId"] == key["Arn"]
    assert entry["GranteePrincipal"] == grantee.arn and entry["RetiringPrincipal"] == admin_principal_arn
    assert entry["Name"] == "b3-grant" and sorted(entry["Operations"]) == ["Decrypt", "Encrypt"]
    assert entry["Constraints"] == {"EncryptionContextSubset": {"App": "b3"}}
    assert entry["IssuingAccount"]
    assert_recent(entry["CreationDate"])
    assert kms.list_grants(KeyId=key["KeyId"], GrantId=grant["GrantId"])["Grants"][0]["GrantId"] == grant["GrantId"]
    retirable = kms.list_retirable_grants(RetiringPrincipal=admin_principal_arn)
    assert grant["GrantId"] in [g["GrantId"] for g in retirable["Grants"]]

    second = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=grantee.arn, Operations=["GenerateDataKey"])
    third = kms.create_grant(KeyId=key["Arn"], GranteePrincipal=grantee.arn, Operations=["DescribeKey"])
    pages = list(kms.get_paginator("list_grants").paginate(KeyId=key["KeyId"], PaginationConfig={"PageSize": 1}))
    assert len(pages) == 3 and all(len(p["Grants"]) == 1 for p in pages)
    assert {g["GrantId"] for p in pages for g in p["Grants"]} == {grant["GrantId"], second["GrantId"], third["GrantId"]}

    kms.retire_grant(GrantToken=grant["GrantToken"])
    kms.retire_grant(KeyId=key["Arn"], GrantId=second["GrantId"])
    kms.revoke_grant(KeyId=key["KeyId"], GrantId=third["GrantId"])
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []
    expect_error("NotFoundException", kms.revoke_grant, KeyId=key["KeyId"], GrantId=third["GrantId"])
    expect_error("InvalidGrantTokenException", kms.retire_grant, GrantToken=grant["GrantToken"])


def test_key_policies(kms, key):
    names = kms.list_key_policies(KeyId=key["KeyId"])
    assert names["PolicyNames"] == ["default"] and names["Truncated"] is False
    policy = kms.get_key_policy(KeyId=key["KeyId"])["Policy"]
    assert kms.get_key_policy(KeyId=key["Arn"], PolicyName="default")["Policy"] == policy
    document = json.loads(policy)
    document["Statement"].append({"Sid": "DenySomeoneElse", "Effect": "Deny",
                                  "Principal": {"AWS": "arn:aws:iam::000000000000:user/someone-else"},
                                  "Action": "kms:*", "Resource": "*"})
    kms.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(document))
    assert json.loads(kms.get_key_policy(KeyId=key["KeyId"])["Policy"]) == document
    expect_error("MalformedPolicyDocumentException", kms.put_key_policy, KeyId=key["KeyId"], PolicyName="default",
                 Policy="{not json")


def test_create_key_with_policy(kms, make_principal):
    """CreateKey's Policy member is stored and enforced, not silently dropped."""
    user, client = make_principal("policy-user", roles=["key-user"])
    document = json.loads(kms.get_key_policy(KeyId=kms.create_key()["KeyMetadata"]["KeyId"])["Policy"])
    document["Statement"].append({"Sid": "NoDecryptForUser", "Effect": "Deny", "Principal": {"AWS": user.arn},
                                  "Action": "kms:Decrypt", "Resource": "*"})
    key = kms.create_key(Description="with policy", Policy=json.dumps(document))["KeyMetadata"]
    assert json.loads(kms.get_key_policy(KeyId=key["KeyId"])["Policy"]) == document
    blob = client.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=blob)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"

    before = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    expect_error("MalformedPolicyDocumentException", kms.create_key, Policy="{not json")
    expect_error("MalformedPolicyDocumentException", kms.create_key, Policy=json.dumps({"Version": "2012-10-17"}))
    # The lockout safety check: a policy that would stop the creator from changing it.
    lockout = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"}]}
    expect_error("MalformedPolicyDocumentException", kms.create_key, Policy=json.dumps(lockout))
    after = {k["KeyId"] for p in kms.get_paginator("list_keys").paginate() for k in p["Keys"]}
    assert after == before, "a refused CreateKey must not create a key"
    bypassed = kms.create_key(Policy=json.dumps(lockout), BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]
    assert json.loads(kms.get_key_policy(KeyId=bypassed["KeyId"])["Policy"]) == lockout


def test_create_key_enum_values(kms):
    """Values outside the model's enums are ValidationException; modeled but unsupported ones UnsupportedOperation."""
    expect_error("ValidationException", kms.create_key, KeySpec="AES-256")
    expect_error("ValidationException", kms.create_key, CustomerMasterKeySpec="AES_256")
    expect_error("ValidationException", kms.create_key, Origin="SOMEWHERE")
    expect_error("ValidationException", kms.create_key, KeyUsage="ENCRYPT")
    expect_error("UnsupportedOperationException", kms.create_key, KeySpec="ECC_SECG_P256K1")
    expect_error("UnsupportedOperationException", kms.create_key, Origin="AWS_CLOUDHSM")


# ---------------------------------------------------------------- pagination

def test_list_keys_pagination(kms, new_key):
    created = {new_key(description=f"page {i}")["KeyId"] for i in range(5)}
    marker, seen, pages = None, [], 0
    while True:
        params = {"Limit": 2} | ({"Marker": marker} if marker else {})
        page = kms.list_keys(**params)
        pages += 1
        assert len(page["Keys"]) <= 2
        assert isinstance(page["Truncated"], bool)
        seen += [k["KeyId"] for k in page["Keys"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        assert page["NextMarker"]
        marker = page["NextMarker"]
        assert pages < 10_000
    assert len(seen) == len(set(seen)) and created <= set(seen)
    paged = [k["KeyId"] for p in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 3}) for k in p["Keys"]]
    assert sorted(paged) == sorted(seen)
    expect_error("InvalidMarkerException", kms.list_keys, Marker="bm90IG91cnM=")
    expect_error("ValidationException", kms.list_keys, Limit=1001)


def test_list_aliases_pagination(kms, key):
    names = sorted(alias_name("page") for _ in range(4))
    for name in names:
        kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    first = kms.list_aliases(KeyId=key["KeyId"], Limit=3)
    assert [a["AliasName"] for a in first["Aliases"]] == names[:3]
    assert first["Truncated"] is True and first["NextMarker"]
    rest = kms.list_aliases(KeyId=key["KeyId"], Limit=3, Marker=first["NextMarker"])
    assert [a["AliasName"] for a in rest["Aliases"]] == names[3:]
    assert rest["Truncated"] is False and "NextMarker" not in rest
    everything = [a["AliasName"] for p in kms.get_paginator("list_aliases").paginate(PaginationConfig={"PageSize": 2})
                  for a in p["Aliases"]]
    assert set(names) <= set(everything) and len(everything) == len(set(everything))


# ---------------------------------------------------------------- wire details

def test_request_id_on_every_response(kms, key):
    responses = [
        kms.list_keys(Limit=1), kms.describe_key(KeyId=key["KeyId"]), kms.generate_random(NumberOfBytes=8),
        kms.enable_key(KeyId=key["KeyId"]), kms.encrypt(KeyId=key["KeyId"], Plaintext=b"1"),
    ]
    ids = []
    for response in responses:
        meta = response["ResponseMetadata"]
        assert meta["RequestId"] and meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"]
        assert meta["HTTPHeaders"]["content-type"] == "application/x-amz-json-1.1"
        ids.append(meta["RequestId"])
    error = expect_error("NotFoundException", kms.describe_key, KeyId=str(uuid.uuid4()))
    ids.append(error["ResponseMetadata"]["RequestId"])
    assert len(set(ids)) == len(ids), "request ids must be unique"


def test_raw_wire_format(aws_raw, key):
    response = aws_raw("TrentService.DescribeKey", {"KeyId": key["KeyId"]})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-amz-json-1.1"
    assert response.headers.get("x-amzn-RequestId")
    body = response.json()
    meta = body["KeyMetadata"]
    assert isinstance(meta["CreationDate"], (int, float)), "timestamps are epoch seconds on the wire"
    assert "null" not in response.text, "absent members are omitted, never null"
    # Empty-output operations answer 200 with a JSON object (or nothing).
    response = aws_raw("TrentService.EnableKey", {"KeyId": key["KeyId"]})
    assert response.status_code == 200 and (response.content == b"" or response.json() == {})
    # Unknown members are ignored.
    response = aws_raw("TrentService.DescribeKey", {"KeyId": key["KeyId"], "SomethingNew": {"x": 1}})
    assert response.status_code == 200, response.text
    # Errors: {"__type", "message"} with status 400.
    response = aws_raw("TrentService.DescribeKey", {"KeyId": str(uuid.uuid4())})
    assert response.status_code == 400
    assert response.json()["__type"] == "NotFoundException" and response.json()["message"]
    assert response.headers.get("x-amzn-RequestId")


def test_unknown_operation(aws_raw):
    response = aws_raw("TrentService.MakeCoffee", {})
    assert response.status_code == 400, response.text
    assert response.json()["__type"] == "UnknownOperationException"
    assert response.headers.get("x-amzn-RequestId")
    response = aws_raw("NotTrent.ListKeys", {})
    assert response.json()["__type"] == "UnknownOperationException"


def test_serialization_exception(aws_raw):
    for body in (b"{not json", b"[1, 2]", b'{"KeyId": '):
        response = aws_raw("TrentService.DescribeKey", body)
        assert response.status_code == 400, response.text
        assert response.json()["__type"] == "SerializationException", (body, response.text)
    response = aws_raw("TrentService.GenerateRandom", {"NumberOfBytes": "many"})
    assert response.status_code == 400
    assert response.json()["__type"] in ("SerializationException", "ValidationException"), response.text


def test_missing_required_member_is_validation(aws_raw):
    response = aws_raw("TrentService.DescribeKey", {})
    assert response.status_code == 400
    assert response.json()["__type"] == "ValidationException", response.text


def test_dry_run(kms, key):
    expect_error("DryRunOperationException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x", DryRun=True)
    expect_error("DryRunOperationException", kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=32, DryRun=True)


# ---------------------------------------------------------------- error names

def test_error_not_found(kms, key):
    expect_error("NotFoundException", kms.describe_key, KeyId=str(uuid.uuid4()))
    expect_error("NotFoundException", kms.describe_key, KeyId="alias/nothing-" + uuid.uuid4().hex)
    expect_error("NotFoundException", kms.encrypt, KeyId="alias/nothing-" + uuid.uuid4().hex, Plaintext=b"x")
    foreign = key["Arn"].replace(key["AWSAccountId"], "999999999999")
    expect_error("NotFoundException", kms.describe_key, KeyId=foreign)
    # Lifecycle operations take key ids and ARNs, not aliases.
    name = alias_name()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    expect_error("NotFoundException", kms.enable_key, KeyId=name)


def test_error_disabled(kms, key):
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key["KeyId"])
    expect_error("DisabledException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    expect_error("DisabledException", kms.decrypt, CiphertextBlob=blob)
    expect_error("DisabledException", kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=32)


def test_error_invalid_state(kms, key):
    expect_error("KMSInvalidStateException", kms.cancel_key_deletion, KeyId=key["KeyId"])
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
    expect_error("KMSInvalidStateException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    expect_error("KMSInvalidStateException", kms.decrypt, CiphertextBlob=blob)
    expect_error("KMSInvalidStateException", kms.enable_key, KeyId=key["KeyId"])
    expect_error("KMSInvalidStateException", kms.create_alias, AliasName=alias_name(), TargetKeyId=key["KeyId"])


def test_error_invalid_ciphertext(kms, key):
    blob = bytearray(kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hello")["CiphertextBlob"])
    for index in (len(blob) - 1, len(blob) // 2):
        tampered = bytearray(blob)
        tampered[index] ^= 0x80
        expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=bytes(tampered))
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=bytes(blob[:-5]))
    expect_error("InvalidCiphertextException", kms.decrypt, CiphertextBlob=b"garbage that is no blob")


def test_error_incorrect_key(kms, key, new_key):
    other = new_key()
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"x")["CiphertextBlob"]
    expect_error("IncorrectKeyException", kms.decrypt, CiphertextBlob=blob, KeyId=other["KeyId"])
    expect_error("IncorrectKeyException", kms.decrypt, CiphertextBlob=blob, KeyId=other["Arn"])


def test_error_invalid_key_usage(kms, key):
    # A signing key cannot encrypt, an HMAC key cannot make data keys, an encryption key cannot sign.
    signing = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    expect_error("InvalidKeyUsageException", kms.encrypt, KeyId=signing, Plaintext=b"x")
    mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    expect_error("InvalidKeyUsageException", kms.generate_data_key, KeyId=mac, KeySpec="AES_256")
    expect_error("InvalidKeyUsageException", kms.sign, KeyId=key["KeyId"], Message=b"x", SigningAlgorithm="ECDSA_SHA_256")


def test_error_validation(kms, key):
    expect_error("ValidationException", kms.generate_data_key, KeyId=key["KeyId"])
    expect_error("ValidationException", kms.generate_data_key, KeyId=key["KeyId"], KeySpec="AES_256", NumberOfBytes=32)
    expect_error("ValidationException", kms.generate_data_key, KeyId=key["KeyId"], NumberOfBytes=1025)
    expect_error("ValidationException", kms.encrypt, KeyId=key["KeyId"], Plaintext=b"a" * 4097)
    expect_error("ValidationException", kms.schedule_key_deletion, KeyId=key["KeyId"], PendingWindowInDays=31)
    expect_error("ValidationException", kms.list_aliases, Limit=101)


def test_error_already_exists(kms, key):
    name = alias_name()
    kms.create_alias(AliasName=name, TargetKeyId=key["KeyId"])
    expect_error("AlreadyExistsException", kms.create_alias, AliasName=name, TargetKeyId=key["KeyId"])


def test_error_invalid_alias_name(kms, key):
    for name in ("alias/aws/reserved", "no-prefix", "alias/bad name", "alias/"):
        expect_error("InvalidAliasNameException", kms.create_alias, AliasName=name, TargetKeyId=key["KeyId"])


def test_error_access_denied(kms, key, make_principal):
    _, pipeline = make_principal("encrypt-only", roles=["encrypt-only"])
    out = pipeline.encrypt(KeyId=key["KeyId"], Plaintext=b"from the pipeline")
    assert out["KeyId"] == key["Arn"]
    assert pipeline.generate_data_key(KeyId=key["Arn"], KeySpec="AES_256")["KeyId"] == key["Arn"]
    expect_error("AccessDeniedException", pipeline.decrypt, CiphertextBlob=out["CiphertextBlob"])
    expect_error("AccessDeniedException", pipeline.create_key)
    expect_error("AccessDeniedException", pipeline.schedule_key_deletion, KeyId=key["KeyId"])
    assert kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"] == b"from the pipeline"


# ---------------------------------------------------------------- SigV4 rejections

def test_wrong_secret(make_client, admin):
    client = make_client(admin.access_key_id, "not-the-secret-" + "x" * 25)
    expect_error("InvalidSignatureException", client.list_keys)


def test_unknown_access_key(make_client):
    client = make_client("AKIDUNKNOWN0000000000", "whatever-secret-whatever-secret-123456")
    expect_error("UnrecognizedClientException", client.list_keys)


def test_unsigned_request(make_client):
    client = make_client(config=client_config(signature_version=UNSIGNED))
    expect_error("MissingAuthenticationTokenException", client.list_keys)


@pytest.mark.parametrize("offset_minutes", [-20, 20])
def test_clock_skew(make_client, monkeypatch, offset_minutes):
    real = botocore.auth.get_current_datetime

    def skewed(*args, **kwargs):
        return real(*args, **kwargs) + datetime.timedelta(minutes=offset_minutes)

    monkeypatch.setattr(botocore.auth, "get_current_datetime", skewed)
    response = expect_error("InvalidSignatureException", make_client().list_keys)
    assert "Signature" in response["Error"]["Message"]


def test_clock_skew_within_window_is_accepted(make_client, monkeypatch):
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda *a, **k: real(*a, **k) - datetime.timedelta(minutes=3))
    assert "Keys" in make_client().list_keys(Limit=1)


def test_body_changed_after_signing(aws_raw):
    signed = json.dumps({"NumberOfBytes": 16}).encode()
    response = aws_raw("TrentService.GenerateRandom", signed, tamper=json.dumps({"NumberOfBytes": 17}).encode())
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidSignatureException"
    assert aws_raw("TrentService.GenerateRandom", signed).status_code == 200


def test_wrong_service_in_scope(aws_raw):
    response = aws_raw("TrentService.ListKeys", {}, service="sts")
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidSignatureException"


def test_wrong_region(make_client, region):
    other = "eu-west-1" if region != "eu-west-1" else "us-west-2"
    expect_error("InvalidSignatureException", make_client(region=other).list_keys)


# ---------------------------------------------------------------- grants end to end

def test_grant_lets_an_unbound_principal_decrypt(kms, key, make_principal):
    grantee, client = make_principal("grantee")
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"for the grantee", EncryptionContext={"app": "x"})["CiphertextBlob"]
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=blob, EncryptionContext={"app": "x"})
    grant = kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee.arn, Operations=["Decrypt", "RetireGrant"])
    out = client.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"}, GrantTokens=[grant["GrantToken"]])
    assert out["Plaintext"] == b"for the grantee" and out["KeyId"] == key["Arn"]
    assert client.decrypt(CiphertextBlob=blob, EncryptionContext={"app": "x"})["Plaintext"] == b"for the grantee"
    # The grant covers Decrypt only.
    expect_error("AccessDeniedException", client.encrypt, KeyId=key["KeyId"], Plaintext=b"x")
    client.retire_grant(KeyId=key["Arn"], GrantId=grant["GrantId"])
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=blob, EncryptionContext={"app": "x"})
    assert kms.list_grants(KeyId=key["KeyId"])["Grants"] == []


def test_grant_with_encryption_context_equals(kms, key, make_principal):
    grantee, client = make_principal("ctx-grantee")
    kms.create_grant(KeyId=key["KeyId"], GranteePrincipal=grantee.arn, Operations=["Decrypt"],
                     Constraints={"EncryptionContextEquals": {"tenant": "a", "Stage": "prod"}})
    matching = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"tenant a", EncryptionContext={"Stage": "prod", "tenant": "a"})
    superset = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"more", EncryptionContext={"tenant": "a", "Stage": "prod", "x": "y"})
    other = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"tenant b", EncryptionContext={"tenant": "b", "Stage": "prod"})
    assert client.decrypt(CiphertextBlob=matching["CiphertextBlob"],
                          EncryptionContext={"tenant": "a", "Stage": "prod"})["Plaintext"] == b"tenant a"
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=superset["CiphertextBlob"],
                 EncryptionContext={"tenant": "a", "Stage": "prod", "x": "y"})
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=other["CiphertextBlob"],
                 EncryptionContext={"tenant": "b", "Stage": "prod"})
    expect_error("AccessDeniedException", client.decrypt, CiphertextBlob=matching["CiphertextBlob"],
                 EncryptionContext={"tenant": "a", "stage": "prod"})
    (entry,) = kms.list_grants(KeyId=key["KeyId"])["Grants"]
    assert entry["Constraints"] == {"EncryptionContextEquals": {"tenant": "a", "Stage": "prod"}}
