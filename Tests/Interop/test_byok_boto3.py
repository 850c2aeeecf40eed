"""Interop: boto3's KMS client and the openssl command line against a live `kms server`.

Bring your own key exactly as docs/byok.md tells a user with an HSM to do it
(GetParametersForImport, `openssl pkeyutl` / `openssl enc -id-aes256-wrap-pad`,
ImportKeyMaterial), then signatures made by the service checked with
`openssl dgst -verify`. Configuration as in test_rest_botocore.py:

  KMS_ENDPOINT          e.g. http://127.0.0.1:18777
  KMS_CREDENTIALS_FILE  the server's admin.credentials ([default] profile)
"""
import configparser
import os
import subprocess

import boto3
import pytest
from botocore.exceptions import ClientError

OPENSSL = "/usr/bin/openssl"


@pytest.fixture(scope="session")
def kms():
    endpoint = os.environ.get("KMS_ENDPOINT")
    path = os.environ.get("KMS_CREDENTIALS_FILE")
    if not endpoint or not path:
        pytest.fail("KMS_ENDPOINT and KMS_CREDENTIALS_FILE must be set")
    parser = configparser.ConfigParser()
    parser.read(path)
    profile = parser["default"]
    return boto3.client(
        "kms", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=profile["aws_access_key_id"], aws_secret_access_key=profile["aws_secret_access_key"])


def openssl(*arguments, cwd):
    subprocess.run([OPENSSL, *arguments], cwd=cwd, check=True, capture_output=True)


def wrap(tmp_path, public_key_der, material, algorithm):
    """Wraps `material` as docs/byok.md shows, with the openssl command line only."""
    (tmp_path / "wrapping-key.der").write_bytes(public_key_der)
    (tmp_path / "material.bin").write_bytes(material)
    openssl("pkey", "-pubin", "-inform", "DER", "-in", "wrapping-key.der", "-out", "wrapping-key.pem", cwd=tmp_path)
    md = "sha1" if algorithm.endswith("SHA_1") else "sha256"
    oaep = ["-pkeyopt", "rsa_padding_mode:oaep", "-pkeyopt", f"rsa_oaep_md:{md}", "-pkeyopt", f"rsa_mgf1_md:{md}"]
    if algorithm.startswith("RSAES_OAEP"):
        openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping-key.pem", "-in", "material.bin",
                "-out", "encrypted.bin", *oaep, cwd=tmp_path)
        return (tmp_path / "encrypted.bin").read_bytes()
    aes_key = os.urandom(32)
    (tmp_path / "aes.key").write_bytes(aes_key)
    openssl("pkeyutl", "-encrypt", "-pubin", "-inkey", "wrapping-key.pem", "-in", "aes.key",
            "-out", "wrapped-aes.bin", *oaep, cwd=tmp_path)
    openssl("enc", "-id-aes256-wrap-pad", "-K", aes_key.hex(), "-iv", "A65959A6",
            "-in", "material.bin", "-out", "wrapped-material.bin", cwd=tmp_path)
    return (tmp_path / "wrapped-aes.bin").read_bytes() + (tmp_path / "wrapped-material.bin").read_bytes()


@pytest.mark.parametrize("algorithm", ["RSAES_OAEP_SHA_256", "RSAES_OAEP_SHA_1",
                                       "RSA_AES_KEY_WRAP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1"])
def test_import_wrapped_with_openssl_then_reimport_after_deletion(kms, tmp_path, algorithm):
    key = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
    assert key["KeyState"] == "PendingImport" and key["Origin"] == "EXTERNAL"
    material = os.urandom(32)

    def import_material(data):
        params = kms.get_parameters_for_import(KeyId=key["KeyId"], WrappingAlgorithm=algorithm, WrappingKeySpec="RSA_3072")
        kms.import_key_material(KeyId=key["KeyId"], ImportToken=params["ImportToken"],
                                EncryptedKeyMaterial=wrap(tmp_path, params["PublicKey"], data, algorithm),
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")

    import_material(material)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"
    blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"byok", EncryptionContext={"k": "v"})["CiphertextBlob"]
    kms.delete_imported_key_material(KeyId=key["KeyId"])
    with pytest.raises(ClientError) as refused:
        import_material(os.urandom(32))
    assert refused.value.response["Error"]["Code"] == "IncorrectKeyMaterialException"
    import_material(material)
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"k": "v"})["Plaintext"] == b"byok"


def test_signatures_verify_with_openssl_dgst(kms, tmp_path):
    message = os.urandom(3000)
    (tmp_path / "message.bin").write_bytes(message)
    for spec, algorithm, options in [
        ("ECC_NIST_P256", "ECDSA_SHA_256", ["-sha256"]),
        ("RSA_2048", "RSASSA_PSS_SHA_512", ["-sha512", "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]),
        ("RSA_2048", "RSASSA_PKCS1_V1_5_SHA_256", ["-sha256"]),
    ]:
        key = kms.create_key(KeySpec=spec, KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        signature = kms.sign(KeyId=key, Message=message, SigningAlgorithm=algorithm)["Signature"]
        (tmp_path / "message.sig").write_bytes(signature)
        (tmp_path / "public.der").write_bytes(kms.get_public_key(KeyId=key)["PublicKey"])
        openssl("pkey", "-pubin", "-inform", "DER", "-in", "public.der", "-out", "public.pem", cwd=tmp_path)
        openssl("dgst", *options, "-verify", "public.pem", "-signature", "message.sig", "message.bin", cwd=tmp_path)
        assert kms.verify(KeyId=key, Message=message, Signature=signature, SigningAlgorithm=algorithm)["SignatureValid"]
        with pytest.raises(ClientError) as invalid:
            kms.verify(KeyId=key, Message=message + b"!", Signature=signature, SigningAlgorithm=algorithm)
        assert invalid.value.response["Error"]["Code"] == "KMSInvalidSignatureException"


def test_hmac_and_data_key_pairs(kms):
    key = kms.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
    mac = kms.generate_mac(KeyId=key, Message=b"payload", MacAlgorithm="HMAC_SHA_384")["Mac"]
    assert kms.verify_mac(KeyId=key, Message=b"payload", Mac=mac, MacAlgorithm="HMAC_SHA_384")["MacValid"]
    with pytest.raises(ClientError) as invalid:
        kms.verify_mac(KeyId=key, Message=b"payloaD", Mac=mac, MacAlgorithm="HMAC_SHA_384")
    assert invalid.value.response["Error"]["Code"] == "KMSInvalidMacException"

    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    pair = kms.generate_data_key_pair(KeyId=symmetric, KeyPairSpec="ECC_NIST_P384", EncryptionContext={"use": "tls"})
    opened = kms.decrypt(CiphertextBlob=pair["PrivateKeyCiphertextBlob"], EncryptionContext={"use": "tls"})
    assert opened["Plaintext"] == pair["PrivateKeyPlaintext"]
